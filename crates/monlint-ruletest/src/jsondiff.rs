//! promtool's `--diff` view of an alert mismatch: the expected and the actual alerts as
//! JSON, printed the way Go's `nsf/jsondiff` console mode prints a comparison (ANSI
//! colours: green added, red removed, yellow changed; four-space indent; keys sorted).

use crate::runner::ComparedAlert;

/// The JSON values an alert list is made of.
#[derive(Clone, Debug, PartialEq)]
enum Json {
    String(String),
    Array(Vec<Json>),
    /// Keys sorted, as the printer sorts them.
    Object(Vec<(String, Json)>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tag {
    Normal,
    Added,
    Removed,
    Changed,
}

impl Tag {
    fn begin(self) -> &'static str {
        match self {
            Tag::Normal => "",
            Tag::Added => "\u{1b}[0;32m",
            Tag::Removed => "\u{1b}[0;31m",
            Tag::Changed => "\u{1b}[0;33m",
        }
    }

    fn end(self) -> &'static str {
        match self {
            Tag::Normal => "",
            _ => "\u{1b}[0m",
        }
    }
}

const INDENT: &str = "    ";

/// The printer's state, shared by nested comparisons as in the Go original: the indent
/// level and the colour currently open.
struct Printer {
    level: usize,
    open: Option<Tag>,
    differs: bool,
}

impl Printer {
    fn switch_to(&mut self, out: &mut String, tag: Tag) {
        if self.open == Some(tag) {
            return;
        }
        if let Some(open) = self.open {
            out.push_str(open.end());
        }
        out.push_str(tag.begin());
        self.open = Some(tag);
    }

    /// Ends a line: the colour closes before the break and reopens after the indent.
    fn newline(&self, out: &mut String, text: &str) {
        out.push_str(text);
        if let Some(open) = self.open {
            out.push_str(open.end());
        }
        out.push('\n');
        for _ in 0..self.level {
            out.push_str(INDENT);
        }
        if let Some(open) = self.open {
            out.push_str(open.begin());
        }
    }

    fn close(&mut self, mut out: String) -> String {
        if let Some(open) = self.open.take() {
            out.push_str(open.end());
        }
        out
    }

    fn write_value(&mut self, out: &mut String, value: &Json, full: bool) {
        match value {
            Json::String(text) => out.push_str(&monlint_promql::go_quote(text)),
            Json::Array(items) if full => {
                self.write_items(out, "[", "]", items.iter().map(|item| (None, item)));
            }
            Json::Object(entries) if full => {
                let entries = entries.iter().map(|(key, item)| (Some(key.as_str()), item));
                self.write_items(out, "{", "}", entries);
            }
            Json::Array(_) => out.push_str("[]"),
            Json::Object(_) => out.push_str("{}"),
        }
    }

    fn write_items<'j>(
        &mut self,
        out: &mut String,
        open: &str,
        close: &str,
        items: impl ExactSizeIterator<Item = (Option<&'j str>, &'j Json)>,
    ) {
        let count = items.len();
        if count == 0 {
            out.push_str(open);
        } else {
            self.level += 1;
            self.newline(out, open);
        }
        for (index, (key, item)) in items.enumerate() {
            if let Some(key) = key {
                write_key(out, key);
            }
            self.write_value(out, item, true);
            if index + 1 < count {
                self.newline(out, ",");
            } else {
                self.level -= 1;
                self.newline(out, "");
            }
        }
        out.push_str(close);
    }

    fn mismatch(&mut self, a: &Json, b: &Json) -> String {
        let mut out = String::new();
        self.switch_to(&mut out, Tag::Changed);
        self.write_value(&mut out, a, false);
        out.push_str(" => ");
        self.write_value(&mut out, b, false);
        self.differs = true;
        self.close(out)
    }

    fn diff(&mut self, a: &Json, b: &Json) -> String {
        match (a, b) {
            (Json::String(x), Json::String(y)) if x == y => {
                let mut out = String::new();
                self.switch_to(&mut out, Tag::Normal);
                self.write_value(&mut out, a, true);
                self.close(out)
            }
            (Json::Array(x), Json::Array(y)) => {
                let length = x.len().max(y.len());
                let pairs: Vec<Pair> = (0..length)
                    .map(|i| Pair {
                        key: None,
                        a: x.get(i),
                        b: y.get(i),
                    })
                    .collect();
                self.collection("[", "]", &pairs)
            }
            (Json::Object(x), Json::Object(y)) => {
                let mut keys: Vec<&str> = x.iter().chain(y).map(|(k, _)| k.as_str()).collect();
                keys.sort_unstable();
                keys.dedup();
                fn find<'j>(entries: &'j [(String, Json)], key: &str) -> Option<&'j Json> {
                    entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
                }
                let pairs: Vec<Pair> = keys
                    .iter()
                    .map(|key| Pair {
                        key: Some(key),
                        a: find(x, key),
                        b: find(y, key),
                    })
                    .collect();
                self.collection("{", "}", &pairs)
            }
            _ => self.mismatch(a, b),
        }
    }

    fn collection(&mut self, open: &str, close: &str, pairs: &[Pair]) -> String {
        // Nested differences are worked out first, one level deeper, as in the original.
        self.level += 1;
        let nested: Vec<Option<String>> = pairs
            .iter()
            .map(|pair| match (pair.a, pair.b) {
                (Some(a), Some(b)) => Some(self.diff(a, b)),
                _ => None,
            })
            .collect();
        self.level -= 1;
        let mut out = String::new();
        self.switch_to(&mut out, Tag::Normal);
        if pairs.is_empty() {
            out.push_str(open);
            out.push_str(close);
            return self.close(out);
        }
        self.level += 1;
        self.newline(&mut out, open);
        for (index, (pair, nested)) in pairs.iter().zip(nested).enumerate() {
            let key = |out: &mut String| {
                if let Some(key) = pair.key {
                    write_key(out, key);
                }
            };
            match (pair.a, pair.b, nested) {
                (Some(_), Some(_), Some(nested)) => {
                    key(&mut out);
                    out.push_str(&nested);
                }
                (Some(a), None, _) => {
                    self.switch_to(&mut out, Tag::Removed);
                    key(&mut out);
                    self.write_value(&mut out, a, true);
                    self.differs = true;
                }
                (None, Some(b), _) => {
                    self.switch_to(&mut out, Tag::Added);
                    key(&mut out);
                    self.write_value(&mut out, b, true);
                    self.differs = true;
                }
                _ => {}
            }
            if index + 1 < pairs.len() {
                self.switch_to(&mut out, Tag::Normal);
                self.newline(&mut out, ",");
            } else {
                self.level -= 1;
                self.switch_to(&mut out, Tag::Normal);
                self.newline(&mut out, "");
            }
        }
        out.push_str(close);
        self.close(out)
    }
}

struct Pair<'j> {
    key: Option<&'j str>,
    a: Option<&'j Json>,
    b: Option<&'j Json>,
}

fn write_key(out: &mut String, key: &str) {
    out.push_str(&monlint_promql::go_quote(key));
    out.push_str(": ");
}

fn alerts_json(alerts: &[ComparedAlert]) -> Json {
    let pairs = |pairs: &[(String, String)]| {
        let mut entries: Vec<(String, Json)> = pairs
            .iter()
            .map(|(k, v)| (k.clone(), Json::String(v.clone())))
            .collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        Json::Object(entries)
    };
    // An empty list is shown as one alert without labels or annotations, as promtool does.
    let empty: ComparedAlert = (Vec::new(), Vec::new());
    let alerts: Vec<&ComparedAlert> = if alerts.is_empty() {
        vec![&empty]
    } else {
        alerts.iter().collect()
    };
    Json::Array(
        alerts
            .into_iter()
            .map(|(labels, annotations)| {
                Json::Object(vec![
                    ("Annotations".to_owned(), pairs(annotations)),
                    ("Labels".to_owned(), pairs(labels)),
                ])
            })
            .collect(),
    )
}

/// The coloured diff of expected against actual alerts, or `None` when their JSON forms
/// are equal (then promtool reports nothing).
pub fn alerts_diff(expected: &[ComparedAlert], got: &[ComparedAlert]) -> Option<String> {
    let mut printer = Printer {
        level: 0,
        open: None,
        differs: false,
    };
    let text = printer.diff(&alerts_json(expected), &alerts_json(got));
    printer.differs.then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alert(labels: &[(&str, &str)], annotations: &[(&str, &str)]) -> ComparedAlert {
        let owned = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect()
        };
        (owned(labels), owned(annotations))
    }

    #[test]
    fn equal_lists_have_no_diff() {
        let a = [alert(&[("alertname", "X")], &[])];
        assert_eq!(alerts_diff(&a, &a), None);
    }

    #[test]
    fn a_changed_label_is_yellow_and_the_rest_plain() {
        let exp = [alert(&[("alertname", "X"), ("severity", "page")], &[])];
        let got = [alert(&[("alertname", "X"), ("severity", "warning")], &[])];
        let diff = alerts_diff(&exp, &got).unwrap();
        assert_eq!(
            diff,
            "[\n    {\n        \"Annotations\": {},\n        \"Labels\": {\n            \"alertname\": \"X\",\n            \"severity\": \u{1b}[0;33m\"page\" => \"warning\"\u{1b}[0m\n        }\n    }\n]"
        );
    }

    #[test]
    fn an_added_alert_is_green_on_every_line() {
        let got = [alert(&[("alertname", "X")], &[])];
        let diff = alerts_diff(&[], &got).unwrap();
        assert!(diff.contains("\"Labels\": {\n"), "{diff}");
        assert!(diff.contains("\u{1b}[0;32m\"alertname\": \"X\""), "{diff}");
    }
}
