//! A colon-named metric used in a query that no recording rule of the run writes.

use std::collections::HashSet;

use monlint_core::{Category, Check, Diagnostic};

use super::WorkspaceContext;
use crate::suggest::closest_within;

pub static CHECK: Check = Check {
    code: "C101",
    name: "recording-rule-undefined",
    category: Category::Correctness,
    default_severity: monlint_core::Severity::Warning,
    enabled_by_default: true,
    summary: "A rule or dashboard query uses a recording-rule name (`level:metric:operations`) that no rule file in the run records.",
    doc: r#"## What it does
Collects the names every recording rule of the run writes (all the files checked together)
and reports selectors of colon-named metrics, the recording-rule naming convention, that
none of them writes but that are a typo or a small rename away from a name the run does
record, in rule files and in dashboard panels, with that name as the suggestion. A name
with no recorded neighbour is not judged: rules and dashboards often read series recorded
by another Prometheus (federation, a Thanos or Mimir ruler) or an exporter's own colon
names. A dashboard is judged only when the run holds rule files, and a name is reported
once per dashboard file.

## Why is this bad?
A selector of a series nobody records returns nothing, so an alert on it never fires and a
rule built on it records nothing, without any error. It happens when a recording rule is
renamed or removed and its users are not updated, or when the name is misspelt.

## Example
```yaml
- record: job:http_requests:rate5m
  expr: sum by (job) (rate(http_requests_total[5m]))
- alert: TrafficDropped
  expr: job:http_request:rate5m == 0
```

## Use instead
```yaml
- alert: TrafficDropped
  expr: job:http_requests:rate5m == 0
```
"#,
};

pub fn check(ctx: &WorkspaceContext, out: &mut Vec<Diagnostic>) {
    let recorded: HashSet<&str> = ctx
        .files
        .iter()
        .flat_map(|f| &f.recorded)
        .map(String::as_str)
        .collect();
    // Dashboards are judged only against a run that holds rule files: alone, a run
    // knows nothing about what is recorded.
    let has_rule_files = ctx.files.iter().any(|f| f.dashboard.is_none());
    for facts in &ctx.files {
        // A rule is no answer to its own missing input.
        for used in &facts.recording_uses {
            let name = used.name.as_str();
            if recorded.contains(name) {
                continue;
            }
            let candidates = recorded
                .iter()
                .copied()
                .filter(|c| Some(*c) != used.in_record.as_deref());
            let Some(suggestion) = likely_meant(name, candidates) else {
                continue;
            };
            out.push(
                Diagnostic::new(
                    &CHECK,
                    facts.file,
                    used.span,
                    format!(
                        "`{name}` looks like a recording rule, but no rule file in this run records it"
                    ),
                )
                .with_primary_message("never recorded: this selects nothing")
                .with_help(format!("did you mean `{suggestion}`?")),
            );
        }
        if let Some(dashboard) = facts.dashboard.as_ref().filter(|_| has_rule_files) {
            dashboard_uses(facts.file, &dashboard.recording_uses, &recorded, out);
        }
    }
}

/// The recorded name a use most likely meant: one a typo or a small rename away. A name
/// with no such neighbour may be recorded by another Prometheus (federation, a Thanos or
/// Mimir ruler) or written by an exporter, so it is not judged.
fn likely_meant<'a>(name: &str, recorded: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (name.chars().count() / 8).max(2);
    closest_within(name, recorded, limit)
}

/// A dashboard's colon-named metrics that no rule of the run records. Dashboards are often
/// drawn over another project's rules or over an exporter's own colon names
/// (`:tensorflow:serving:request_count`), so a use is reported only when a recorded
/// name is close to it (a typo, or a rule renamed without its panels), and once per name
/// and file.
fn dashboard_uses(
    file: monlint_core::FileId,
    uses: &[super::RecordingUse],
    recorded: &HashSet<&str>,
    out: &mut Vec<Diagnostic>,
) {
    let mut reported: HashSet<&str> = HashSet::new();
    for used in uses {
        let name = used.name.as_str();
        if recorded.contains(name) || !reported.insert(name) {
            continue;
        }
        let Some(suggestion) = likely_meant(name, recorded.iter().copied()) else {
            continue;
        };
        let more = uses.iter().filter(|u| u.name == name).count() - 1;
        let mut message = format!(
            "`{name}` looks like a recording rule, but no rule file in this run records it"
        );
        if more > 0 {
            message.push_str(&format!(" (and {more} more uses in this file)"));
        }
        out.push(
            Diagnostic::new(&CHECK, file, used.span, message)
                .with_primary_message("never recorded: this selects nothing")
                .with_help(format!("did you mean `{suggestion}`?")),
        );
    }
}
