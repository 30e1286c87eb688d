//! Python syntax check for code blocks that answers like CPython 3.11's
//! `compile(source, "<block>", "exec")`: the same blocks are rejected, at the
//! same line (`SyntaxError.lineno`), with a message close to CPython's.
//!
//! When a block has several problems, CPython reports the first one met by
//! the first stage that fails, so the checks run in CPython's order:
//!
//! 1. **NUL bytes**: CPython refuses such a string before tokenizing.
//! 2. **Tokenizer** (in `tokenizer`), a port of the error paths of
//!    `Parser/tokenizer.c`: unterminated strings, invalid characters and
//!    number literals, unbalanced brackets, indentation errors, and the hard
//!    limits of 200 nested brackets and 100 indentation levels. An error that
//!    the tokenizer raises itself wins even over an earlier grammar error,
//!    because CPython tokenizes the rest of the input after a syntax error.
//!    The tokenizer also bounds how deep the syntax tree can get (in `depth`),
//!    so that deep input never reaches recursive code on a small stack.
//! 3. **Grammar** (in `grammar`): rustpython-parser parses the tokens that
//!    come before the first tokenizer error. Its error is moved to where
//!    CPython's PEG parser reports it: the end of the last line for errors at
//!    the end of input, the block header's line in "expected an indented
//!    block", the start of the previous item in "Perhaps you forgot a comma?".
//! 4. **Tree checks** (in `walk`), an iterative walk over the parsed tree for
//!    what CPython finds after the grammar, pass by pass: invalid assignment
//!    and deletion targets and 3.12-only syntax (parser actions), misplaced
//!    `from __future__` imports, nesting deeper than CPython's recursion
//!    limit, the symbol table (`nonlocal` at module level or without a
//!    binding, `global` after use, `yield` in a comprehension, `import *` in a
//!    function) and the code generator (`return`, `yield`, `await`, `break`,
//!    `continue`, `async` statements and comprehensions out of place, misused
//!    starred expressions, unreachable `except:` and `case` clauses).

mod depth;
mod grammar;
mod source;
mod tokenizer;
mod tokens;
mod walk;

#[cfg(test)]
mod tests;

use super::CodeError;
use source::Source;
use tokenizer::Lexer;

/// Checks Python source the way CPython 3.11's `compile(source, name, "exec")` does.
pub fn check_python(source: &str) -> Option<CodeError> {
    if let Some(at) = source.find('\0') {
        // CPython gives no line for this one; the NUL's own line is the useful one.
        let line = source[..at].matches('\n').count() + 1;
        let column = source[..at].rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        let message = "source code string cannot contain null bytes".to_owned();
        return Some(CodeError { line, column, message });
    }
    let src = Source::new(source);
    let lexed = Lexer::new(&src).run();
    depth::analyse_on_sized_stack(&src, &lexed)
}
