//! Nesting depth: the bound on the syntax tree's depth that the tokenizer
//! computes, and the runner that gives the grammar and tree checks a stack
//! big enough for it (rustpython parses and drops trees recursively).

use super::grammar::analyse;
use super::source::Source;
use super::tokenizer::{is_ident_char, Kind, Lexed, Token};
use crate::validate::CodeError;

/// Nesting deeper than this (statements plus expressions) makes CPython 3.11
/// fail with "RecursionError: maximum recursion depth exceeded during
/// compilation" (its limit is 3000 recursive visits, some spent before the
/// block's own nodes).
pub(super) const CPYTHON_MAX_DEPTH: usize = 2994;
/// Trees up to this depth bound are parsed on the caller's stack. rustpython
/// drops trees recursively (under 100 bytes a level with the dependency
/// optimised): 4000 levels fit easily in a 2 MiB thread stack.
const INLINE_DEPTH: usize = 4000;
/// Stack reserved per level of depth bound when the bound is larger.
const STACK_PER_LEVEL: usize = 512;
/// Beyond this a block is refused unparsed (a bound that needs 1 GiB of stack).
const MAX_THREAD_STACK: usize = 1 << 30;

/// Runs the grammar and tree checks, on the caller's stack when the depth
/// bound allows it, else on a thread whose stack fits the bound.
pub(super) fn analyse_on_sized_stack(src: &Source, lexed: &Lexed) -> Option<CodeError> {
    if lexed.depth_bound <= INLINE_DEPTH {
        return analyse(src, lexed);
    }
    analyse_on_big_stack(src, lexed)
}

/// Runs the grammar and tree checks on a thread whose stack fits the depth bound.
fn analyse_on_big_stack(src: &Source, lexed: &Lexed) -> Option<CodeError> {
    let too_complex = || Some(src.error_at(0, "too many nested expressions to compile"));
    let stack = lexed.depth_bound.saturating_mul(STACK_PER_LEVEL).saturating_add(16 << 20);
    if stack > MAX_THREAD_STACK {
        return too_complex();
    }
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new().stack_size(stack).spawn_scoped(scope, || analyse(src, lexed));
        match worker {
            Ok(handle) => handle.join().unwrap_or_else(|_| too_complex()),
            Err(_) => too_complex(),
        }
    })
}

/// Upper bound on the depth of the syntax tree, from the tokens alone.
///
/// Within a bracket (or a statement), items separated by commas are siblings,
/// so the count restarts at the bracket's base; otherwise every token that can
/// nest one more node adds to the count. Low-precedence keywords (`lambda`,
/// `if`, `not`, `yield`, ...) add more, since below them `or`, `and` and
/// comparisons can nest a level each without a token of their own.
#[derive(Default)]
pub(super) struct DepthBound {
    frames: Vec<Frame>,
    elifs: usize,
    pub(super) max: usize,
}

#[derive(Clone, Copy)]
struct Frame {
    base: usize,
    cur: usize,
    /// `lambda`s whose `:` is still to come: their commas separate parameters.
    lambdas: usize,
    /// Inside a comprehension `if` is a filter, not a conditional expression.
    comprehension: bool,
}

const LOW_PRECEDENCE_WEIGHT: usize = 4;

impl DepthBound {
    pub(super) fn token(&mut self, src: &Source, token: &Token, indents: usize) {
        if matches!(token.kind, Kind::Newline | Kind::Indent | Kind::Dedent | Kind::End) {
            self.frames.clear();
            return;
        }
        if self.frames.is_empty() {
            let base = 3 * indents + self.elifs + 8;
            self.frames.push(Frame { base, cur: base, lambdas: 0, comprehension: false });
        }
        let text = &src.chars[token.start..token.end];
        if matches!(token.kind, Kind::Name | Kind::Op) {
            self.word(text);
        }
        if let Some(frame) = self.frames.last() {
            self.max = self.max.max(frame.cur);
        }
    }

    /// Applies one name or operator token to the innermost frame.
    fn word(&mut self, text: &[char]) {
        let word: String = text.iter().collect();
        if word == "elif" {
            self.elifs += 1;
        }
        let depth = self.frames.len();
        let Some(frame) = self.frames.last_mut() else {
            return;
        };
        match word.as_str() {
            "(" | "[" | "{" => {
                frame.cur += 1;
                let base = frame.cur + LOW_PRECEDENCE_WEIGHT;
                let inner = Frame { base, cur: base, lambdas: 0, comprehension: false };
                self.frames.push(inner);
            }
            ")" | "]" | "}" if depth > 1 => {
                self.frames.pop();
                if let Some(outer) = self.frames.last_mut() {
                    outer.cur += 1;
                }
            }
            ";" => frame.cur = frame.base,
            "," if frame.lambdas == 0 => frame.cur = frame.base,
            ":" if frame.lambdas > 0 => {
                frame.lambdas -= 1;
                frame.cur += 1;
            }
            // Sides of `=` and `:` (slices, dicts, annotations) are siblings,
            // except in a lambda's parameters (handled above for `:`).
            ":" => frame.cur = frame.base,
            "=" if depth == 1 && frame.lambdas == 0 => frame.cur = frame.base,
            "+=" | "-=" | "*=" | "/=" | "//=" | "%=" | "@=" | "&=" | "|=" | "^=" | ">>=" | "<<=" | "**=" => {
                frame.cur = frame.base
            }
            // A `for` loop's target and iterable, or a comprehension's clauses.
            "for" => {
                frame.comprehension = depth > 1;
                frame.cur = frame.base + LOW_PRECEDENCE_WEIGHT;
            }
            "if" if frame.comprehension => frame.cur = frame.base + LOW_PRECEDENCE_WEIGHT,
            "lambda" => {
                frame.lambdas += 1;
                frame.cur += LOW_PRECEDENCE_WEIGHT;
            }
            "if" | "else" | "not" | "yield" | "await" | ":=" => frame.cur += LOW_PRECEDENCE_WEIGHT,
            _ if text.first().is_some_and(|&c| is_ident_char(c)) => {}
            "<" | ">" | "==" | ">=" | "<=" | "!=" | "<>" => {}
            _ => frame.cur += 1,
        }
    }

    /// An f-string's replacement fields are parsed as expressions of their
    /// own; count every punctuation char in it as one nesting token.
    pub(super) fn f_string(&mut self, text: &[char]) {
        let punctuation = text.iter().filter(|c| !c.is_alphanumeric() && **c != ' ').count();
        if let Some(frame) = self.frames.last_mut() {
            frame.cur += LOW_PRECEDENCE_WEIGHT * (punctuation + 2);
            self.max = self.max.max(frame.cur);
        }
    }
}
