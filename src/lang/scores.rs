//! The line scorers of language detection ([`super::detect`], rule 5):
//! per language, the points one line of code earns.

/// Sum of the points of the rules that hold.
pub(super) fn points(rules: &[(bool, u32)]) -> u32 {
    rules.iter().filter(|(hit, _)| *hit).map(|(_, p)| p).sum()
}

pub(super) fn any(line: &str, patterns: &[&str]) -> bool {
    patterns.iter().any(|p| line.contains(p))
}

pub(super) fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The leading identifier of a line (`else:` -> `else`).
pub(super) fn first_word(line: &str) -> &str {
    line.split(|c: char| !is_ident_char(c)).next().unwrap_or("")
}

/// `name(` appears as a call, not as the tail of a longer name.
pub(super) fn has_call(line: &str, call: &str) -> bool {
    line.match_indices(call)
        .any(|(i, _)| !line.get(..i).is_some_and(|before| before.ends_with(|c: char| is_ident_char(c) || c == '.')))
}

/// `# text`, `#`, `## text`, `# ----`: not `#include`, `#[derive]`, `#!`.
pub(super) fn is_hash_comment(line: &str) -> bool {
    line.strip_prefix('#')
        .is_some_and(|rest| rest.chars().next().is_none_or(|c| c.is_whitespace() || matches!(c, '#' | '-' | '=' | '*')))
}

pub(super) const PYTHON_BLOCK_WORDS: [&str; 12] =
    ["if", "elif", "else", "for", "while", "with", "try", "except", "finally", "def", "class", "async"];

pub(super) const PYTHON_VALUES: [&str; 17] = [
    "= None",
    "= True",
    "= False",
    "is None",
    "is not None",
    "(None",
    "None)",
    ", None",
    "[None",
    "return None",
    "return True",
    "return False",
    "(True",
    "True)",
    "(False",
    "False)",
    "== True",
];

pub(super) fn python_points(line: &str) -> u32 {
    let word = first_word(line);
    let no_semicolon = !line.ends_with(';');
    let statement = is_assignment(line) || is_call_statement(line) || word == "return";
    points(&[
        (PYTHON_BLOCK_WORDS.contains(&word) && line.ends_with(':'), 3),
        (is_python_import(line), 3),
        (word == "def" && line.contains('('), 2),
        (no_semicolon && any(line, &["self.", "(self"]), 2),
        (has_call(line, "print("), 2),
        (any(line, &["__init__", "__name__", "__main__"]), 2),
        (any(line, &PYTHON_VALUES), 1),
        (no_semicolon && statement, 1),
    ])
}

/// `import a.b as c, d` or `from a import (b, c)`: no quotes, braces or `;`,
/// which tell JavaScript, Go and Java imports apart.
pub(super) fn is_python_import(line: &str) -> bool {
    let names = |s: &str| {
        !s.trim().is_empty() && s.chars().all(|c| is_ident_char(c) || matches!(c, '.' | ',' | ' ' | '*' | '(' | ')'))
    };
    if let Some(rest) = line.strip_prefix("import ") {
        return names(rest);
    }
    line.strip_prefix("from ")
        .and_then(|rest| rest.split_once(" import "))
        .is_some_and(|(module, imported)| names(module) && names(imported))
}

/// `target = value` or `target += value` where the target is a (dotted,
/// indexed or tuple) name: `let x = 1` and `int x = 1` do not qualify.
pub(super) fn is_assignment(line: &str) -> bool {
    let Some((target, value)) = line.split_once('=') else {
        return false;
    };
    if value.starts_with(['=', '>']) || value.trim().is_empty() {
        return false;
    }
    let target = target.trim_end().trim_end_matches(['+', '-', '*', '/', '%', '&', '|', '^', '@']);
    if target.ends_with(['!', '<', '>', ':']) || !target.starts_with(|c: char| c.is_alphabetic() || c == '_') {
        return false;
    }
    target.chars().all(|c| is_ident_char(c) || matches!(c, '.' | '[' | ']' | ',' | ' ' | '\'' | '"'))
        && target.split(',').all(|part| !part.trim().contains(' '))
}

/// A whole line that is one call: `D.zero_grad()`, `main()`.
pub(super) fn is_call_statement(line: &str) -> bool {
    let Some((callee, _)) = line.split_once('(') else {
        return false;
    };
    line.ends_with(')')
        && callee.starts_with(|c: char| c.is_alphabetic() || c == '_')
        && callee.chars().all(|c| is_ident_char(c) || c == '.')
}

pub(super) fn rust_points(line: &str) -> u32 {
    let item = strip_rust_qualifiers(line);
    points(&[
        (is_rust_fn(item), 3),
        (line.contains("let mut "), 3),
        (["impl ", "impl<", "trait "].iter().any(|p| item.starts_with(p)), 3),
        (line.contains("::<"), 3),
        (has_macro_call(line), 3),
        (line.starts_with("use ") && line.contains("::"), 3),
        (line.starts_with("#[") || line.starts_with("#!["), 3),
        (any(line, &["&mut ", "&self", "&str", "-> Self"]), 2),
        (line.starts_with("match ") && line.ends_with('{'), 2),
        (any(line, &["Vec<", "Option<", "Result<", "Box<", "String::", "Some(", "Ok("]), 1),
        (line.starts_with("let "), 1),
        (line.ends_with(';'), 1),
    ])
}

pub(super) fn strip_rust_qualifiers(line: &str) -> &str {
    const QUALIFIERS: [&str; 6] = ["pub(crate) ", "pub(super) ", "pub ", "async ", "unsafe ", "const "];
    let mut rest = line;
    while let Some(stripped) = QUALIFIERS.iter().find_map(|q| rest.strip_prefix(q)) {
        rest = stripped;
    }
    rest
}

/// `fn name(` or `fn name<`; Python's `fn = ...` is not one.
pub(super) fn is_rust_fn(item: &str) -> bool {
    let Some(rest) = item.strip_prefix("fn ") else {
        return false;
    };
    let rest = rest.trim_start();
    let after_name = rest.trim_start_matches(is_ident_char);
    after_name.len() < rest.len() && after_name.starts_with(['(', '<'])
}

/// `name!(`, `name![` or `name!{`: a macro call (`if !(x)` is not one).
pub(super) fn has_macro_call(line: &str) -> bool {
    line.match_indices('!').any(|(i, _)| {
        line.get(..i).is_some_and(|name| name.ends_with(is_ident_char))
            && line.get(i + 1..).is_some_and(|args| args.starts_with(['(', '[', '{']))
    })
}

pub(super) fn javascript_points(line: &str) -> u32 {
    const STRONG: [&str; 7] = ["console.", "require(", "document.", "window.", "===", "!==", "module.exports"];
    points(&[
        (has_call(line, "function(") || has_call(line, "function "), 3),
        (any(line, &STRONG), 3),
        (is_javascript_module_line(line), 3),
        (line.starts_with("const ") || line.starts_with("var "), 2),
        (line.starts_with("let "), 1),
        (line.contains("=>"), 1),
        (line.ends_with(';'), 1),
    ])
}

pub(super) fn is_javascript_module_line(line: &str) -> bool {
    const EXPORTS: [&str; 7] =
        ["export default", "export const", "export function", "export class", "export async", "export {", "export let"];
    let quoted_import = line.starts_with("import ") && any(line, &[" from '", " from \"", "import '", "import \""]);
    quoted_import || EXPORTS.iter().any(|p| line.starts_with(p))
}

pub(super) fn is_typescript_marker(line: &str) -> bool {
    any(line, &[": string", ": number", ": boolean", ": void", ": any"])
        || line.starts_with("interface ")
        || line.starts_with("export interface ")
}

/// Points shared by C and C++.
pub(super) fn c_family_points(line: &str) -> u32 {
    points(&[
        (line.starts_with("#include"), 3),
        (line.contains("int main("), 3),
        (["#define ", "#ifndef ", "#pragma "].iter().any(|p| line.starts_with(p)), 2),
        (line.ends_with(';'), 1),
    ])
}

pub(super) fn c_points(line: &str) -> u32 {
    let c_header = line.starts_with("#include") && any(line, &[".h>", ".h\""]);
    let c_call = ["printf(", "scanf(", "malloc(", "free(", "fprintf("].iter().any(|call| has_call(line, call));
    c_family_points(line) + points(&[(c_header, 1), (c_call, 1)])
}

pub(super) fn cpp_points(line: &str) -> u32 {
    const MARKERS: [&str; 11] = [
        "std::cout",
        "std::cin",
        "std::endl",
        "std::vector",
        "std::unique_ptr",
        "std::shared_ptr",
        "cout <<",
        "cin >>",
        "template<",
        "template <",
        "nullptr",
    ];
    let cpp_header = line.starts_with("#include <") && !line.contains(".h>");
    let marker = any(line, &MARKERS)
        || line.starts_with("namespace ")
        || line.starts_with("using namespace ")
        || matches!(line, "public:" | "private:" | "protected:");
    c_family_points(line) + points(&[(cpp_header, 2), (marker, 2)])
}

pub(super) fn java_points(line: &str) -> u32 {
    const MARKERS: [&str; 5] =
        ["public class ", "public static void ", "System.out.print", "@Override", "import java."];
    points(&[(any(line, &MARKERS), 3), (line.ends_with(';'), 1)])
}

pub(super) fn go_points(line: &str) -> u32 {
    points(&[
        (line.starts_with("package ") && !line.ends_with(';'), 3),
        (line.starts_with("func "), 3),
        (any(line, &["fmt.", "err != nil"]), 3),
        (line.contains(":="), 2),
    ])
}

pub(super) fn sql_points(line: &str) -> u32 {
    const STATEMENTS: [&str; 6] =
        ["INSERT INTO ", "CREATE TABLE ", "DELETE FROM ", "ALTER TABLE ", "DROP TABLE ", "CREATE INDEX "];
    const CLAUSES: [&str; 7] = ["WHERE ", "GROUP BY ", "ORDER BY ", "JOIN ", "LEFT JOIN ", "INNER JOIN ", "HAVING "];
    let select = line.starts_with("SELECT ") || line.contains(" SELECT ") || line == "SELECT";
    let from = line.starts_with("FROM ") || line.contains(" FROM ");
    let upper =
        STATEMENTS.iter().any(|s| line.starts_with(s)) || (line.starts_with("UPDATE ") && line.contains(" SET "));
    // Lower-case SQL only counts as a full statement: prose says "select".
    let lower = line.ends_with(';')
        && STATEMENTS.iter().chain(&["SELECT ", "UPDATE "]).any(|s| starts_with_ignore_ascii_case(line, s));
    points(&[
        (select, 2),
        (from, if select { 2 } else { 1 }),
        (upper || lower, 4),
        (CLAUSES.iter().any(|c| line.starts_with(c)), 1),
    ])
}

/// `line` starts with `prefix`, ASCII case ignored. The head is taken with
/// `get`, so a multi-byte character across the prefix's length (`WHERE ’x’`
/// against `SELECT `) is a mismatch, not a panic.
pub(super) fn starts_with_ignore_ascii_case(line: &str, prefix: &str) -> bool {
    line.get(..prefix.len()).is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

/// Commands that start shell lines in study notes.
pub(super) const SHELL_COMMANDS: [&str; 38] = [
    "sudo",
    "apt",
    "apt-get",
    "brew",
    "pip",
    "pip3",
    "conda",
    "npm",
    "npx",
    "yarn",
    "cargo",
    "rustup",
    "git",
    "cd",
    "ls",
    "mkdir",
    "rm",
    "cp",
    "mv",
    "chmod",
    "chown",
    "curl",
    "wget",
    "echo",
    "source",
    "docker",
    "kubectl",
    "make",
    "tar",
    "unzip",
    "grep",
    "cat",
    "python",
    "python3",
    "nvidia-smi",
    "ssh",
    "touch",
    "pwd",
];

pub(super) fn shell_points(line: &str) -> u32 {
    let mut words = line.trim_start().splitn(2, char::is_whitespace);
    let word = words.next().unwrap_or("");
    let after = words.next().unwrap_or("").trim_start();
    // `cat = 3`, `source(x)`, `make.x` are code using the name, not commands.
    let used_as_name = after.starts_with(['=', '(', '.', '[', ':', ',', '+', '*', '/']);
    let command = SHELL_COMMANDS.contains(&word) && !used_as_name;
    let export = line.strip_prefix("export ").is_some_and(|rest| {
        let name = first_word(rest);
        !name.is_empty() && rest.strip_prefix(name).is_some_and(|value| value.starts_with('='))
    });
    points(&[
        (line.starts_with("$ "), 3),
        (line.starts_with("if [") || any(line, &["; then", "; do"]), 3),
        (export, 3),
        (command, 2),
        (matches!(line, "fi" | "done" | "esac" | "then" | "do"), 2),
        (is_env_assignment(line), 1),
    ])
}

/// `NAME=value` with an upper-case name and no spaces around `=`.
pub(super) fn is_env_assignment(line: &str) -> bool {
    line.split_once('=').is_some_and(|(name, value)| {
        !name.is_empty()
            && name.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
            && !value.is_empty()
            && !value.starts_with([' ', '='])
    })
}
