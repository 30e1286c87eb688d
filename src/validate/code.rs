// TEMPORARY STUB until helper delivers
use super::CodeError;
pub fn normalize_language(info: &str) -> Option<String> { let w = info.split_whitespace().next()?; Some(match w { "py" => "python".into(), o => o.to_lowercase() }) }
pub fn detect_language(source: &str) -> Option<&'static str> { (source.contains("self") || source.contains("import") || source.contains(':')).then_some("python") }
pub fn is_checked(language: &str) -> bool { language == "python" }
pub fn check_code(language: &str, source: &str) -> Option<CodeError> { if language == "python" { super::python::check_python(source) } else { None } }
