//! Parses each stdin line and prints Prometheus' error text or the canonical
//! form; `--version X.Y` selects the target. Handy for diffing against promtool.

use std::io::BufRead;

use monlint_promql::{ParseOptions, parse};

fn main() {
    let mut opts = ParseOptions::default();
    let args: Vec<String> = std::env::args().collect();
    if let Some(index) = args.iter().position(|a| a == "--version") {
        if let Some(version) = args.get(index + 1).and_then(|v| v.parse().ok()) {
            opts.version = version;
        }
    }
    for line in std::io::stdin().lock().lines().map_while(Result::ok) {
        match parse(&line, &opts) {
            Ok(expr) => println!("{line}\t=> OK {expr}"),
            Err(error) => println!("{line}\t=> {}", error.prometheus_text(&line)),
        }
    }
}
