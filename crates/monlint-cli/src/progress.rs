//! A progress bar on the terminal for runs that take over a second; never in CI, in a
//! pipe or in machine formats.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct Progress {
    bar: ProgressBar,
    started: Instant,
    shown: AtomicBool,
    enabled: bool,
}

const SHOW_AFTER: Duration = Duration::from_secs(1);

impl Progress {
    /// `enabled` when the output is for a person: human format, stderr a terminal, not CI.
    pub fn new(total: usize, human_output: bool) -> Progress {
        let enabled =
            human_output && std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
        let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::hidden());
        if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} files {elapsed}") {
            bar.set_style(style);
        }
        Progress {
            bar,
            started: Instant::now(),
            shown: AtomicBool::new(false),
            enabled,
        }
    }

    /// One more file done; the bar appears once the run has taken a second.
    pub fn inc(&self) {
        self.bar.inc(1);
        if self.enabled
            && self.started.elapsed() >= SHOW_AFTER
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
