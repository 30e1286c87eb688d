//! Progress on stderr for long builds: one bar per stage (checking banks,
//! emitting banks). Shown only when stderr is a terminal, never under CI
//! (`CI` set) or with `-q`; otherwise every call is a no-op.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// Progress that shows nothing.
    pub fn hidden() -> Progress {
        Progress { bar: ProgressBar::hidden() }
    }

    /// A bar on stderr, when stderr is a terminal, `quiet` is off and the
    /// `CI` variable is unset.
    pub fn on_terminal(quiet: bool) -> Progress {
        let wanted = !quiet && std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
        if !wanted {
            return Progress::hidden();
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        let style = ProgressStyle::with_template("{spinner} {msg:<10} [{bar:30}] {pos}/{len} banks, {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
        bar.set_style(style);
        bar.enable_steady_tick(Duration::from_millis(120));
        Progress { bar }
    }

    /// Starts a stage of `total` banks.
    pub fn stage(&self, name: &'static str, total: usize) {
        self.bar.set_message(name);
        self.bar.set_length(total as u64);
        self.bar.set_position(0);
    }

    /// One more bank done (callable from any thread).
    pub fn advance(&self) {
        self.bar.inc(1);
    }

    /// Removes the bar, so the summary prints on a clean line.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
