//! Math in rendered HTML: each formula as KaTeX's HTML ([`crate::katex`]).
//! A formula KaTeX rejects keeps its source visible, marked as an error;
//! validation has already reported it.

use std::collections::BTreeMap;

use super::highlight::escape;
use crate::katex::KatexMemo;

/// Renders one formula to HTML wrapped in a `.math` element.
pub fn render_math(tex: &str, display: bool, macros: &BTreeMap<String, String>, memo: &KatexMemo) -> String {
    match memo.render(tex, display, macros) {
        Ok(html) if display => format!("<span class=\"math math-display\">{html}</span>"),
        Ok(html) => format!("<span class=\"math math-inline\">{html}</span>"),
        Err(message) => {
            let delimiter = if display { "$$" } else { "$" };
            format!(
                "<code class=\"math-error\" title=\"{}\">{delimiter}{}{delimiter}</code>",
                escape(&message),
                escape(tex)
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::katex::MAX_FORMULA;

    #[test]
    fn renders_inline_display_and_errors() {
        let macros = BTreeMap::new();
        let inline = render_math(r"\gamma", false, &macros, &KatexMemo::default());
        assert!(inline.starts_with("<span class=\"math math-inline\"><span class=\"katex\">"), "{inline}");
        let display = render_math(r"\frac{a}{b}", true, &macros, &KatexMemo::default());
        assert!(display.contains("katex-display"), "{display}");
        let broken = render_math(r"\frac{a}", false, &macros, &KatexMemo::default());
        assert!(broken.starts_with("<code class=\"math-error\""), "{broken}");
        assert!(broken.contains("$\\frac{a}$"), "{broken}");
    }

    #[test]
    fn a_formula_over_the_limit_is_shown_as_source_without_katex() {
        let long = "x+".repeat(MAX_FORMULA / 2 + 1);
        let shown = render_math(&long, true, &BTreeMap::new(), &KatexMemo::default());
        assert!(shown.starts_with("<code class=\"math-error\" title=\"formula of"), "{}", &shown[..100]);
        assert!(shown.contains(&format!("$${long}$$")));
    }
}
