//! Compares our verdicts and error texts for Prometheus 2.42 with the real
//! `promtool check rules` of that release, when it is installed (Debian's
//! `prometheus` package). Skipped, saying so, when it is not.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use monlint_core::Version;
use monlint_promql::{ParseOptions, parse};

const PROMTOOL: &str = "/usr/bin/promtool";

/// Go-quoted for a YAML double-quoted scalar (a subset YAML shares with JSON).
fn yaml_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn promtool_version() -> Option<String> {
    let output = Command::new(PROMTOOL).arg("--version").output().ok()?;
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    text.split_whitespace()
        .skip_while(|word| *word != "version")
        .nth(1)
        .map(str::to_owned)
}

#[test]
fn matches_promtool_2_42() {
    if !Path::new(PROMTOOL).exists() {
        println!("skipped: {PROMTOOL} not installed");
        return;
    }
    let Some(version) = promtool_version().filter(|v| v.starts_with("2.42")) else {
        println!("skipped: {PROMTOOL} is not release 2.42");
        return;
    };
    let exprs: Vec<&str> = include_str!("promtool_2_42_exprs.txt").lines().collect();
    let mut rules = String::from("groups:\n- name: g\n  rules:\n");
    for (index, expr) in exprs.iter().enumerate() {
        rules.push_str(&format!(
            "  - record: r{index}\n    expr: {}\n",
            yaml_string(expr)
        ));
    }
    let dir = std::env::temp_dir().join(format!("monlint-promql-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("rules.yml");
    std::fs::write(&file, rules).expect("write rules");
    let output = Command::new(PROMTOOL)
        .args(["check", "rules"])
        .arg(&file)
        .output()
        .expect("run promtool");
    let _ = std::fs::remove_dir_all(&dir);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let marker = ": could not parse expression: ";
    let mut theirs = BTreeMap::new();
    for line in stderr.lines() {
        let Some((head, message)) = line.split_once(marker) else {
            continue;
        };
        let Some(name) = head
            .rsplit_once("\"r")
            .map(|(_, n)| n.trim_end_matches('"'))
        else {
            continue;
        };
        if let Ok(index) = name.parse::<usize>() {
            theirs.insert(index, message.to_owned());
        }
    }
    let opts = ParseOptions {
        version: Version::new(2, 42),
        experimental_functions: false,
    };
    let mut differences = Vec::new();
    for (index, expr) in exprs.iter().enumerate() {
        let ours = parse(expr, &opts).err().map(|e| e.prometheus_text(expr));
        let promtool = theirs.get(&index).cloned();
        if ours != promtool {
            differences.push(format!(
                "{expr:?}\n  ours:     {ours:?}\n  promtool: {promtool:?}"
            ));
        }
    }
    println!("promtool {version}: {} expressions compared", exprs.len());
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}
