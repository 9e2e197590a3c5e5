//! prometheus-operator `AlertmanagerConfig` resources (monitoring.coreos.com), read into
//! the same model and merged into a base configuration the way the operator merges them:
//! resources in namespace/name order; each one's route gets a `namespace="<ns>"` matcher
//! and `continue: true` and goes before the base configuration's routes; receiver and
//! time interval names become `<ns>/<resource>/<name>`; inhibit rules get the namespace
//! matcher on both sides.
//!
//! Only the routing parts are modelled (routes, matchers, receivers' names and how many
//! integrations each has, inhibit rules); integration fields, which reference Kubernetes
//! Secrets, are not checked.

use monlint_core::yaml::{Entry, Node};
use monlint_core::{Duration, Span};

use crate::load::{Problem, ProblemKind};
use crate::matcher::{MatchOp, Matcher};
use crate::model::{
    Config, InhibitRule, Integration, MatcherSyntax, Receiver, Route, Spanned, SpannedMatcher,
};

/// One `AlertmanagerConfig` resource, its names already prefixed.
#[derive(Clone, Debug)]
pub struct OperatorResource {
    pub namespace: String,
    pub name: String,
    pub route: Option<Route>,
    pub receivers: Vec<Receiver>,
    pub inhibit_rules: Vec<InhibitRule>,
}

/// Whether a document is an `AlertmanagerConfig` resource.
pub fn is_operator_resource(root: &Node) -> bool {
    root.get("kind").and_then(Node::as_str) == Some("AlertmanagerConfig")
}

struct Reader {
    prefix: String,
    problems: Vec<Problem>,
}

fn text(node: Option<&Node>) -> Option<&str> {
    node.filter(|n| !n.is_null()).and_then(Node::as_str)
}

impl Reader {
    fn problem(&mut self, kind: ProblemKind, span: Span, message: impl Into<String>) {
        self.problems.push(Problem {
            kind,
            span,
            message: message.into(),
            help: None,
        });
    }

    fn prefixed(&self, name: &str) -> String {
        format!("{}/{name}", self.prefix)
    }

    /// The items of an optional list; anything but a list or null is a wrong type.
    fn list<'n>(&mut self, node: Option<&'n Node>, expected: &str) -> &'n [Node] {
        let Some(node) = node.filter(|n| !n.is_null()) else {
            return &[];
        };
        node.as_sequence().unwrap_or_else(|| {
            self.problem(ProblemKind::WrongType, node.span, expected);
            &[]
        })
    }

    fn names(&mut self, node: Option<&Node>, prefixed: bool) -> Vec<Spanned<String>> {
        self.list(node, "expected a list of names")
            .iter()
            .filter_map(|item| {
                let value = text(Some(item))?;
                Some(Spanned {
                    value: if prefixed {
                        self.prefixed(value)
                    } else {
                        value.to_owned()
                    },
                    span: item.span,
                })
            })
            .collect()
    }

    /// `[{name, value, matchType, regex}]`.
    fn matchers(&mut self, node: Option<&Node>) -> Vec<SpannedMatcher> {
        let items = self.list(node, "expected a list of matchers");
        let mut out = Vec::new();
        for item in items {
            let name = text(item.get("name")).unwrap_or("");
            let value = text(item.get("value")).unwrap_or("");
            let regex = text(item.get("regex")) == Some("true");
            let op = match text(item.get("matchType")) {
                Some("=") => MatchOp::Equal,
                Some("!=") => MatchOp::NotEqual,
                Some("=~") => MatchOp::Regex,
                Some("!~") => MatchOp::NotRegex,
                None | Some("") if regex => MatchOp::Regex,
                None | Some("") => MatchOp::Equal,
                Some(other) => {
                    self.problem(
                        ProblemKind::InvalidMatcher,
                        item.span,
                        format!("invalid matchType {other:?}: expected =, !=, =~ or !~"),
                    );
                    continue;
                }
            };
            if name.is_empty() {
                self.problem(
                    ProblemKind::InvalidMatcher,
                    item.span,
                    "a matcher needs a name",
                );
                continue;
            }
            match Matcher::new(name, op, value) {
                Ok(matcher) => out.push(SpannedMatcher {
                    matcher,
                    span: item.span,
                    syntax: MatcherSyntax::Matchers,
                }),
                Err(message) => self.problem(ProblemKind::InvalidMatcher, item.span, message),
            }
        }
        out
    }

    fn duration(&mut self, node: Option<&Node>) -> Option<Spanned<Duration>> {
        let node = node.filter(|n| !n.is_null())?;
        let value = text(Some(node)).unwrap_or("");
        match Duration::parse(value) {
            Ok(duration) => Some(Spanned {
                value: duration,
                span: node.span,
            }),
            Err(_) => {
                self.problem(
                    ProblemKind::InvalidValue,
                    node.span,
                    format!("not a valid duration string: {value:?}"),
                );
                None
            }
        }
    }

    fn route(&mut self, node: &Node) -> Route {
        let mut matchers = self.matchers(node.get("matchers"));
        matchers.sort_by(|a, b| a.matcher.sort_key().cmp(&b.matcher.sort_key()));
        let mut routes = Vec::new();
        // The YAML tree is depth-bounded, so this recursion is too.
        if let Some(children) = node.get("routes").and_then(Node::as_sequence) {
            for child in children {
                routes.push(self.route(child));
            }
        }
        let receiver = text(node.get("receiver"))
            .filter(|r| !r.is_empty())
            .map(|r| Spanned {
                value: self.prefixed(r),
                span: node.get("receiver").map_or(node.span, |n| n.span),
            });
        let group_by = node
            .get("groupBy")
            .filter(|n| !n.is_null())
            .map(|n| Spanned {
                value: self.names(Some(n), false),
                span: n.span,
            });
        Route {
            span: node.span,
            receiver,
            group_by,
            matchers,
            continue_span: node.get("continue").map(|n| n.span),
            continue_matching: text(node.get("continue")) == Some("true"),
            group_wait: self.duration(node.get("groupWait")),
            group_interval: self.duration(node.get("groupInterval")),
            repeat_interval: self.duration(node.get("repeatInterval")),
            mute_time_intervals: self.names(node.get("muteTimeIntervals"), true),
            active_time_intervals: self.names(node.get("activeTimeIntervals"), true),
            routes,
        }
    }
}

/// Reads one `AlertmanagerConfig` resource.
pub fn load_operator_resource(root: &Node) -> (OperatorResource, Vec<Problem>) {
    let metadata = root.get("metadata");
    let namespace = text(metadata.and_then(|m| m.get("namespace")))
        .unwrap_or("default")
        .to_owned();
    let name = text(metadata.and_then(|m| m.get("name")))
        .unwrap_or("")
        .to_owned();
    let mut reader = Reader {
        prefix: format!("{namespace}/{name}"),
        problems: Vec::new(),
    };
    let spec = root.get("spec");
    let route = spec
        .and_then(|s| s.get("route"))
        .filter(|n| !n.is_null())
        .map(|node| reader.route(node));
    let mut receivers = Vec::new();
    for item in spec
        .and_then(|s| s.get("receivers"))
        .and_then(Node::as_sequence)
        .unwrap_or_default()
    {
        let receiver_name = text(item.get("name")).unwrap_or("");
        let mut integrations = Vec::new();
        for Entry { key, value } in item.as_mapping().unwrap_or_default() {
            let Some(kind) = key.as_str().filter(|k| k.ends_with("Configs")) else {
                continue;
            };
            for entry in value.as_sequence().unwrap_or_default() {
                integrations.push(Integration {
                    kind: integration_kind(kind),
                    span: entry.span,
                });
            }
        }
        receivers.push(Receiver {
            name: Spanned {
                value: reader.prefixed(receiver_name),
                span: item.get("name").map_or(item.span, |n| n.span),
            },
            span: item.span,
            integrations,
        });
    }
    let mut inhibit_rules = Vec::new();
    for item in spec
        .and_then(|s| s.get("inhibitRules"))
        .and_then(Node::as_sequence)
        .unwrap_or_default()
    {
        let source = reader.matchers(item.get("sourceMatch"));
        let target = reader.matchers(item.get("targetMatch"));
        let equal = reader.names(item.get("equal"), false);
        inhibit_rules.push(InhibitRule {
            span: item.span,
            source,
            target,
            equal,
            equal_key: item
                .as_mapping()
                .and_then(|m| m.iter().find(|e| e.key.as_str() == Some("equal")))
                .map(|e| e.key.span),
        });
    }
    let resource = OperatorResource {
        namespace,
        name,
        route,
        receivers,
        inhibit_rules,
    };
    (resource, reader.problems)
}

/// The Alertmanager name of an operator integration list (`slackConfigs` → `slack_configs`).
fn integration_kind(kind: &str) -> &'static str {
    const KINDS: [(&str, &str); 14] = [
        ("slackConfigs", "slack_configs"),
        ("pagerdutyConfigs", "pagerduty_configs"),
        ("emailConfigs", "email_configs"),
        ("webhookConfigs", "webhook_configs"),
        ("opsgenieConfigs", "opsgenie_configs"),
        ("wechatConfigs", "wechat_configs"),
        ("pushoverConfigs", "pushover_configs"),
        ("victoropsConfigs", "victorops_configs"),
        ("snsConfigs", "sns_configs"),
        ("telegramConfigs", "telegram_configs"),
        ("webexConfigs", "webex_configs"),
        ("discordConfigs", "discord_configs"),
        ("msteamsConfigs", "msteams_configs"),
        ("msteamsv2Configs", "msteamsv2_configs"),
    ];
    KINDS
        .iter()
        .find(|(operator, _)| *operator == kind)
        .map_or("other_configs", |(_, name)| name)
}

fn namespace_matcher(namespace: &str, span: Span) -> Option<SpannedMatcher> {
    Some(SpannedMatcher {
        matcher: Matcher::new("namespace", MatchOp::Equal, namespace).ok()?,
        span,
        syntax: MatcherSyntax::Matchers,
    })
}

/// Merges resources into a base configuration as the operator does.
pub fn merge(base: &mut Config, mut resources: Vec<OperatorResource>) {
    resources.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
    let mut sub_routes = Vec::new();
    for resource in resources {
        for mut rule in resource.inhibit_rules {
            let span = rule.span;
            for side in [&mut rule.source, &mut rule.target] {
                side.retain(|m| m.matcher.name != "namespace");
                side.extend(namespace_matcher(&resource.namespace, span));
            }
            base.inhibit_rules.push(rule);
        }
        if let Some(mut route) = resource.route {
            route
                .matchers
                .extend(namespace_matcher(&resource.namespace, route.span));
            route
                .matchers
                .sort_by(|a, b| a.matcher.sort_key().cmp(&b.matcher.sort_key()));
            route.continue_matching = true;
            sub_routes.push(route);
        }
        base.receivers.extend(resource.receivers);
    }
    if let Some(root) = &mut base.route {
        sub_routes.append(&mut root.routes);
        root.routes = sub_routes;
    }
}

#[cfg(test)]
mod tests {
    use monlint_core::Version;
    use monlint_core::yaml::{Limits, parse_stream};

    use super::*;
    use crate::routing::{LabelSet, receivers_for};

    const FILE: &str = r#"
route:
  receiver: default
  routes:
    - matchers: [severity="critical"]
      receiver: pager
receivers: [{name: default}, {name: pager}]
---
kind: AlertmanagerConfig
metadata: {name: web, namespace: b}
spec:
  route: {receiver: chat}
  receivers: [{name: chat, slackConfigs: [{channel: x}]}]
  inhibitRules:
    - sourceMatch: [{name: severity, value: critical}]
      targetMatch: [{name: severity, value: warning}]
      equal: [alertname]
---
kind: AlertmanagerConfig
metadata: {name: db, namespace: a}
spec:
  route:
    receiver: db
    routes:
      - receiver: db-pager
        matchers: [{name: severity, value: critical|warning, matchType: "=~"}]
  receivers: [{name: db}, {name: db-pager}]
"#;

    #[test]
    fn resources_merge_in_namespace_order_before_the_base_routes() {
        let (documents, _) = parse_stream(FILE, &Limits::default());
        let (mut config, problems) = crate::load(&documents[0].root, Version::new(0, 25));
        assert!(problems.is_empty(), "{problems:?}");
        let resources: Vec<OperatorResource> = documents[1..]
            .iter()
            .map(|d| {
                let (resource, problems) = load_operator_resource(&d.root);
                assert!(problems.is_empty(), "{problems:?}");
                resource
            })
            .collect();
        merge(&mut config, resources);
        let root = config.route.as_ref().unwrap();
        let go = |pairs: &[(&str, &str)]| {
            receivers_for(root, &pairs.iter().copied().collect::<LabelSet>())
        };
        assert_eq!(
            go(&[("namespace", "a"), ("severity", "critical")]),
            ["a/db/db-pager", "pager"]
        );
        assert_eq!(go(&[("namespace", "b")]), ["b/web/chat"]);
        assert_eq!(go(&[("namespace", "c")]), ["default"]);
        let rule = &config.inhibit_rules[0];
        assert!(
            rule.source
                .iter()
                .chain(&rule.target)
                .filter(|m| m.matcher.name == "namespace")
                .count()
                == 2
        );
        assert_eq!(config.receivers.len(), 5);
    }
}
