//! Mutations of rule files: small text edits on recognisable lines, so the rest of the file keeps
//! its exact formatting (a YAML round-trip would normalise away what is being tested).

pub struct Mutation {
    pub name: &'static str,
    /// promtool 2.42's verdict on a file that was valid before the edit.
    pub accepted_by_2_42: bool,
    apply: fn(&[&str], usize) -> Option<Vec<String>>,
}

impl Mutation {
    /// Applies the mutation at the `place`-th candidate location (wrapping around), or returns
    /// `None` when the file has no location this mutation can edit.
    pub fn apply(&self, text: &str, place: usize) -> Option<String> {
        let lines: Vec<&str> = text.split('\n').collect();
        (self.apply)(&lines, place).map(|lines| lines.join("\n"))
    }
}

macro_rules! mutation {
    ($name:literal, $accepted:literal, $apply:expr) => {
        Mutation {
            name: $name,
            accepted_by_2_42: $accepted,
            apply: $apply,
        }
    };
}

pub const MUTATIONS: &[Mutation] = &[
    mutation!("expr-unbalanced-paren", false, |l, p| edit_expr(
        l,
        p,
        |e| format!("({e}")
    )),
    mutation!("expr-dangling-operator", false, |l, p| edit_expr(
        l,
        p,
        |e| format!("{e} +")
    )),
    mutation!("expr-unknown-function", false, |l, p| {
        edit_expr(l, p, |e| format!("no_such_function({e})"))
    }),
    mutation!("expr-wrong-arg-type", false, |l, p| edit_expr(
        l,
        p,
        |e| format!("rate({e})")
    )),
    mutation!("expr-string-literal", true, |l, p| edit_expr(l, p, |_| {
        "\"up\"".to_owned()
    })),
    mutation!("expr-subquery", true, |l, p| {
        edit_expr(l, p, |e| format!("max_over_time(({e})[10m:1m])"))
    }),
    mutation!("expr-holt-winters", true, |l, p| {
        edit_expr(l, p, |_| "holt_winters(up[10m], 0.5, 0.5) > 0".to_owned())
    }),
    mutation!("expr-newer-function", false, |l, p| {
        edit_expr(l, p, |_| "mad_over_time(up[10m]) > 0".to_owned())
    }),
    mutation!("unknown-key-top", false, |l, _| insert_at(
        l,
        0,
        0,
        &["bogus_top: 1"]
    )),
    mutation!("unknown-key-group", false, |l, p| after_key(
        l,
        p,
        "- name",
        &["bogus_group: 1"]
    )),
    mutation!("unknown-key-rule", false, |l, p| after_key(
        l,
        p,
        "- alert",
        &["bogus_rule: 1"]
    )),
    mutation!("duplicate-key-top", false, |l, _| insert_at(
        l,
        l.len(),
        0,
        &["groups: []"]
    )),
    mutation!("second-document", true, |l, _| insert_at(
        l,
        l.len(),
        0,
        &["---", "bogus: 1"]
    )),
    mutation!("group-labels", false, |l, p| {
        after_key(l, p, "- name", &["labels:", "  team: shop"])
    }),
    mutation!("group-query-offset", false, |l, p| {
        after_key(l, p, "- name", &["query_offset: 1m"])
    }),
    mutation!("group-limit", true, |l, p| after_key(
        l,
        p,
        "- name",
        &["limit: 10"]
    )),
    mutation!("group-interval-bad", false, |l, p| after_key(
        l,
        p,
        "- name",
        &["interval: 5mm"]
    )),
    mutation!("alert-keep-firing-for", true, |l, p| {
        after_key(l, p, "- alert", &["keep_firing_for: 5m"])
    }),
    mutation!("duplicate-group-name", false, |l, p| duplicate_item(
        l, p, "- name"
    )),
    mutation!("duplicate-rule", true, |l, p| duplicate_item(
        l, p, "- alert"
    )),
    mutation!("duplicate-key-for", false, |l, p| duplicate_line(
        l, p, "for"
    )),
    mutation!("duplicate-key-label", false, |l, p| {
        let labels = child_line(l, p, "labels")?;
        duplicate_line_at(l, labels)
    }),
    mutation!("record-with-annotations", false, |l, p| {
        insert_rule(
            l,
            p,
            &[
                "- record: job:up:sum",
                "  expr: sum by (job) (up)",
                "  annotations:",
                "    summary: Not allowed.",
            ],
        )
    }),
    mutation!("record-with-for", false, |l, p| {
        insert_rule(
            l,
            p,
            &[
                "- record: job:up:sum",
                "  expr: sum by (job) (up)",
                "  for: 5m",
            ],
        )
    }),
    mutation!("record-with-keep-firing-for", false, |l, p| {
        insert_rule(
            l,
            p,
            &[
                "- record: job:up:sum",
                "  expr: sum by (job) (up)",
                "  keep_firing_for: 5m",
            ],
        )
    }),
    mutation!("record-invalid-name", false, |l, p| {
        insert_rule(l, p, &["- record: job-up:sum", "  expr: sum by (job) (up)"])
    }),
    mutation!("record-and-alert", false, |l, p| {
        insert_rule(
            l,
            p,
            &[
                "- record: job:up:sum",
                "  alert: JobUp",
                "  expr: sum by (job) (up)",
            ],
        )
    }),
    mutation!("rule-without-name", false, |l, p| insert_rule(
        l,
        p,
        &["- expr: up == 0"]
    )),
    mutation!("alert-empty-name", false, |l, p| replace_value(
        l, p, "- alert", "\"\""
    )),
    mutation!("missing-expr", false, |l, p| {
        let index = nth(&key_lines(l, "expr"), p)?;
        let end = block_end(l, index, indent(l[index]));
        Some(splice(l, index, end, &[]))
    }),
    mutation!("duration-zero", true, |l, p| replace_value(
        l, p, "for", "0"
    )),
    mutation!("duration-compound", true, |l, p| replace_value(
        l, p, "for", "1h30m"
    )),
    mutation!("duration-double-unit", false, |l, p| replace_value(
        l, p, "for", "5mm"
    )),
    mutation!("duration-negative", false, |l, p| replace_value(
        l, p, "for", "-5m"
    )),
    mutation!("duration-fraction", false, |l, p| replace_value(
        l, p, "for", "1.5h"
    )),
    mutation!("duration-unit-order", false, |l, p| replace_value(
        l, p, "for", "5m1h"
    )),
    mutation!("duration-no-unit", false, |l, p| replace_value(
        l, p, "for", "5"
    )),
    mutation!("label-empty-value", true, |l, p| in_map(
        l, p, "labels", "team: ''"
    )),
    mutation!("annotation-template-valid", true, |l, p| {
        in_map(
            l,
            p,
            "annotations",
            "extra: '{{ $value | humanizePercentage }} of {{ $labels.job | toUpper }}'",
        )
    }),
    mutation!("label-name-leading-digit", false, |l, p| in_map(
        l, p, "labels", "1abc: x"
    )),
    mutation!("label-name-dash", false, |l, p| in_map(
        l, p, "labels", "a-b: x"
    )),
    mutation!("label-dunder-name", false, |l, p| in_map(
        l,
        p,
        "labels",
        "__name__: x"
    )),
    mutation!("annotation-name-dash", false, |l, p| in_map(
        l,
        p,
        "annotations",
        "a-b: x"
    )),
    mutation!("annotation-template-unclosed", false, |l, p| {
        in_map(l, p, "annotations", "broken: '{{ $labels.instance '")
    }),
    mutation!("annotation-template-unknown-function", false, |l, p| {
        in_map(l, p, "annotations", "broken: '{{ .Foo | nosuchfunc }}'")
    }),
    mutation!("annotation-template-undefined-variable", false, |l, p| {
        in_map(l, p, "annotations", "broken: '{{ $undefined }}'")
    }),
    mutation!("label-template-unclosed", false, |l, p| {
        in_map(l, p, "labels", "broken: '{{ $labels.instance '")
    }),
    mutation!("label-template-unknown-function", false, |l, p| {
        in_map(l, p, "labels", "broken: '{{ .Foo | nosuchfunc }}'")
    }),
    mutation!("label-template-undefined-variable", false, |l, p| {
        in_map(l, p, "labels", "broken: '{{ $undefined }}'")
    }),
    mutation!("group-empty-name", false, |l, p| replace_value(
        l, p, "- name", "\"\""
    )),
    mutation!("yaml-tab-indent", false, |l, p| {
        let index = nth(&key_lines(l, "expr"), p)?;
        let line = format!("\t{}", l[index].trim_start());
        Some(splice(l, index, index + 1, &[line]))
    }),
    mutation!("yaml-unclosed-flow", false, |l, p| {
        after_key(l, p, "- alert", &["extra: [unclosed"])
    }),
    mutation!("yaml-over-indented-key", false, |l, p| {
        let index = nth(&key_lines(l, "- alert"), p)?;
        let column = key_column(l[index]) + 1;
        Some(splice(
            l,
            index + 1,
            index + 1,
            &[format!("{}oops: 1", " ".repeat(column))],
        ))
    }),
];

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

fn is_blank_or_comment(line: &str) -> bool {
    let trimmed = line.trim();
    trimmed.is_empty() || trimmed.starts_with('#')
}

/// Column where a line's key starts, after a sequence dash if there is one.
fn key_column(line: &str) -> usize {
    let column = indent(line);
    if line[column..].starts_with("- ") {
        column + 2
    } else {
        column
    }
}

/// Indexes of lines holding `key` (optionally written `- key` for the first key of a sequence item).
fn key_lines(lines: &[&str], key: &str) -> Vec<usize> {
    lines
        .iter()
        .enumerate()
        .filter(|(_, line)| {
            line.trim_start()
                .strip_prefix(key)
                .and_then(|rest| rest.strip_prefix(':'))
                .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
        })
        .map(|(index, _)| index)
        .collect()
}

fn nth(candidates: &[usize], place: usize) -> Option<usize> {
    if candidates.is_empty() {
        None
    } else {
        Some(candidates[place % candidates.len()])
    }
}

/// The value text after `key:` on a line.
fn value_after_key<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let start = line.find(key)? + key.len() + 1;
    line.get(start..)
}

/// End (exclusive) of the block that starts at `start`: the following lines that are blank or
/// indented deeper than `column`.
fn block_end(lines: &[&str], start: usize, column: usize) -> usize {
    let mut end = start + 1;
    while end < lines.len() && (lines[end].trim().is_empty() || indent(lines[end]) > column) {
        end += 1;
    }
    end
}

fn splice(lines: &[&str], from: usize, to: usize, replacement: &[String]) -> Vec<String> {
    let mut result: Vec<String> = lines[..from]
        .iter()
        .map(|line| (*line).to_owned())
        .collect();
    result.extend(replacement.iter().cloned());
    result.extend(lines[to..].iter().map(|line| (*line).to_owned()));
    result
}

fn insert_at(lines: &[&str], at: usize, column: usize, new_lines: &[&str]) -> Option<Vec<String>> {
    let padding = " ".repeat(column);
    let new_lines: Vec<String> = new_lines
        .iter()
        .map(|line| format!("{padding}{line}"))
        .collect();
    Some(splice(lines, at, at, &new_lines))
}

/// Inserts sibling keys right after the line holding `key`.
fn after_key(lines: &[&str], place: usize, key: &str, new_lines: &[&str]) -> Option<Vec<String>> {
    let index = nth(&key_lines(lines, key), place)?;
    insert_at(lines, index + 1, key_column(lines[index]), new_lines)
}

/// Rewrites a single-line `expr:` value, keeping its quoting style.
fn edit_expr(lines: &[&str], place: usize, edit: fn(&str) -> String) -> Option<Vec<String>> {
    let candidates: Vec<usize> = key_lines(lines, "expr")
        .into_iter()
        .filter(|&index| {
            let value = value_after_key(lines[index], "expr").map_or("", str::trim);
            let continued = lines.get(index + 1).is_some_and(|next| {
                !next.trim().is_empty() && indent(next) > key_column(lines[index])
            });
            !value.is_empty() && !value.starts_with(['|', '>']) && !continued
        })
        .collect();
    let index = nth(&candidates, place)?;
    let line = lines[index];
    let value_start = line.find("expr:")? + "expr:".len();
    let value = line[value_start..].trim();
    let edited = match value.chars().next() {
        Some(quote @ ('\'' | '"')) if value.len() >= 2 && value.ends_with(quote) => {
            format!("{quote}{}{quote}", edit(&value[1..value.len() - 1]))
        }
        _ => edit(value),
    };
    Some(splice(
        lines,
        index,
        index + 1,
        &[format!("{} {edited}", &line[..value_start])],
    ))
}

/// Replaces the value of the `place`-th single-line `key:`.
fn replace_value(lines: &[&str], place: usize, key: &str, value: &str) -> Option<Vec<String>> {
    let candidates: Vec<usize> = key_lines(lines, key)
        .into_iter()
        .filter(|&index| {
            value_after_key(lines[index], key).is_some_and(|rest| !rest.trim().is_empty())
        })
        .collect();
    let index = nth(&candidates, place)?;
    let line = lines[index];
    let key_end = line.find(key)? + key.len() + 1;
    Some(splice(
        lines,
        index,
        index + 1,
        &[format!("{} {value}", &line[..key_end])],
    ))
}

/// The first entry line of the `place`-th block-style `key:` map.
fn child_line(lines: &[&str], place: usize, key: &str) -> Option<usize> {
    let candidates: Vec<usize> = key_lines(lines, key)
        .into_iter()
        .filter(|&index| {
            value_after_key(lines[index], key).is_some_and(|rest| rest.trim().is_empty())
                && lines.get(index + 1).is_some_and(|next| {
                    !is_blank_or_comment(next) && indent(next) > key_column(lines[index])
                })
        })
        .collect();
    nth(&candidates, place).map(|index| index + 1)
}

/// Adds an entry at the top of the `place`-th block-style `key:` map.
fn in_map(lines: &[&str], place: usize, key: &str, entry: &str) -> Option<Vec<String>> {
    let first_entry = child_line(lines, place, key)?;
    insert_at(lines, first_entry, indent(lines[first_entry]), &[entry])
}

fn duplicate_line_at(lines: &[&str], index: usize) -> Option<Vec<String>> {
    let line = (*lines.get(index)?).to_owned();
    Some(splice(lines, index, index, &[line]))
}

fn duplicate_line(lines: &[&str], place: usize, key: &str) -> Option<Vec<String>> {
    duplicate_line_at(lines, nth(&key_lines(lines, key), place)?)
}

/// Repeats the whole sequence item (group or rule) that starts with `key` right after itself.
fn duplicate_item(lines: &[&str], place: usize, key: &str) -> Option<Vec<String>> {
    let index = nth(&key_lines(lines, key), place)?;
    let end = block_end(lines, index, indent(lines[index]));
    let copy: Vec<String> = lines[index..end]
        .iter()
        .map(|line| (*line).to_owned())
        .collect();
    Some(splice(lines, end, end, &copy))
}

/// Inserts a rule as the first item of the `place`-th block-style `rules:` list.
fn insert_rule(lines: &[&str], place: usize, rule: &[&str]) -> Option<Vec<String>> {
    let candidates: Vec<(usize, usize)> = key_lines(lines, "rules")
        .into_iter()
        .filter(|&index| {
            value_after_key(lines[index], "rules").is_some_and(|rest| rest.trim().is_empty())
        })
        .filter_map(|index| {
            let first_item =
                (index + 1..lines.len()).find(|&next| !is_blank_or_comment(lines[next]))?;
            lines[first_item]
                .trim_start()
                .starts_with("- ")
                .then_some((index, first_item))
        })
        .collect();
    let (_, first_item) = *candidates.get(place % candidates.len().max(1))?;
    insert_at(lines, first_item, indent(lines[first_item]), rule)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "\
groups:
  - name: example
    rules:
      - alert: HighErrors
        expr: 'sum(rate(errors_total[5m])) > 1'
        for: 10m
        labels:
          severity: critical
        annotations:
          summary: Errors are high.
      - record: job:up:count
        expr: |
          count by (job) (up)
";

    fn mutate(name: &str) -> String {
        let mutation = MUTATIONS
            .iter()
            .find(|mutation| mutation.name == name)
            .expect("known mutation");
        mutation.apply(SAMPLE, 0).expect("applies to the sample")
    }

    #[test]
    fn every_mutation_changes_the_sample() {
        for mutation in MUTATIONS {
            let mutated = mutation.apply(SAMPLE, 0);
            assert!(
                mutated.as_deref().is_some_and(|text| text != SAMPLE),
                "{} did not change the sample",
                mutation.name
            );
        }
    }

    #[test]
    fn mutation_names_are_unique() {
        let mut names: Vec<&str> = MUTATIONS.iter().map(|mutation| mutation.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), MUTATIONS.len());
    }

    #[test]
    fn expr_edits_keep_the_quotes_and_skip_block_scalars() {
        let mutated = mutate("expr-dangling-operator");
        assert!(mutated.contains("expr: 'sum(rate(errors_total[5m])) > 1 +'"));
        assert!(mutated.contains("count by (job) (up)\n"));
        let second_place = MUTATIONS[0].apply(SAMPLE, 1).expect("applies");
        assert!(
            second_place.contains("expr: '(sum"),
            "wraps to the only inline expr"
        );
    }

    #[test]
    fn insertions_use_the_indentation_of_their_siblings() {
        assert!(
            mutate("unknown-key-rule")
                .contains("      - alert: HighErrors\n        bogus_rule: 1\n")
        );
        assert!(mutate("unknown-key-group").contains("  - name: example\n    bogus_group: 1\n"));
        assert!(mutate("label-dunder-name").contains("        labels:\n          __name__: x\n"));
        assert!(mutate("record-with-for").contains("    rules:\n      - record: job:up:sum\n        expr: sum by (job) (up)\n        for: 5m\n      - alert"));
    }

    #[test]
    fn duplicates_copy_the_whole_item() {
        let mutated = mutate("duplicate-group-name");
        assert_eq!(mutated.matches("- name: example").count(), 2);
        assert_eq!(mutated.matches("count by (job) (up)").count(), 2);
        let mutated = mutate("duplicate-rule");
        assert_eq!(mutated.matches("- alert: HighErrors").count(), 2);
        assert_eq!(mutated.matches("- record: job:up:count").count(), 1);
    }

    #[test]
    fn missing_expr_removes_block_scalars_whole() {
        let mutation = MUTATIONS
            .iter()
            .find(|mutation| mutation.name == "missing-expr")
            .expect("known mutation");
        let mutated = mutation.apply(SAMPLE, 1).expect("applies");
        assert!(!mutated.contains("count by"));
        assert!(mutated.contains("expr: 'sum"));
    }

    #[test]
    fn durations_replace_only_the_value() {
        assert!(mutate("duration-unit-order").contains("        for: 5m1h\n"));
    }

    #[test]
    fn files_without_a_location_are_skipped() {
        let mutation = MUTATIONS
            .iter()
            .find(|mutation| mutation.name == "duration-negative")
            .expect("known mutation");
        assert_eq!(mutation.apply("groups: []\n", 0), None);
    }

    /// Each mutation must do to a valid file what its name says, as promtool 2.42 sees it.
    #[test]
    fn promtool_gives_each_mutation_its_intended_verdict() {
        let promtool = std::path::Path::new("promtool");
        if !crate::util::is_runnable(promtool) {
            eprintln!("promtool not installed: skipping the mutation verdict check");
            return;
        }
        let dir = crate::util::ScratchDir::new("mutation-test", false).expect("scratch dir");
        let run = |name: &str, text: &str| {
            let path = dir.path().join(format!("{name}.yml"));
            std::fs::write(&path, text).expect("write case");
            std::process::Command::new(promtool)
                .args(["check", "rules"])
                .arg(&path)
                .output()
                .expect("run promtool")
        };
        assert!(
            run("sample", SAMPLE).status.success(),
            "the sample itself is valid"
        );
        for mutation in MUTATIONS {
            let output = run(mutation.name, &mutate(mutation.name));
            assert_eq!(
                output.status.success(),
                mutation.accepted_by_2_42,
                "{}: {}",
                mutation.name,
                String::from_utf8_lossy(&output.stderr)
            );
        }
    }
}
