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
    /// The annotations that hold an alert's runbook link, in order of preference.
    pub runbook_keys: Vec<String>,
    /// The form every alert name must have; `None`: any name.
    pub alert_name_pattern: Option<NamePattern>,
    /// The form every recording rule's name must have; `None`: any name.
    pub record_name_pattern: Option<NamePattern>,
    /// The bounds of an alert's `for`; both unset by default.
    pub alert_for: ForBounds,
    /// Labels no alert or recording rule may set.
    pub forbidden_labels: Vec<String>,
    /// Annotations no alert may set.
    pub forbidden_annotations: Vec<String>,
    /// Label name → the form its static value must have.
    pub label_patterns: Vec<(String, NamePattern)>,
    /// Annotation name → the form its static value must have.
    pub annotation_patterns: Vec<(String, NamePattern)>,
    /// Labels every alert's query result must keep.
    pub keep_labels: Vec<String>,
    /// Labels every selector of a rule must have a matcher on.
    pub required_matchers: Vec<String>,
}

/// A name or value pattern: the RE2 expression as written, compiled fully anchored
/// (`^(?:...)$`), so it describes the whole text.
#[derive(Clone, Debug)]
pub struct NamePattern {
    text: String,
    regex: regex::Regex,
}

impl NamePattern {
    /// Compiles `text`; the error is Go's text for a pattern RE2 refuses.
    pub fn new(text: &str) -> Result<NamePattern, String> {
        let regex = monlint_promql::compile_standalone_anchored_regex(text)?;
        Ok(NamePattern {
            text: text.to_owned(),
            regex,
        })
    }

    /// The pattern as written in the configuration.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether the whole of `name` matches.
    pub fn matches(&self, name: &str) -> bool {
        self.regex.is_match(name)
    }
}

/// Two patterns are the same policy when they are written the same.
impl PartialEq for NamePattern {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

/// The shortest and longest `for` an alert may have, in milliseconds; an absent `for`
/// counts as 0s.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ForBounds {
    pub min_ms: Option<u64>,
    pub max_ms: Option<u64>,
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
            runbook_keys: strings(&[
                "runbook_url",
                "runbook",
                "runbook_link",
                "playbook",
                "playbook_url",
                "sop",
                "sop_url",
                "documentation",
            ]),
            alert_name_pattern: None,
            record_name_pattern: None,
            alert_for: ForBounds::default(),
            forbidden_labels: Vec::new(),
            forbidden_annotations: Vec::new(),
            label_patterns: Vec::new(),
            annotation_patterns: Vec::new(),
            keep_labels: Vec::new(),
            required_matchers: Vec::new(),
        }
    }
}
