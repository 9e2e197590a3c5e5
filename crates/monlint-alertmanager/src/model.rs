//! The Alertmanager configuration as Alertmanager would load it, with the span of every
//! value so checks can point at it.

use monlint_core::{Duration, Span};

use crate::matcher::Matcher;

/// A value and where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

/// Which of the three matcher syntaxes a matcher was written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MatcherSyntax {
    /// `match:` / `source_match:` / `target_match:` (deprecated since 0.22).
    Match,
    /// `match_re:` and its inhibit twins (deprecated since 0.22).
    MatchRe,
    /// `matchers:` strings.
    Matchers,
}

#[derive(Clone, Debug)]
pub struct SpannedMatcher {
    pub matcher: Matcher,
    /// The YAML entry or list item the matcher was read from.
    pub span: Span,
    pub syntax: MatcherSyntax,
}

#[derive(Clone, Debug, Default)]
pub struct Config {
    /// `None` when the file has no `route:` (amtool: "no routes provided").
    pub route: Option<Route>,
    pub receivers: Vec<Receiver>,
    pub inhibit_rules: Vec<InhibitRule>,
    /// `time_intervals` and the deprecated `mute_time_intervals`, in file order.
    pub time_intervals: Vec<NamedTimeInterval>,
    pub templates: Vec<Spanned<String>>,
    /// Secrets written inline in the file.
    pub secrets: Vec<SecretSite>,
    /// The value of every key Alertmanager reads as a secret, whatever its type, and of
    /// repeated and misplaced secret keys: outputs mask these spans.
    pub secret_values: Vec<Span>,
    /// Values holding a placeholder of a templating tool (`${VAR}`, `{{ .Values.x }}`),
    /// with the first placeholder: the file is a template, not what Alertmanager reads.
    pub placeholders: Vec<Spanned<String>>,
    /// Where the deprecated `match`/`match_re` keys (and their inhibit twins) are used.
    pub deprecated_match_keys: Vec<Spanned<String>>,
    /// Integration text fields holding Go template actions (`{{ ... }}`).
    pub templated_fields: Vec<TemplatedField>,
}

/// An integration field whose text is a Go template, expanded for each notification.
#[derive(Clone, Debug)]
pub struct TemplatedField {
    pub key: String,
    /// The scalar, to map offsets inside the text back to the source.
    pub node: monlint_core::yaml::Node,
    /// The value's span in the checked file (differs from `node.span` when the
    /// configuration is embedded in another file).
    pub span: Span,
}

/// A secret written in the file; only the key's span is kept, never the value.
#[derive(Clone, Debug)]
pub struct SecretSite {
    /// The key, e.g. `api_url`.
    pub key: String,
    pub key_span: Span,
    /// The value's span, for outputs to redact; never printed.
    pub value_span: Span,
    /// Where in the configuration, e.g. `receivers[2].slack_configs[0]`.
    pub path: String,
    /// The `*_file` key that would hold it instead, when the version has one.
    pub file_key: Option<String>,
    /// Whether the value looks like a placeholder (`<secret>`, `changeme`, `xxx`).
    pub placeholder: bool,
}

#[derive(Clone, Debug)]
pub struct Route {
    /// The route's mapping.
    pub span: Span,
    pub receiver: Option<Spanned<String>>,
    /// `None`: inherited; `Some([])`: grouping reset.
    pub group_by: Option<Spanned<Vec<Spanned<String>>>>,
    /// match, match_re and matchers together, sorted as Alertmanager sorts them.
    pub matchers: Vec<SpannedMatcher>,
    pub continue_span: Option<Span>,
    pub continue_matching: bool,
    pub group_wait: Option<Spanned<Duration>>,
    pub group_interval: Option<Spanned<Duration>>,
    pub repeat_interval: Option<Spanned<Duration>>,
    pub mute_time_intervals: Vec<Spanned<String>>,
    pub active_time_intervals: Vec<Spanned<String>>,
    pub routes: Vec<Route>,
}

impl Route {
    /// Where to point at the route: its matchers, else its receiver, else the mapping.
    pub fn head_span(&self) -> Span {
        self.matchers
            .first()
            .map(|m| m.span)
            .or(self.receiver.as_ref().map(|r| r.span))
            .unwrap_or(self.span)
    }

    /// Visits this route and every descendant, depth first, with its path of child
    /// indices from the root.
    pub fn walk<'a>(&'a self, visit: &mut dyn FnMut(&'a Route, &[usize])) {
        fn go<'a>(
            route: &'a Route,
            path: &mut Vec<usize>,
            visit: &mut dyn FnMut(&'a Route, &[usize]),
        ) {
            visit(route, path);
            for (index, child) in route.routes.iter().enumerate() {
                path.push(index);
                go(child, path, visit);
                path.pop();
            }
        }
        go(self, &mut Vec::new(), visit);
    }

    /// The route at a path of child indices.
    pub fn at(&self, path: &[usize]) -> Option<&Route> {
        path.iter()
            .try_fold(self, |route, &index| route.routes.get(index))
    }
}

#[derive(Clone, Debug)]
pub struct Receiver {
    pub name: Spanned<String>,
    pub span: Span,
    pub integrations: Vec<Integration>,
}

#[derive(Clone, Debug)]
pub struct Integration {
    /// The list it came from, e.g. `slack_configs`.
    pub kind: &'static str,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct InhibitRule {
    pub span: Span,
    pub source: Vec<SpannedMatcher>,
    pub target: Vec<SpannedMatcher>,
    pub equal: Vec<Spanned<String>>,
    /// The `equal:` key, when written.
    pub equal_key: Option<Span>,
}

#[derive(Clone, Debug)]
pub struct NamedTimeInterval {
    pub name: Spanned<String>,
    pub span: Span,
    pub specs: Vec<TimeSpec>,
    /// Written under the deprecated top-level `mute_time_intervals`.
    pub legacy: bool,
}

/// One entry of a time interval's `time_intervals` list; an empty list of a kind
/// means "any". Ranges are inclusive, as Alertmanager reads them (`times` end-exclusive,
/// in minutes of the day).
#[derive(Clone, Debug, Default)]
pub struct TimeSpec {
    pub span: Span,
    pub times: Vec<(u32, u32)>,
    /// 0 = Sunday.
    pub weekdays: Vec<(u32, u32)>,
    /// Negative days count from the end of the month.
    pub days_of_month: Vec<(i32, i32)>,
    /// 1 = January.
    pub months: Vec<(u32, u32)>,
    pub years: Vec<(i32, i32)>,
}

impl Config {
    /// Moves every span through `map`: for a configuration embedded in another file (a
    /// Kubernetes Secret or ConfigMap), from the embedded text to the file.
    pub fn map_spans(&mut self, map: &dyn Fn(Span) -> Span) {
        fn matchers(list: &mut [SpannedMatcher], map: &dyn Fn(Span) -> Span) {
            for m in list {
                m.span = map(m.span);
            }
        }
        fn strings(list: &mut [Spanned<String>], map: &dyn Fn(Span) -> Span) {
            for s in list {
                s.span = map(s.span);
            }
        }
        fn map_route(route: &mut Route, map: &dyn Fn(Span) -> Span) {
            route.span = map(route.span);
            if let Some(receiver) = &mut route.receiver {
                receiver.span = map(receiver.span);
            }
            if let Some(group_by) = &mut route.group_by {
                group_by.span = map(group_by.span);
                strings(&mut group_by.value, map);
            }
            matchers(&mut route.matchers, map);
            route.continue_span = route.continue_span.map(map);
            for timer in [
                &mut route.group_wait,
                &mut route.group_interval,
                &mut route.repeat_interval,
            ]
            .into_iter()
            .flatten()
            {
                timer.span = map(timer.span);
            }
            strings(&mut route.mute_time_intervals, map);
            strings(&mut route.active_time_intervals, map);
            for child in &mut route.routes {
                map_route(child, map);
            }
        }
        if let Some(root) = &mut self.route {
            map_route(root, map);
        }
        for receiver in &mut self.receivers {
            receiver.span = map(receiver.span);
            receiver.name.span = map(receiver.name.span);
            for integration in &mut receiver.integrations {
                integration.span = map(integration.span);
            }
        }
        for rule in &mut self.inhibit_rules {
            rule.span = map(rule.span);
            matchers(&mut rule.source, map);
            matchers(&mut rule.target, map);
            strings(&mut rule.equal, map);
            rule.equal_key = rule.equal_key.map(map);
        }
        for interval in &mut self.time_intervals {
            interval.span = map(interval.span);
            interval.name.span = map(interval.name.span);
            for spec in &mut interval.specs {
                spec.span = map(spec.span);
            }
        }
        strings(&mut self.templates, map);
        for secret in &mut self.secrets {
            secret.key_span = map(secret.key_span);
            secret.value_span = map(secret.value_span);
        }
        for span in &mut self.secret_values {
            *span = map(*span);
        }
        strings(&mut self.placeholders, map);
        strings(&mut self.deprecated_match_keys, map);
        for field in &mut self.templated_fields {
            field.span = map(field.span);
        }
    }
}
