//! The routing engine: which routes an alert with given labels ends at, and the options
//! (receiver, grouping, timers) each route inherits, as Alertmanager's dispatcher does.

use std::collections::BTreeMap;

use monlint_core::Duration;

use crate::model::{Route, SpannedMatcher};

/// An alert's labels; a label that is missing reads as "".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LabelSet(pub BTreeMap<String, String>);

impl LabelSet {
    pub fn get(&self, name: &str) -> &str {
        self.0.get(name).map_or("", String::as_str)
    }

    pub fn insert(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.0.insert(name.into(), value.into());
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for LabelSet {
    fn from_iter<T: IntoIterator<Item = (K, V)>>(iter: T) -> Self {
        LabelSet(
            iter.into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }
}

/// Whether every matcher accepts the labels (an empty list accepts everything).
pub fn matchers_match(matchers: &[SpannedMatcher], labels: &LabelSet) -> bool {
    matchers
        .iter()
        .all(|m| m.matcher.matches(labels.get(&m.matcher.name)))
}

/// The routes an alert ends at, as paths of child indices from the root, in order:
/// depth first, the first matching child wins unless it has `continue: true`, and a
/// route none of whose children match is itself the result.
pub fn route_alert(root: &Route, labels: &LabelSet) -> Vec<Vec<usize>> {
    let mut path = Vec::new();
    let mut found = Vec::new();
    descend(root, labels, &mut path, &mut found);
    found
}

fn descend(
    route: &Route,
    labels: &LabelSet,
    path: &mut Vec<usize>,
    found: &mut Vec<Vec<usize>>,
) -> bool {
    if !matchers_match(&route.matchers, labels) {
        return false;
    }
    let before = found.len();
    for (index, child) in route.routes.iter().enumerate() {
        path.push(index);
        let matched = descend(child, labels, path, found);
        path.pop();
        if matched && !child.continue_matching {
            break;
        }
    }
    if found.len() == before {
        found.push(path.clone());
    }
    true
}

/// How a route groups alerts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Grouping {
    /// By these labels (none: one group for all).
    Labels(Vec<String>),
    /// `group_by: ['...']`: by every label.
    All,
}

/// The options a route ends up with after inheritance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteOptions {
    pub receiver: String,
    pub grouping: Grouping,
    pub group_wait: Duration,
    pub group_interval: Duration,
    pub repeat_interval: Duration,
}

impl Default for RouteOptions {
    /// Alertmanager's defaults for the root route.
    fn default() -> Self {
        RouteOptions {
            receiver: String::new(),
            grouping: Grouping::Labels(Vec::new()),
            group_wait: Duration::from_secs(30),
            group_interval: Duration::from_secs(5 * 60),
            repeat_interval: Duration::from_secs(4 * 3600),
        }
    }
}

impl RouteOptions {
    /// The options of `route` given its parent's.
    pub fn inherit(&self, route: &Route) -> RouteOptions {
        let mut options = self.clone();
        if let Some(receiver) = &route.receiver {
            options.receiver = receiver.value.clone();
        }
        if let Some(group_by) = &route.group_by {
            options.grouping = if group_by.value.iter().any(|l| l.value == "...") {
                Grouping::All
            } else {
                Grouping::Labels(group_by.value.iter().map(|l| l.value.clone()).collect())
            };
        }
        if let Some(wait) = &route.group_wait {
            options.group_wait = wait.value;
        }
        if let Some(interval) = &route.group_interval {
            options.group_interval = interval.value;
        }
        if let Some(repeat) = &route.repeat_interval {
            options.repeat_interval = repeat.value;
        }
        options
    }
}

/// The options of the route at `path` (child indices from the root).
pub fn options_at(root: &Route, path: &[usize]) -> RouteOptions {
    let mut options = RouteOptions::default().inherit(root);
    let mut route = root;
    for &index in path {
        let Some(child) = route.routes.get(index) else {
            break;
        };
        options = options.inherit(child);
        route = child;
    }
    options
}

/// The receivers an alert is sent to, in order, as `amtool config routes test` prints them.
pub fn receivers_for(root: &Route, labels: &LabelSet) -> Vec<String> {
    route_alert(root, labels)
        .iter()
        .map(|path| options_at(root, path).receiver)
        .collect()
}

#[cfg(test)]
mod tests {
    use monlint_core::Version;
    use monlint_core::yaml::{Limits, parse_stream};

    use super::*;

    fn root(text: &str) -> Route {
        let (documents, _) = parse_stream(text, &Limits::default());
        let (config, problems) = crate::load(&documents[0].root, Version::new(0, 25));
        assert!(problems.is_empty(), "{problems:?}");
        config.route.unwrap()
    }

    const CONFIG: &str = r#"
route:
  receiver: default
  group_by: [alertname]
  routes:
    - matchers: [severity="critical"]
      receiver: pager
      continue: true
    - match_re: {severity: "critical|warning"}
      receiver: chat
      group_by: []
      routes:
        - matchers: [team="db"]
          receiver: db
receivers: [{name: default}, {name: pager}, {name: chat}, {name: db}]
"#;

    #[test]
    fn depth_first_with_continue_and_fallback_to_parent() {
        let root = root(CONFIG);
        let go = |pairs: &[(&str, &str)]| receivers_for(&root, &pairs.iter().copied().collect());
        assert_eq!(go(&[("severity", "critical")]), ["pager", "chat"]);
        assert_eq!(
            go(&[("severity", "critical"), ("team", "db")]),
            ["pager", "db"]
        );
        assert_eq!(go(&[("severity", "warning")]), ["chat"]);
        assert_eq!(go(&[("severity", "info")]), ["default"]);
        assert_eq!(go(&[]), ["default"]);
    }

    #[test]
    fn options_inherit_and_reset() {
        let root = root(CONFIG);
        assert_eq!(
            options_at(&root, &[0]).grouping,
            Grouping::Labels(vec!["alertname".into()])
        );
        assert_eq!(
            options_at(&root, &[1, 0]).grouping,
            Grouping::Labels(vec![])
        );
        assert_eq!(
            options_at(&root, &[1, 0]).group_wait,
            Duration::from_secs(30)
        );
    }
}
