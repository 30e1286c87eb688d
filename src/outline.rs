//! `check --outline`: the structure the parser found, one line per topic
//! and question, so an author can see at a glance how a file was read.

use std::fmt::Write;

use crate::model::{option_letter, Bank, Kind};

pub fn render_outline(banks: &[Bank]) -> String {
    let mut out = String::new();
    for bank in banks {
        let count = bank.questions().count();
        let _ = writeln!(
            out,
            "{} — \"{}\" ({} style, {count} question{})",
            bank.source_path.display(),
            bank.title,
            bank.style.as_str(),
            if count == 1 { "" } else { "s" }
        );
        if !bank.reading.is_empty() {
            let _ = writeln!(out, "  {}", bank.reading);
        }
        for topic in &bank.topics {
            let _ = writeln!(out, "  topic \"{}\" ({} questions)", topic.title, topic.questions.len());
            for q in &topic.questions {
                let kind = match &q.kind {
                    Kind::MultipleChoice { choices, correct } => {
                        let key: Vec<String> = correct.iter().map(|i| option_letter(*i).to_string()).collect();
                        format!("mcq {} key {}", choices.len(), if key.is_empty() { "-".into() } else { key.join(",") })
                    }
                    other => other.as_str().to_string(),
                };
                let lines = format!("L{}-{}", q.span.line, q.span.end_line);
                let prompt_code = q.context.code.len();
                let _ = writeln!(
                    out,
                    "    {:>3}. {lines:<10} {kind:<14} code {}{} math {}{}  {}",
                    q.number,
                    q.code_count(),
                    if prompt_code > 0 { format!(" ({prompt_code} in prompt)") } else { String::new() },
                    q.math_count(),
                    if q.inferred { "  inferred" } else { "" },
                    truncate(&q.prompt.markdown, 70),
                );
            }
        }
    }
    out
}

fn truncate(text: &str, max: usize) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        flat
    } else {
        format!("{}…", flat.chars().take(max - 1).collect::<String>())
    }
}
