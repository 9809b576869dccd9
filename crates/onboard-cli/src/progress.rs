//! Progress on a terminal (SPEC §11): demo seeding, reports and backups draw an indicatif
//! bar or spinner on stderr when stderr is a terminal, and nothing otherwise (pipes, files,
//! CI, tests), so stdout stays exactly the command's output.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;

/// Whether progress should be drawn: stderr is a terminal.
pub fn on_terminal() -> bool {
    std::io::stderr().is_terminal()
}

/// A bar of `len` steps, hidden unless stderr is a terminal.
pub fn bar(len: u64, prefix: &str) -> ProgressBar {
    let bar = styled(Some(len), prefix);
    reveal(&bar);
    bar
}

/// A bar whose length is not known yet: nothing is drawn until [`reveal`].
pub fn bar_of_unknown_length(prefix: &str) -> ProgressBar {
    styled(None, prefix)
}

/// Starts drawing `bar` on stderr, if stderr is a terminal.
pub fn reveal(bar: &ProgressBar) {
    if on_terminal() {
        bar.set_draw_target(ProgressDrawTarget::stderr());
    }
}

fn styled(len: Option<u64>, prefix: &str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(len, ProgressDrawTarget::hidden());
    let style = ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} {wide_msg}")
        .map(|s| s.progress_chars("=> "))
        .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar.set_prefix(prefix.to_owned());
    bar
}

/// A spinner with a message, hidden unless stderr is a terminal.
pub fn spinner(message: &str) -> ProgressBar {
    if !on_terminal() {
        return ProgressBar::hidden();
    }
    let spinner = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template("{spinner} {msg} {elapsed}")
        .unwrap_or_else(|_| ProgressStyle::default_spinner());
    spinner.set_style(style);
    spinner.set_message(message.to_owned());
    spinner.enable_steady_tick(Duration::from_millis(100));
    spinner
}
