//! `monlint test rules --format human`: each failure as a side-by-side table of what the
//! test expected and what the rules produced, row by row (label by label for alerts,
//! series by series for expressions), with the differing rows marked.

use std::collections::BTreeSet;

use crate::gofmt::go_float_f;
use crate::runner::{
    ComparedAlert, ComparedSample, FailedComparison, FileResult, Mismatch, labels_text,
};

/// One row: a name, the expected and the actual text; `None` means absent.
struct Row {
    name: String,
    expected: Option<String>,
    got: Option<String>,
}

fn table(rows: &[Row], out: &mut String) {
    let cell = |v: &Option<String>| v.clone().unwrap_or_else(|| "(absent)".to_owned());
    let name_width = rows
        .iter()
        .map(|r| r.name.chars().count())
        .max()
        .unwrap_or(0)
        .max(4);
    let expected_width = rows
        .iter()
        .map(|r| cell(&r.expected).chars().count())
        .max()
        .unwrap_or(0)
        .max("expected".len());
    out.push_str(&format!(
        "      {:name_width$}  {:expected_width$}  got\n",
        "", "expected"
    ));
    for row in rows {
        let marker = if row.expected == row.got { ' ' } else { '≠' };
        out.push_str(&format!(
            "    {marker} {:name_width$}  {:expected_width$}  {}\n",
            row.name,
            cell(&row.expected),
            cell(&row.got)
        ));
    }
}

fn alert_rows(expected: Option<&ComparedAlert>, got: Option<&ComparedAlert>) -> Vec<Row> {
    let mut rows = Vec::new();
    for (kind, pick) in [
        (
            "",
            (|a: &ComparedAlert| a.0.clone()) as fn(&ComparedAlert) -> Vec<(String, String)>,
        ),
        ("annotation ", |a: &ComparedAlert| a.1.clone()),
    ] {
        let left = expected.map(pick).unwrap_or_default();
        let right = got.map(pick).unwrap_or_default();
        let names: BTreeSet<&str> = left.iter().chain(&right).map(|(n, _)| n.as_str()).collect();
        for name in names {
            let find = |pairs: &[(String, String)]| {
                pairs
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, v)| v.clone())
            };
            rows.push(Row {
                name: format!("{kind}{name}"),
                expected: find(&left),
                got: find(&right),
            });
        }
    }
    rows
}

fn sample_rows(expected: &[ComparedSample], got: &[ComparedSample]) -> Vec<Row> {
    let value = |s: &ComparedSample| {
        if s.2.is_empty() {
            go_float_f(s.1)
        } else {
            s.2.clone()
        }
    };
    let series: BTreeSet<&Vec<(String, String)>> =
        expected.iter().chain(got).map(|s| &s.0).collect();
    series
        .into_iter()
        .map(|labels| Row {
            name: labels_text(labels),
            expected: expected.iter().find(|s| &s.0 == labels).map(value),
            got: got.iter().find(|s| &s.0 == labels).map(value),
        })
        .collect()
}

/// The human report of one file: `ok` or each failure, readable.
pub fn human_report(result: &FileResult) -> String {
    let mut out = String::new();
    if result.errors.is_empty() {
        out.push_str(&format!("ok      {}\n", result.path));
        return out;
    }
    out.push_str(&format!("FAILED  {}\n", result.path));
    for FailedComparison {
        group, mismatch, ..
    } in &result.mismatches
    {
        match mismatch {
            Mismatch::Alerts {
                alertname,
                eval_time,
                expected,
                got,
            } => {
                out.push_str(&format!(
                    "  test group {group:?}: alert {alertname} at {eval_time}: {} expected, {} firing\n",
                    expected.len(),
                    got.len()
                ));
                for index in 0..expected.len().max(got.len()) {
                    out.push_str(&format!("    alert {}\n", index + 1));
                    table(&alert_rows(expected.get(index), got.get(index)), &mut out);
                }
            }
            Mismatch::Samples {
                expr,
                eval_time,
                expected,
                got,
            } => {
                out.push_str(&format!("  test group {group:?}: {expr} at {eval_time}\n"));
                table(&sample_rows(expected, got), &mut out);
            }
        }
    }
    // Failures without a comparison (bad input, rule errors) keep promtool's words.
    for error in &result.errors {
        if !result.mismatches.iter().any(|m| &m.promtool_text == error) {
            out.push_str(&format!("  {}\n", error.trim_start()));
        }
    }
    out
}
