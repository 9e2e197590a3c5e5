//! Runbook links to probe over HTTP (`monlint check --check-links`). The CLI does the
//! probing; this module says which URLs to probe and carries the answers to the
//! `runbook-unreachable` check, which stays a pure function of them.

use std::collections::HashMap;

use monlint_core::SourceFile;
use monlint_core::yaml::{self, Node};

/// What probing one URL found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkStatus {
    Reachable,
    /// Why not, in a few words: `HTTP 404`, `no answer within 10s`, `cannot connect: ...`.
    Broken(String),
}

/// Probe results by URL; empty when links were not probed.
pub type LinkStatuses = HashMap<String, LinkStatus>;

/// Whether a runbook URL can be probed as written: absolute http(s), no template actions.
pub fn is_probeable(url: &str) -> bool {
    (url.starts_with("http://") || url.starts_with("https://")) && !url.contains("{{")
}

/// The probeable `runbook_url` annotations of a rule file or `PrometheusRule` objects.
pub fn runbook_urls(source: &SourceFile) -> Vec<String> {
    let (documents, _) = yaml::parse_stream(&source.text, &yaml::Limits::default());
    let mut urls = Vec::new();
    for document in &documents {
        let groups = document.root.get("groups").or_else(|| {
            document
                .root
                .get("spec")
                .and_then(|spec| spec.get("groups"))
        });
        for group in groups.and_then(Node::as_sequence).unwrap_or_default() {
            for rule in group
                .get("rules")
                .and_then(Node::as_sequence)
                .unwrap_or_default()
            {
                let url = rule
                    .get("annotations")
                    .and_then(|a| a.get("runbook_url"))
                    .and_then(Node::as_str);
                if let Some(url) = url.filter(|u| is_probeable(u)) {
                    urls.push(url.to_owned());
                }
            }
        }
    }
    urls
}
