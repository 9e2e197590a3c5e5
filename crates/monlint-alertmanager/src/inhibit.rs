//! Inhibition: whether firing alerts mute an alert, as Alertmanager's inhibitor decides.

use crate::model::InhibitRule;
use crate::routing::{LabelSet, matchers_match};

/// Whether `source` inhibits `target` under `rule`: the target matches the rule's target
/// side, the source its source side, and the `equal` labels agree (a missing label is
/// "", so two alerts without it agree). An alert that matches both sides is not muted by
/// a source that also matches both, or it would mute itself.
pub fn inhibits(rule: &InhibitRule, source: &LabelSet, target: &LabelSet) -> bool {
    if !matchers_match(&rule.target, target) || !matchers_match(&rule.source, source) {
        return false;
    }
    if matchers_match(&rule.source, target) && matchers_match(&rule.target, source) {
        return false;
    }
    rule.equal
        .iter()
        .all(|label| source.get(&label.value) == target.get(&label.value))
}

/// The index of the first rule by which some firing alert mutes `target`.
pub fn inhibited_by(
    rules: &[InhibitRule],
    firing: &[LabelSet],
    target: &LabelSet,
) -> Option<usize> {
    rules.iter().position(|rule| {
        firing
            .iter()
            .any(|source| source != target && inhibits(rule, source, target))
    })
}
