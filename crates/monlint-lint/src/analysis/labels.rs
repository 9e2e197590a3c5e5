//! Label-set inference: which labels the series an expression returns may carry.
//!
//! A selector's result may carry any label (series labels are unknown), so most results
//! are open; aggregations with `by`, `absent()`, scalars and the like close the set.
//! A label is only reported as absent when the expression provably removes it.

use std::collections::{BTreeMap, BTreeSet};

use monlint_promql::ast::{
    AggregateExpr, AggregateOp, BinaryExpr, Call, Cardinality, Expr, MatchOp, ValueType,
    VectorSelector,
};

use super::{MAX_DEPTH, unparen};

/// The labels other than the known-present ones.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OtherLabels {
    /// Any label may be present, except these.
    AnyExcept(BTreeSet<String>),
    /// Only these labels may be present.
    Only(BTreeSet<String>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelSet {
    /// Labels every result series carries, with the value when an equality matcher fixes it.
    pub present: BTreeMap<String, Option<String>>,
    pub others: OtherLabels,
}

const METRIC_NAME: &str = "__name__";

impl LabelSet {
    /// Nothing known: any label may be there.
    pub fn unknown() -> LabelSet {
        LabelSet {
            present: BTreeMap::new(),
            others: OtherLabels::AnyExcept(BTreeSet::new()),
        }
    }

    /// No labels at all (a scalar, `vector()`, `sum()` without grouping).
    pub fn empty() -> LabelSet {
        LabelSet {
            present: BTreeMap::new(),
            others: OtherLabels::Only(BTreeSet::new()),
        }
    }

    /// Whether some result series may carry `label`.
    pub fn may_have(&self, label: &str) -> bool {
        self.present.contains_key(label)
            || match &self.others {
                OtherLabels::AnyExcept(absent) => !absent.contains(label),
                OtherLabels::Only(possible) => possible.contains(label),
            }
    }

    /// The labels some result series may carry, when that list is finite.
    pub fn possible_labels(&self) -> Option<BTreeSet<&str>> {
        match &self.others {
            OtherLabels::AnyExcept(_) => None,
            OtherLabels::Only(possible) => Some(
                self.present
                    .keys()
                    .chain(possible)
                    .map(String::as_str)
                    .collect(),
            ),
        }
    }

    fn remove(&mut self, label: &str) {
        self.present.remove(label);
        match &mut self.others {
            OtherLabels::AnyExcept(absent) => {
                absent.insert(label.to_owned());
            }
            OtherLabels::Only(possible) => {
                possible.remove(label);
            }
        }
    }

    /// `label` may now be present (`label_replace` may or may not write it).
    fn allow(&mut self, label: &str) {
        if self.present.contains_key(label) {
            return;
        }
        match &mut self.others {
            OtherLabels::AnyExcept(absent) => {
                absent.remove(label);
            }
            OtherLabels::Only(possible) => {
                possible.insert(label.to_owned());
            }
        }
    }

    /// Keeps only `labels` (what `by (...)` and `on (...)` do).
    fn keep_only(&mut self, labels: &[String]) {
        let possible = labels
            .iter()
            .filter(|l| !self.present.contains_key(*l) && self.may_have(l))
            .cloned()
            .collect();
        self.present.retain(|name, _| labels.contains(name));
        self.others = OtherLabels::Only(possible);
    }

    /// The labels of a result that is one series of either side (`or`).
    fn union(self, other: LabelSet) -> LabelSet {
        let mut present = BTreeMap::new();
        for (name, value) in &self.present {
            if let Some(other_value) = other.present.get(name) {
                let value = if value == other_value {
                    value.clone()
                } else {
                    None
                };
                present.insert(name.clone(), value);
            }
        }
        let others = match (&self.others, &other.others) {
            (OtherLabels::Only(a), OtherLabels::Only(b)) => OtherLabels::Only(
                a.iter()
                    .chain(b)
                    .chain(self.present.keys())
                    .chain(other.present.keys())
                    .filter(|l| !present.contains_key(*l))
                    .cloned()
                    .collect(),
            ),
            _ => OtherLabels::AnyExcept(all_absent(&self, &other).into_iter().collect()),
        };
        LabelSet { present, others }
    }
}

/// Labels neither side of a union can carry, when at least one side is open.
fn all_absent(a: &LabelSet, b: &LabelSet) -> Vec<String> {
    let candidates: BTreeSet<&String> = [a, b]
        .iter()
        .filter_map(|set| match &set.others {
            OtherLabels::AnyExcept(absent) => Some(absent),
            OtherLabels::Only(_) => None,
        })
        .flatten()
        .collect();
    candidates
        .into_iter()
        .filter(|l| !a.may_have(l) && !b.may_have(l))
        .cloned()
        .collect()
}

/// The labels `expr`'s result series may carry.
pub fn infer(expr: &Expr) -> LabelSet {
    infer_at(expr, 0)
}

fn infer_at(expr: &Expr, depth: usize) -> LabelSet {
    monlint_promql::with_stack(|| {
        if depth > MAX_DEPTH {
            return LabelSet::unknown();
        }
        let depth = depth + 1;
        match expr {
            Expr::Number(_) | Expr::String(_) => LabelSet::empty(),
            Expr::VectorSelector(selector) => selector_labels(selector),
            Expr::MatrixSelector(matrix) => selector_labels(&matrix.selector),
            Expr::Subquery(subquery) => infer_at(&subquery.expr, depth),
            Expr::Paren(paren) => infer_at(&paren.expr, depth),
            Expr::Unary(unary) => {
                let mut labels = infer_at(&unary.expr, depth);
                labels.remove(METRIC_NAME);
                labels
            }
            Expr::Binary(binary) => binary_labels(binary, depth),
            Expr::Aggregate(aggregate) => aggregate_labels(aggregate, depth),
            Expr::Call(call) => call_labels(call, depth),
        }
    })
}

fn selector_labels(selector: &VectorSelector) -> LabelSet {
    let mut labels = LabelSet::unknown();
    if let Some(name) = &selector.name {
        labels
            .present
            .insert(METRIC_NAME.to_owned(), Some(name.clone()));
    }
    for matcher in &selector.matchers {
        match matcher.op {
            MatchOp::Equal if matcher.value.is_empty() => labels.remove(&matcher.name),
            MatchOp::Equal => {
                labels
                    .present
                    .insert(matcher.name.clone(), Some(matcher.value.clone()));
            }
            _ => {}
        }
    }
    labels
}

fn aggregate_labels(aggregate: &AggregateExpr, depth: usize) -> LabelSet {
    let mut labels = infer_at(&aggregate.expr, depth);
    if matches!(
        aggregate.op,
        AggregateOp::Topk | AggregateOp::Bottomk | AggregateOp::Limitk | AggregateOp::LimitRatio
    ) {
        // These select series; they do not aggregate them.
        return labels;
    }
    match &aggregate.grouping {
        Some(grouping) if grouping.without => {
            labels.remove(METRIC_NAME);
            for label in &grouping.labels {
                labels.remove(label);
            }
        }
        Some(grouping) => labels.keep_only(&grouping.labels),
        None => labels = LabelSet::empty(),
    }
    if aggregate.op == AggregateOp::CountValues {
        if let Some(Expr::String(label)) = aggregate.param.as_deref().map(unparen) {
            labels.present.insert(label.value.clone(), None);
        }
    }
    labels
}

fn binary_labels(binary: &BinaryExpr, depth: usize) -> LabelSet {
    let lhs_type = binary.lhs.value_type();
    let rhs_type = binary.rhs.value_type();
    let drops_name = !binary.op.is_comparison() && !binary.op.is_set_operator()
        || binary.op.is_comparison() && binary.return_bool;
    let mut labels = match (lhs_type, rhs_type) {
        (ValueType::Scalar, ValueType::Scalar) => return LabelSet::empty(),
        (ValueType::Scalar, _) => infer_at(&binary.rhs, depth),
        (_, ValueType::Scalar) => infer_at(&binary.lhs, depth),
        _ => vector_binary_labels(binary, depth),
    };
    if drops_name {
        labels.remove(METRIC_NAME);
    }
    labels
}

fn vector_binary_labels(binary: &BinaryExpr, depth: usize) -> LabelSet {
    if binary.op.is_set_operator() {
        let lhs = infer_at(&binary.lhs, depth);
        return match binary.op {
            monlint_promql::ast::BinaryOp::Or => lhs.union(infer_at(&binary.rhs, depth)),
            _ => lhs,
        };
    }
    let Some(matching) = &binary.matching else {
        return infer_at(&binary.lhs, depth);
    };
    let (mut labels, other) = match matching.card {
        Cardinality::OneToMany => (infer_at(&binary.rhs, depth), infer_at(&binary.lhs, depth)),
        _ => (infer_at(&binary.lhs, depth), infer_at(&binary.rhs, depth)),
    };
    if matching.card == Cardinality::OneToOne {
        if matching.on {
            labels.keep_only(&matching.labels);
        } else {
            for label in &matching.labels {
                labels.remove(label);
            }
        }
    }
    // `group_left (x)` copies x from the other side, or removes it when that side lacks it.
    for label in &matching.include {
        match other.present.get(label) {
            Some(value) => {
                labels.present.insert(label.clone(), value.clone());
            }
            None if other.may_have(label) => {
                labels.present.remove(label);
                labels.allow(label);
            }
            None => labels.remove(label),
        }
    }
    labels
}

fn call_labels(call: &Call, depth: usize) -> LabelSet {
    let name = call.function.name;
    if call.function.return_type == ValueType::Scalar {
        return LabelSet::empty();
    }
    match name {
        "absent" | "absent_over_time" => {
            let selector = match call.args.first().map(unparen) {
                Some(Expr::VectorSelector(selector)) => Some(selector),
                Some(Expr::MatrixSelector(matrix)) => Some(&matrix.selector),
                _ => None,
            };
            let mut labels = LabelSet::empty();
            for matcher in selector.iter().flat_map(|s| &s.matchers) {
                if matcher.op == MatchOp::Equal && matcher.name != METRIC_NAME {
                    labels
                        .present
                        .insert(matcher.name.clone(), Some(matcher.value.clone()));
                }
            }
            return labels;
        }
        "vector" => return LabelSet::empty(),
        // Functions that add labels from outside the expression.
        "info" => return LabelSet::unknown(),
        _ => {}
    }
    // Functions without a vector argument (`time()`-like ones default to no labels).
    let Some(input) = call
        .args
        .iter()
        .find(|arg| matches!(arg.value_type(), ValueType::Vector | ValueType::Matrix))
    else {
        return LabelSet::empty();
    };
    let mut labels = infer_at(input, depth);
    match name {
        "label_replace" | "label_join" => {
            if let Some(Expr::String(destination)) = call.args.get(1).map(unparen) {
                labels.present.remove(&destination.value);
                labels.allow(&destination.value);
            }
        }
        "histogram_quantile" => {
            labels.remove("le");
            labels.remove(METRIC_NAME);
        }
        // These return their input series unchanged.
        "sort" | "sort_desc" | "sort_by_label" | "sort_by_label_desc" | "last_over_time"
        | "first_over_time" => {}
        _ => labels.remove(METRIC_NAME),
    }
    labels
}

#[cfg(test)]
mod tests {
    use monlint_promql::{ParseOptions, parse};

    use super::*;

    fn labels(text: &str) -> LabelSet {
        infer(&parse(text, &ParseOptions::default()).unwrap())
    }

    #[test]
    fn selectors_are_open_and_know_their_equality_matchers() {
        let set = labels(r#"up{job="api", instance=~"a.*", env=""}"#);
        assert_eq!(set.present.get("job"), Some(&Some("api".to_owned())));
        assert!(set.may_have("instance"));
        assert!(set.may_have("anything"));
        assert!(!set.may_have("env"));
    }

    #[test]
    fn aggregations_keep_their_grouping() {
        let set = labels("sum by (job) (rate(x_total[5m]))");
        assert!(set.may_have("job"));
        assert!(!set.may_have("instance"));
        let set = labels("sum without (instance) (rate(x_total[5m]))");
        assert!(set.may_have("job"));
        assert!(!set.may_have("instance"));
        assert!(!set.may_have("__name__"));
        assert!(!labels("sum(x)").may_have("job"));
        assert!(labels("topk(3, x)").may_have("job"));
        let set = labels(r#"count_values("version", build_info)"#);
        assert!(set.present.contains_key("version"));
        assert!(!set.may_have("job"));
    }

    #[test]
    fn binary_operations_follow_vector_matching() {
        let set = labels("sum by (job) (a) / on (job) group_left (team) sum by (job, team) (b)");
        assert!(set.may_have("job"));
        assert!(set.may_have("team"));
        assert!(!set.may_have("instance"));
        let set = labels("a / on (job) b");
        assert!(set.may_have("job"));
        assert!(!set.may_have("instance"));
        let set = labels("a / ignoring (code) b");
        assert!(!set.may_have("code"));
        assert!(set.may_have("instance"));
        assert!(labels("up == 0").may_have("__name__"));
        assert!(!labels("up == bool 0").may_have("__name__"));
        let set = labels("sum by (job) (a) or sum by (instance) (b)");
        assert!(set.may_have("job"));
        assert!(set.may_have("instance"));
        assert!(!set.may_have("pod"));
        let set = labels(r#"sum by (job) (a) or up{pod="x"}"#);
        assert!(set.may_have("instance"));
    }

    #[test]
    fn functions_add_and_remove_labels() {
        let set = labels(r#"absent(up{job="api", instance=~".+"})"#);
        assert_eq!(set.present.get("job"), Some(&Some("api".to_owned())));
        assert!(!set.may_have("instance"));
        assert!(!labels("vector(1)").may_have("job"));
        assert!(!labels("minute() > 5").may_have("job"));
        let set = labels(r#"label_replace(sum by (job) (x), "team", "$1", "job", "(.*)")"#);
        assert!(set.may_have("team"));
        assert!(!set.may_have("pod"));
        let set = labels("histogram_quantile(0.9, sum by (le, job) (rate(x_bucket[5m])))");
        assert!(set.may_have("job"));
        assert!(!set.may_have("le"));
        let set = labels("rate(x_total[5m])");
        assert!(set.may_have("job"));
        assert!(!set.may_have("__name__"));
    }

    #[test]
    fn depth_beyond_the_limit_is_unknown() {
        let mut text = String::from("sum by (job) (x)");
        // Each `-(...)` is two levels of the tree.
        for _ in 0..(MAX_DEPTH / 2 + 5) {
            text = format!("-({text})");
        }
        let expr = parse(&text, &ParseOptions::default()).unwrap();
        assert!(infer(&expr).may_have("pod"));
    }
}
