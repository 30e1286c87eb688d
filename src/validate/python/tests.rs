//! Tests of `check_python`, including a differential test against the
//! `python3` on PATH when it is CPython 3.11.

use super::check_python;

/// The line and message of the error found in `source`.
fn error(source: &str) -> (usize, String) {
    match check_python(source) {
        Some(e) => (e.line, e.message),
        None => panic!("expected an error for {source:?}"),
    }
}

fn line(source: &str) -> usize {
    error(source).0
}

#[test]
fn accepts_valid_code() {
    for source in [
        "",
        "\n\n",
        "# just a comment",
        "x = 1",
        "def f(a, /, b=2, *args, c, **kw) -> int:\n    return a\n",
        "class A(B, metaclass=M):\n    x: int = 1\n\n    def f(self):\n        yield from g()\n",
        "async def f():\n    async with a as b:\n        return [x async for x in b]\n",
        "match p:\n    case Point(x=0, y=0) | [1, *rest]:\n        pass\n    case _:\n        pass\n",
        "if (n := len(a)) > 10:\n    print(f'{n!r:>{width}} items')\n",
        "for i in x:\n    try:\n        continue\n    finally:\n        break\nelse:\n    pass\n",
        "π = 3.14\nnaïve_count = 0\n",
        "x = 1  \r\ny = 2\r\n",
        "x = (await y for y in z)\n",
    ] {
        assert_eq!(check_python(source), None, "{source:?}");
    }
}

#[test]
fn def_without_body_at_end_is_reported_on_the_def_line() {
    let source = "class Net:\n    x = 1\n\n    def forward(self, x):\n";
    let message = "expected an indented block after function definition on line 4";
    assert_eq!(error(source), (4, message.to_owned()));
    // Trailing blank lines move CPython's end marker, and the error with it.
    assert_eq!(line("def f():\n\n\n"), 3);
    assert_eq!(line("if x:\n    pass\nelse:\n# only a comment\n"), 4);
}

#[test]
fn misplaced_return_break_continue() {
    assert_eq!(error("x = f(x)\nreturn x\n"), (2, "'return' outside function".into()));
    let source = "for i in range(3):\n    pass\nif i > 1:\n    break\n";
    assert_eq!(error(source), (4, "'break' outside loop".into()));
    let source = "while x:\n    pass\nelse:\n    continue\n";
    assert_eq!(error(source), (4, "'continue' not properly in loop".into()));
    // A function body is outside the loop that contains the function.
    assert_eq!(line("for x in y:\n    def g():\n        break\n"), 3);
    // A class body resets the function context.
    assert_eq!(line("def f():\n    class A:\n        return 1\n"), 3);
}

#[test]
fn yield_and_await_placement() {
    assert_eq!(error("yield 1\n"), (1, "'yield' outside function".into()));
    assert_eq!(error("await x\n"), (1, "'await' outside function".into()));
    let source = "def f():\n    await x\n";
    assert_eq!(error(source), (2, "'await' outside async function".into()));
    assert_eq!(check_python("x = lambda: (yield)\n"), None);
    assert_eq!(error("x = lambda: await y\n").1, "'await' outside async function");
    let message = "'yield' inside list comprehension";
    assert_eq!(error("def f():\n    [(yield) for x in y]\n"), (2, message.into()));
    let message = "asynchronous comprehension outside of an asynchronous function";
    assert_eq!(error("def f():\n    [x async for x in y]\n"), (2, message.into()));
    assert_eq!(error("x = [await y for y in z]\n"), (1, message.into()));
    let source = "async def f():\n    yield 1\n    return 2\n";
    assert_eq!(error(source), (3, "'return' with value in async generator".into()));
}

#[test]
fn scope_declarations() {
    let message = "nonlocal declaration not allowed at module level";
    assert_eq!(error("nonlocal x\n"), (1, message.into()));
    let source = "def outer():\n    def inner():\n        nonlocal count\n";
    assert_eq!(error(source), (3, "no binding for nonlocal 'count' found".into()));
    let source = "def outer():\n    count = 0\n    def inner():\n        nonlocal count\n";
    assert_eq!(check_python(source), None);
    let source = "def f():\n    x = 1\n    global x\n";
    let message = "name 'x' is assigned to before global declaration";
    assert_eq!(error(source), (3, message.into()));
    let source = "def f():\n    from os import *\n";
    assert_eq!(error(source), (2, "import * only allowed at module level".into()));
}

#[test]
fn grammar_errors_point_where_cpython_does() {
    let source = "# Training loop\nfor each training step:\n    update()\n";
    assert_eq!(error(source), (2, "invalid syntax".into()));
    assert_eq!(error("if x\n    pass\n"), (1, "expected ':'".into()));
    let message = "Missing parentheses in call to 'print'. Did you mean print(...)?";
    assert_eq!(error("print 'hello'\n"), (1, message.into()));
    let message = "invalid syntax. Perhaps you forgot a comma?";
    let source = "config = {\n    'lr': 0.01\n    'epochs': 10\n}\n";
    assert_eq!(error(source), (2, message.into()));
    let message = "invalid syntax. Maybe you meant '==' or ':=' instead of '='?";
    assert_eq!(error("if x = 1:\n    pass\n"), (1, message.into()));
    let message = "expected 'else' after 'if' expression";
    assert_eq!(error("x = (a\n     if b)\n"), (1, message.into()));
    let source = "def f[T](x: T) -> T:\n    return x\n";
    assert_eq!(error(source), (1, "expected '('".into()));
}

#[test]
fn invalid_targets() {
    let message = "cannot assign to function call here. Maybe you meant '==' instead of '='?";
    assert_eq!(error("f() = 1\n"), (1, message.into()));
    assert_eq!(error("for 1 in x:\n    pass\n"), (1, "cannot assign to literal".into()));
    assert_eq!(error("del f()\n"), (1, "cannot delete function call".into()));
    let message = "'expression' is an illegal expression for augmented assignment";
    assert_eq!(error("x + 1 += 2\n"), (1, message.into()));
    let message = "multiple starred expressions in assignment";
    assert_eq!(error("a, *b, *c = d\n"), (1, message.into()));
    // CPython's parser stops at the invalid target, before a later error.
    assert_eq!(line("x = 1\n1 = y\nz = (\n"), 2);
}

#[test]
fn tokenizer_errors() {
    let message = "unterminated string literal (detected at line 2)";
    assert_eq!(error("x = 1\ns = 'abc\n"), (2, message.into()));
    let message = "unterminated triple-quoted string literal (detected at line 3)";
    assert_eq!(error("s = '''abc\n\nmore\n"), (1, message.into()));
    assert_eq!(error("x = [\n  1,\n  2\n"), (1, "'[' was never closed".into()));
    assert_eq!(error("x = (1, 2))\n"), (1, "unmatched ')'".into()));
    let message = "closing parenthesis ']' does not match opening parenthesis '(' on line 1";
    assert_eq!(error("x = (1,\n 2]\n"), (2, message.into()));
    let message = "invalid character '“' (U+201C)";
    assert_eq!(error("x = “hi”\n"), (1, message.into()));
    let message = "invalid non-printable character U+00A0";
    assert_eq!(error("x\u{a0}= 1\n"), (1, message.into()));
    assert_eq!(error("x = 1abc\n"), (1, "invalid decimal literal".into()));
    assert!(error("x = 0777\n").1.starts_with("leading zeros"));
    assert_eq!(error("x = 1 \\\n"), (1, "unexpected EOF while parsing".into()));
}

#[test]
fn indentation_errors() {
    assert_eq!(error("\n\n  x = 1\n"), (3, "unexpected indent".into()));
    let message = "unindent does not match any outer indentation level";
    assert_eq!(error("if x:\n    a\n  b\n"), (3, message.into()));
    let message = "inconsistent use of tabs and spaces in indentation";
    assert_eq!(error("if x:\n\tpass\n        pass\n"), (3, message.into()));
    let deep: String = (0..120).map(|i| format!("{}if x:\n", " ".repeat(i))).collect();
    assert_eq!(error(&deep), (101, "too many levels of indentation".into()));
}

#[test]
fn which_error_wins() {
    // A tokenizer error raised later replaces a grammar error...
    assert_eq!(line("x = = 1\ny = 'abc\n"), 2);
    // ...but not "unexpected indent", after which CPython reads no further.
    assert_eq!(line("    x = 1\ny = 'abc\n"), 1);
    // A bracket left open before the grammar error is blamed instead.
    assert_eq!(error("x = (1 +\ny = =\n"), (1, "'(' was never closed".into()));
    // Grammar errors come before the compiler's checks.
    assert_eq!(line("return 1\nx = = 2\n"), 2);
    // A repeated keyword is a compiler error too.
    assert_eq!(line("f(a=1, a=2)\nx = = 2\n"), 2);
}

#[test]
fn f_string_errors() {
    let message = "f-string: empty expression not allowed";
    assert_eq!(error("x = f'{}'\n"), (1, message.into()));
    assert_eq!(line("x = f'''\n{a\nb}'''\n"), 2);
    assert_eq!(line("x = (f'{}'\n     'a')\n"), 2);
}

#[test]
fn columns_count_characters() {
    let e = check_python("é = “x”\n").expect("error");
    assert_eq!((e.line, e.column), (1, 5));
    let e = check_python("x = (1, 2))\n").expect("error");
    assert_eq!((e.line, e.column), (1, 11));
}

#[test]
fn nul_bytes_and_garbage_do_not_panic() {
    let message = "source code string cannot contain null bytes";
    assert_eq!(error("x = 1\n\0\n"), (2, message.into()));
    let garbage: String = (1..5000u32).filter_map(|i| char::from_u32(i * 37 % 0xD7FF)).collect();
    assert!(check_python(&garbage).is_some());
}

#[test]
fn deep_nesting_neither_panics_nor_overflows() {
    let parens = format!("x = {}1{}\n", "(".repeat(100_000), ")".repeat(100_000));
    assert_eq!(error(&parens), (1, "too many nested parentheses".into()));
    let indents: String = (0..10_000).map(|i| format!("{}if x:\n", " ".repeat(i))).collect();
    assert_eq!(error(&indents), (101, "too many levels of indentation".into()));
    // CPython refuses expressions nested deeper than its recursion limit...
    let deep = format!("x = {}1\n", "-".repeat(100_000));
    assert!(error(&deep).1.contains("maximum recursion depth"));
    let chain = format!("x = {}1 )\n", "1 + ".repeat(50_000));
    assert_eq!(error(&chain).1, "unmatched ')'");
    let chain = format!("y = {}1\n", "a.b + ".repeat(20_000));
    assert!(error(&chain).1.contains("maximum recursion depth"));
    // A grammar error after a deep left-nested chain makes rustpython drop
    // the deep tree recursively: inline just under the bound, on a big
    // stack above it.
    assert_eq!(error(&format!("x = {}1 1\n", "1 + ".repeat(3_900))).1, "invalid syntax");
    assert_eq!(error(&format!("x = {}1 1\n", "1 + ".repeat(50_000))).1, "invalid syntax");
    assert_eq!(error(&format!("x = a{} 1\n", ".b".repeat(50_000))).1, "invalid syntax");
    // Right-nested chains are refused too.
    let lambdas = format!("f = {}0{}\n", "lambda a=".repeat(30_000), ": 0".repeat(30_000));
    assert!(error(&lambdas).1.contains("maximum recursion depth"));
    let ternary = format!("for x in y: z = {}0\n", "a if b else ".repeat(30_000));
    assert!(error(&ternary).1.contains("maximum recursion depth"));
    // ... and accepts them up to that limit.
    assert_eq!(check_python(&format!("x = {}1\n", "-".repeat(2900))), None);
}

/// Snippets whose CPython 3.11 verdict the differential test compares
/// with ours. The first four are real blocks from a question bank.
const DIFFERENTIAL: &[&str] = &[
    "import torch.nn as nn\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(10, 1)\n\n    def forward(self, x):\n",
    "x = f(x)\nreturn x\n",
    "x = 1\n\n\ny = = 2\n",
    "for step in range(10):\n    loss = step\nif loss < 0.1:\n    break\n",
    "# Training loop\nfor each training step:\n",
    "x = 1  \ny = 2  \nif x:  \n    y = 3  \n",
    "\n\n\nx = (1,\n",
    "yield x\n",
    "await asyncio.sleep(1)\n",
    "def f():\n    await g()\n",
    "def f():\n    [x async for x in aiter()]\n",
    "async def f():\n    return [await g(x) for x in xs]\n",
    "x = lambda: (yield)\n",
    "class A:\n    return 1\n",
    "while True:\n    def g():\n        continue\n",
    "for x in y:\n    pass\nelse:\n    break\n",
    "name = 'World'\nprint(f\"Hello, {name!r:>{10}}\")\n",
    "x = f'{}'\n",
    "msg = f'''\n{a b}'''\n",
    "match command.split():\n    case [action]:\n        pass\n    case [action, obj]:\n        pass\n",
    "match x:\n    case _:\n        pass\n    case 1:\n        pass\n",
    "if (n := len(a)) > 10:\n    pass\n",
    "x := 5\n",
    "@decorator\n@other(arg=1)\ndef f():\n    pass\n",
    "@decorator\n",
    "def f(items: list[int], /, *, key: str | None = None) -> dict[str, int]:\n    ...\n",
    "a, b: int\n",
    "total = 1 + \\\n    2\n",
    "total = 1 + \\",
    "s = 'unterminated\n",
    "doc = \"\"\"never closed\n\nx = 1\n",
    "if x:\n\tpass\n        pass\n",
    "def f():\n    x = 1\n  y = 2\n",
    "größe = 1\nπ = 3.14\n",
    "x = “quoted”\n",
    "params = {\n    'lr': 0.01\n    'epochs': 10\n}\n",
    "print 'hello'\n",
    "values = [1, 2, 3\nprint(values)\n",
    "def outer():\n    def inner():\n        nonlocal x\n",
    "def first[T](xs: list[T]) -> T:\n    return xs[0]\n",
    "f() = 1\n",
    "if x = 1:\n    pass\n",
    ">>> x = 1\n",
    "$ pip install torch\n",
    "",
];

const ORACLE: &str = r#"
import sys, warnings
warnings.filterwarnings("ignore")
if sys.version_info[:2] != (3, 11):
    print("SKIP", sys.version.split()[0])
    sys.exit(0)
for source in sys.stdin.buffer.read().decode("utf-8").split("\x1e"):
    try:
        compile(source, "<block>", "exec")
        print("OK")
    except SyntaxError as e:
        print("ERR", e.lineno)
    except (RecursionError, MemoryError, ValueError):
        print("ERR None")
"#;

/// CPython's verdict on each snippet: `None` if it compiles, else the
/// error's line (`Some(None)` when CPython gives none). `None` overall
/// when no CPython 3.11 can be run.
fn cpython_verdicts(snippets: &[&str]) -> Option<Vec<Option<Option<usize>>>> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child =
        Command::new("python3").args(["-c", ORACLE]).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().ok()?;
    let input = snippets.join("\u{1e}");
    child.stdin.take()?.write_all(input.as_bytes()).ok()?;
    let output = child.wait_with_output().ok()?;
    let text = String::from_utf8(output.stdout).ok()?;
    if text.starts_with("SKIP") {
        return None;
    }
    let verdicts = text.lines().map(|l| l.strip_prefix("ERR ").map(|rest| rest.parse().ok()));
    Some(verdicts.collect())
}

#[test]
fn differential_against_cpython() {
    let Some(verdicts) = cpython_verdicts(DIFFERENTIAL) else {
        eprintln!("differential test skipped: no python3 3.11 on PATH");
        return;
    };
    assert_eq!(verdicts.len(), DIFFERENTIAL.len(), "python3 answered {verdicts:?}");
    let mut mismatches = Vec::new();
    for (source, expected) in DIFFERENTIAL.iter().zip(verdicts) {
        let ours = check_python(source);
        let agrees = match (&ours, expected) {
            (None, None) | (Some(_), Some(None)) => true,
            (Some(e), Some(Some(line))) => e.line == line,
            _ => false,
        };
        if !agrees {
            mismatches.push(format!("{source:?}: CPython {expected:?}, ours {ours:?}"));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}
