// TEMPORARY STUB until helper delivers
use super::CodeError;
pub fn check_python(_source: &str) -> Option<CodeError> {
    None
}
