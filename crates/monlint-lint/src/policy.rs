//! The values checks judge rules against. Plain data with defaults, so a configuration
//! file can fill it in without the checks knowing where the values came from.

/// What a team expects of its rules.
#[derive(Clone, Debug, PartialEq)]
pub struct Policy {
    /// The scrape interval assumed for every target, in milliseconds.
    pub scrape_interval_ms: u64,
    /// The group evaluation interval assumed when a group sets none, in milliseconds.
    pub evaluation_interval_ms: u64,
    /// Labels every alert must carry, each with the values it may take (empty: any value).
    pub required_alert_labels: Vec<RequiredLabel>,
    /// Annotations every alert must carry.
    pub required_annotations: Vec<String>,
    /// Severities whose alerts must link a runbook.
    pub runbook_required_for: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RequiredLabel {
    pub name: String,
    pub allowed_values: Vec<String>,
}

impl Default for Policy {
    fn default() -> Self {
        let strings = |items: &[&str]| items.iter().map(|s| (*s).to_owned()).collect();
        Policy {
            scrape_interval_ms: 30_000,
            evaluation_interval_ms: 60_000,
            required_alert_labels: vec![RequiredLabel {
                name: "severity".to_owned(),
                allowed_values: strings(&["critical", "warning", "info"]),
            }],
            required_annotations: strings(&["summary", "description"]),
            runbook_required_for: strings(&["critical", "warning"]),
        }
    }
}
