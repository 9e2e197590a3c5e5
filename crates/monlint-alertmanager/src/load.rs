//! Reading an Alertmanager configuration the way the targeted release does: strict keys
//! (yaml.v2 `UnmarshalStrict`), each level's own validation, then the checks across the
//! file (`Config.UnmarshalYAML`: globals merged into integrations, receiver and time
//! interval references). Where Alertmanager stops at the first error, the loader
//! reports every problem it finds and goes on with the rest.

use std::collections::HashMap;

use monlint_core::yaml::{Entry, Node, NodeKind};
use monlint_core::{Duration, Span, Version};

use crate::matcher::{self, MatchOp, Matcher};
use crate::model::{
    Config, InhibitRule, Integration, MatcherSyntax, NamedTimeInterval, Receiver, Route,
    SecretSite, Spanned, SpannedMatcher, TemplatedField, TimeSpec,
};
use crate::schema::{self, Field, Kind};

/// What kind of problem, so a caller can report each under its own check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProblemKind {
    /// A key the targeted release does not know here (or not yet).
    UnknownKey,
    /// A key written twice in one mapping.
    DuplicateKey,
    /// A value of the wrong shape or type.
    WrongType,
    /// A matcher that does not parse, or a regex that does not compile.
    InvalidMatcher,
    /// Route tree rules: the root route, receiver and time interval references,
    /// group_by, zero intervals.
    InvalidRoute,
    /// A receiver or integration that Alertmanager refuses: names, required fields and
    /// globals, a secret and its `_file` twin both set.
    InvalidReceiver,
    /// Other values Alertmanager refuses: durations, URLs, time intervals, inhibit rules.
    InvalidValue,
    /// Accepted, but only through the classic matcher parser (0.27+ warns).
    MatcherFallback,
}

impl ProblemKind {
    /// Whether amtool `check-config` rejects the file for this problem.
    pub fn is_rejection(self) -> bool {
        self != ProblemKind::MatcherFallback
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub kind: ProblemKind,
    pub span: Span,
    /// For rejections, the text amtool prints (without its line prefixes).
    pub message: String,
    pub help: Option<String>,
}

/// Loads one Alertmanager configuration document for the targeted release.
pub fn load(root: &Node, version: Version) -> (Config, Vec<Problem>) {
    let mut loader = Loader {
        version,
        problems: Vec::new(),
        config: Config::default(),
    };
    loader.top(root);
    loader.config.placeholders = crate::placeholder::collect(root);
    (loader.config, loader.problems)
}

struct Loader {
    version: Version,
    problems: Vec<Problem>,
    config: Config,
}

fn is_legacy_label_name(name: &str) -> bool {
    monlint_core::names::is_legacy_label_name(name)
}

/// Values such as `<secret>`, `changeme` or `xxxx`, which are not real credentials.
fn looks_like_placeholder(value: &str) -> bool {
    let lower = value.trim().to_ascii_lowercase();
    lower.is_empty()
        || (lower.starts_with('<') && lower.ends_with('>'))
        || lower.contains("changeme")
        || lower.contains("placeholder")
        || lower.contains("your_")
        || lower.contains("your-")
        || lower.contains("todo")
        || lower.contains("example")
        || lower
            .chars()
            .all(|c| c == 'x' || c == '*' || c == '-' || c == '.')
}

/// A duration field's value, when it parses (the field check reports it otherwise).
fn duration_value(node: &Node) -> Option<Spanned<Duration>> {
    let value = Duration::parse(scalar_text(node)?).ok()?;
    Some(Spanned {
        value,
        span: node.span,
    })
}

fn scalar_text(node: &Node) -> Option<&str> {
    if node.is_null() { None } else { node.as_str() }
}

/// The fields of a mapping that were read, by key.
#[derive(Default)]
struct Fields<'n> {
    entries: Vec<(&'static str, &'n Node, Span)>,
}

impl<'n> Fields<'n> {
    fn get(&self, key: &str) -> Option<&'n Node> {
        self.entries
            .iter()
            .find(|(name, _, _)| *name == key)
            .map(|(_, node, _)| *node)
    }

    fn key_span(&self, key: &str) -> Option<Span> {
        self.entries
            .iter()
            .find(|(name, _, _)| *name == key)
            .map(|(_, _, span)| *span)
    }

    /// Set the way Go sees it: present, not null, and for scalars not empty.
    fn set(&self, key: &str) -> bool {
        self.get(key).is_some_and(|node| match &node.kind {
            NodeKind::Scalar(_) => !node.is_null() && !node.as_str().unwrap_or("").is_empty(),
            _ => true,
        })
    }

    fn text(&self, key: &str) -> Option<&'n str> {
        self.get(key).and_then(scalar_text)
    }

    fn is_true(&self, key: &str) -> bool {
        self.text(key).is_some_and(is_yaml_true)
    }
}

fn is_yaml_true(text: &str) -> bool {
    matches!(
        text,
        "true" | "True" | "TRUE" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "y" | "Y"
    )
}

fn is_yaml_bool(text: &str) -> bool {
    is_yaml_true(text)
        || matches!(
            text,
            "false" | "False" | "FALSE" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "n" | "N"
        )
}

/// Go's `time.ParseDuration`.
fn is_go_duration(text: &str) -> bool {
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    if body == "0" {
        return true;
    }
    let mut rest = body;
    if rest.is_empty() {
        return false;
    }
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number = &rest[..number_len];
        if number.is_empty() || number == "." || number.matches('.').count() > 1 {
            return false;
        }
        rest = &rest[number_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        if !matches!(
            &rest[..unit_len],
            "ns" | "us" | "µs" | "μs" | "ms" | "s" | "m" | "h"
        ) {
            return false;
        }
        rest = &rest[unit_len..];
    }
    true
}

/// Chat services whose webhook URL is itself the credential: the token is in the path.
const WEBHOOK_HOSTS: &[&str] = &[
    "hooks.slack.com",
    "discord.com",
    "discordapp.com",
    "webhook.office.com",
    "outlook.office.com",
    "outlook.office365.com",
    "chat.googleapis.com",
    "api.telegram.org",
    "hooks.zapier.com",
];

/// Query parameter names that carry a credential (`?token=`, `?api_key=`, `?sig=`).
const CREDENTIAL_PARAMETERS: &[&str] = &[
    "token",
    "key",
    "secret",
    "sig",
    "signature",
    "password",
    "passwd",
    "pwd",
    "auth",
    "code",
    "access",
];

/// Whether a secret URL holds a credential: user information, a chat service's webhook
/// path, a credential query parameter, or a path segment that looks generated (a UUID, a
/// long mixed-case or hexadecimal string). `http://alertmanager-bot:8080/` holds none.
fn url_carries_credential(text: &str) -> bool {
    let Some((_, rest)) = text.split_once("://") else {
        // Not a URL Alertmanager accepts; judge the text as a secret.
        return true;
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    if authority.contains('@') {
        return true;
    }
    let host = authority
        .split(':')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let webhook_host = WEBHOOK_HOSTS
        .iter()
        .any(|known| host == *known || host.ends_with(&format!(".{known}")));
    let (path, query) = tail.split_once('?').unwrap_or((tail, ""));
    let query = query.split('#').next().unwrap_or_default();
    let credential_parameter = query.split('&').any(|pair| {
        let name = pair
            .split('=')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        CREDENTIAL_PARAMETERS.iter().any(|word| name.contains(word))
    });
    webhook_host || credential_parameter || path.split('/').any(looks_generated)
}

/// A path segment that reads as a generated token rather than a name: at least 16
/// characters with letters and digits, and mixed case, all hexadecimal, or one long run.
fn looks_generated(segment: &str) -> bool {
    let allowed =
        |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~' | ':' | '=');
    if segment.len() < 16 || !segment.chars().all(allowed) {
        return false;
    }
    let digits = segment.chars().filter(char::is_ascii_digit).count();
    let letters = segment.chars().filter(char::is_ascii_alphabetic).count();
    if digits < 2 || letters < 2 {
        return false;
    }
    let mixed_case = segment.chars().any(|c| c.is_ascii_uppercase())
        && segment.chars().any(|c| c.is_ascii_lowercase());
    let hexadecimal = segment.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
    let longest_run = segment
        .split(['-', '_', '.', '~', ':', '='])
        .map(str::len)
        .max()
        .unwrap_or(0);
    mixed_case || hexadecimal || longest_run >= 16
}

/// An absolute http(s) URL with a host, as Alertmanager's URL type demands.
fn url_problem(text: &str, secret: bool) -> Option<String> {
    let Some((scheme, rest)) = text.split_once("://") else {
        return Some("unsupported scheme \"\" for URL".to_owned());
    };
    if scheme != "http" && scheme != "https" {
        // Alertmanager names the scheme; a secret URL's scheme may be part of the token.
        return Some(if secret {
            "unsupported scheme for URL (http and https only; a secret URL is not repeated)"
                .to_owned()
        } else {
            format!("unsupported scheme {scheme:?} for URL")
        });
    }
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit('@').next().unwrap_or(host);
    if host.is_empty() {
        return Some("missing host for URL".to_owned());
    }
    None
}

impl Loader {
    fn problem(&mut self, kind: ProblemKind, span: Span, message: impl Into<String>) {
        self.problems.push(Problem {
            kind,
            span,
            message: message.into(),
            help: None,
        });
    }

    fn problem_with_help(
        &mut self,
        kind: ProblemKind,
        span: Span,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.problems.push(Problem {
            kind,
            span,
            message: message.into(),
            help: Some(help.into()),
        });
    }

    fn wrong_type(&mut self, node: &Node, expected: &str) {
        // The value is not read any further: mask the secrets it holds.
        self.mask_nested_secrets(node);
        let tag = node.yaml_tag();
        let shown = match node.as_str() {
            Some(text) if !node.is_null() => format!("{tag} `{text}`"),
            _ => tag.to_owned(),
        };
        self.problem(
            ProblemKind::WrongType,
            node.span,
            format!("cannot unmarshal {shown} into {expected}"),
        );
    }

    /// Reads a mapping strictly against `fields`: unknown, too-new and repeated keys are
    /// reported; scalar types are checked; secrets are recorded. `Any` fields are left
    /// to the caller.
    fn fields<'n>(
        &mut self,
        node: &'n Node,
        fields: &'static [Field],
        what: &str,
        path: &str,
    ) -> Fields<'n> {
        let mut read = Fields::default();
        if node.is_null() {
            return read;
        }
        let Some(entries) = node.as_mapping() else {
            self.wrong_type(node, what);
            return read;
        };
        for Entry { key, value } in entries {
            let name = key.as_str().unwrap_or_default();
            let field = fields.iter().find(|f| f.name == name);
            // Masked whatever happens next: a repeated, misplaced or wrong-typed secret
            // is still a secret.
            let secret = match field {
                Some(field) => field.kind.is_secret(),
                None => schema::is_secret_key(name),
            };
            if secret && !value.is_null() {
                self.config.secret_values.push(value.span);
            }
            // A value the schema does not read (unknown, too new, repeated, free-form)
            // may still hold secret keys.
            let read_by_schema = field.is_some_and(|field| {
                field.since <= self.version
                    && !matches!(field.kind, Kind::FreeForm)
                    && !read.entries.iter().any(|(n, _, _)| *n == field.name)
            });
            if !secret && !read_by_schema {
                self.mask_nested_secrets(value);
            }
            let Some(field) = field else {
                let known: Vec<&str> = fields
                    .iter()
                    .filter(|f| f.since <= self.version)
                    .map(|f| f.name)
                    .collect();
                let help = match closest(name, &known) {
                    Some(suggestion) => format!("did you mean `{suggestion}`?"),
                    None => format!("expected one of: {}", known.join(", ")),
                };
                self.problem_with_help(
                    ProblemKind::UnknownKey,
                    key.span,
                    format!("yaml: unmarshal errors: field {name} not found in {what}"),
                    help,
                );
                continue;
            };
            if field.since > self.version {
                self.problem(
                    ProblemKind::UnknownKey,
                    key.span,
                    format!(
                        "yaml: unmarshal errors: field {name} not found in {what}: `{name}` needs Alertmanager {} or newer; the target is {} (see --alertmanager-version)",
                        field.since, self.version
                    ),
                );
                continue;
            }
            if read.entries.iter().any(|(n, _, _)| *n == field.name) {
                self.problem(
                    ProblemKind::DuplicateKey,
                    key.span,
                    format!("yaml: unmarshal errors: key {name:?} already set in map"),
                );
                continue;
            }
            let child_path = if path.is_empty() {
                name.to_owned()
            } else {
                format!("{path}.{name}")
            };
            self.check_value(field, key, value, &child_path, fields);
            read.entries.push((field.name, value, key.span));
        }
        read
    }

    fn check_value(
        &mut self,
        field: &Field,
        key: &Node,
        value: &Node,
        path: &str,
        siblings: &[Field],
    ) {
        if value.is_null() {
            return;
        }
        let scalar = || value.as_scalar().is_some();
        match field.kind {
            Kind::Any | Kind::FreeForm | Kind::SecretData => {}
            Kind::Str => {
                if !scalar() {
                    self.wrong_type(value, "string");
                } else if path.starts_with("receivers[")
                    && value.as_str().is_some_and(|t| t.contains("{{"))
                {
                    self.config.templated_fields.push(TemplatedField {
                        key: field.name.to_owned(),
                        node: value.clone(),
                        span: value.span,
                    });
                }
            }
            Kind::Secret | Kind::SecretUrl => {
                let Some(text) = value.as_str() else {
                    self.wrong_type(value, "string");
                    return;
                };
                if matches!(field.kind, Kind::SecretUrl) {
                    self.check_url(value.span, text, true);
                }
                // Empty, or a template's placeholder standing for the secret: nothing
                // is written inline.
                if text.is_empty() || crate::placeholder::first_placeholder(text).is_some() {
                    return;
                }
                // Alertmanager hides every URL of these fields, but one with no
                // credential in it (`http://bot.monitoring.svc:8080/`) is safe to commit.
                if matches!(field.kind, Kind::SecretUrl) && !url_carries_credential(text) {
                    return;
                }
                let file_key = format!("{}_file", field.name);
                let has_file_twin = siblings
                    .iter()
                    .any(|f| f.name == file_key && f.since <= self.version);
                let (owner, _) = path.rsplit_once('.').unwrap_or(("", ""));
                self.config.secrets.push(SecretSite {
                    key: field.name.to_owned(),
                    key_span: key.span,
                    value_span: value.span,
                    path: owner.to_owned(),
                    file_key: has_file_twin.then_some(file_key),
                    placeholder: looks_like_placeholder(text),
                });
            }
            Kind::Bool => {
                if !value.as_str().is_some_and(is_yaml_bool) {
                    self.wrong_type(value, "bool");
                }
            }
            Kind::Int => {
                let is_int = |t: &str| t.trim_start_matches(['-', '+']).parse::<u64>().is_ok();
                if !value.as_str().is_some_and(is_int) {
                    self.wrong_type(value, "int");
                }
            }
            Kind::Uint => {
                let is_uint = |t: &str| t.trim_start_matches('+').parse::<u64>().is_ok();
                if !value.as_str().is_some_and(is_uint) {
                    self.wrong_type(value, "uint64");
                }
            }
            Kind::Duration => {
                self.duration(value);
            }
            Kind::GoDuration => match value.as_str() {
                Some(text) if is_go_duration(text) => {}
                Some(text) => self.problem(
                    ProblemKind::InvalidValue,
                    value.span,
                    format!("time: invalid duration {text:?}"),
                ),
                None => self.wrong_type(value, "duration"),
            },
            Kind::Url => match value.as_str() {
                Some(text) => self.check_url(value.span, text, false),
                None => self.wrong_type(value, "URL"),
            },
            Kind::Strings => match value.as_sequence() {
                Some(items) => {
                    for item in items {
                        if item.as_scalar().is_none() {
                            self.wrong_type(item, "string");
                        }
                    }
                }
                None => self.wrong_type(value, "[]string"),
            },
            Kind::StrMap => match value.as_mapping() {
                Some(entries) => {
                    for entry in entries {
                        if entry.value.as_scalar().is_none() {
                            self.wrong_type(&entry.value, "string");
                        }
                    }
                }
                None => self.wrong_type(value, "map[string]string"),
            },
            Kind::Struct(fields) => {
                let read = self.fields(value, fields, field.name, path);
                if std::ptr::eq(fields, schema::HTTP_CONFIG) {
                    self.http_config(value, &read);
                }
            }
            Kind::List(fields) => match value.as_sequence() {
                Some(items) => {
                    for (index, item) in items.iter().enumerate() {
                        self.fields(item, fields, field.name, &format!("{path}[{index}]"));
                    }
                }
                None => self.wrong_type(value, &format!("[]{}", field.name)),
            },
        }
    }

    /// prometheus/common's checks of an HTTP client configuration: one way to authenticate.
    fn http_config(&mut self, node: &Node, c: &Fields) {
        let mut errors: Vec<&str> = Vec::new();
        let sub = |key: &str, field: &str| {
            c.get(key)
                .and_then(|n| n.get(field))
                .and_then(scalar_text)
                .is_some_and(|t| !t.is_empty())
        };
        let bearer = c.set("bearer_token") || c.set("bearer_token_file");
        if c.set("bearer_token") && c.set("bearer_token_file") {
            errors.push("at most one of bearer_token & bearer_token_file must be configured");
        }
        let basic = c.get("basic_auth").is_some_and(|n| !n.is_null());
        let oauth2 = c.get("oauth2").is_some_and(|n| !n.is_null());
        let authorization = c.get("authorization").is_some_and(|n| !n.is_null());
        if basic && bearer {
            errors.push("at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured");
        }
        if sub("basic_auth", "password") && sub("basic_auth", "password_file") {
            errors.push("at most one of basic_auth password & password_file must be configured");
        }
        if authorization {
            if bearer {
                errors
                    .push("authorization is not compatible with bearer_token & bearer_token_file");
            }
            if sub("authorization", "credentials") && sub("authorization", "credentials_file") {
                errors.push("at most one of authorization credentials & credentials_file must be configured");
            }
            let kind = c
                .get("authorization")
                .and_then(|n| n.get("type"))
                .and_then(scalar_text)
                .unwrap_or("");
            if kind.trim().eq_ignore_ascii_case("basic") {
                errors.push(
                    "authorization type cannot be set to \"basic\", use \"basic_auth\" instead",
                );
            }
            if basic || oauth2 {
                errors.push("at most one of basic_auth, oauth2 & authorization must be configured");
            }
        }
        if oauth2 {
            if basic && !authorization {
                errors.push("at most one of basic_auth, oauth2 & authorization must be configured");
            }
            if !sub("oauth2", "client_id") {
                errors.push("oauth2 client_id must be configured");
            }
            if !sub("oauth2", "client_secret") && !sub("oauth2", "client_secret_file") {
                errors.push("either oauth2 client_secret or client_secret_file must be configured");
            }
            if !sub("oauth2", "token_url") {
                errors.push("oauth2 token_url must be configured");
            }
        }
        for message in errors {
            self.problem(ProblemKind::InvalidReceiver, node.span, message);
        }
    }

    /// Checks a URL field; the message of a `secret` one (masked in every output) repeats
    /// none of it.
    fn check_url(&mut self, span: Span, text: &str, secret: bool) {
        // Templated webhook URLs are expanded per notification; only literal ones parse.
        if text.contains("{{") {
            return;
        }
        if let Some(message) = url_problem(text, secret) {
            self.problem(ProblemKind::InvalidValue, span, message);
        }
    }

    /// Masks, in a value no schema reads, the values of keys some level reads as secrets.
    fn mask_nested_secrets(&mut self, node: &Node) {
        let mut pending = vec![node];
        while let Some(node) = pending.pop() {
            if let Some(items) = node.as_sequence() {
                pending.extend(items);
            }
            for Entry { key, value } in node.as_mapping().unwrap_or_default() {
                if value.is_null() {
                    continue;
                }
                if key.as_str().is_some_and(schema::is_secret_key) {
                    self.config.secret_values.push(value.span);
                } else {
                    pending.push(value);
                }
            }
        }
    }

    /// Checks a duration field; the value is read by `duration_value`.
    fn duration(&mut self, node: &Node) {
        let Some(text) = node.as_str() else {
            self.wrong_type(node, "duration");
            return;
        };
        if Duration::parse(text).is_err() {
            self.problem(
                ProblemKind::InvalidValue,
                node.span,
                format!("not a valid duration string: {text:?}"),
            );
        }
    }

    fn strings(&mut self, node: Option<&Node>) -> Vec<Spanned<String>> {
        let Some(items) = node.and_then(Node::as_sequence) else {
            return Vec::new();
        };
        items
            .iter()
            .filter_map(|item| {
                scalar_text(item).map(|text| Spanned {
                    value: text.to_owned(),
                    span: item.span,
                })
            })
            .collect()
    }

    fn top(&mut self, root: &Node) {
        if root.is_null() {
            self.problem(
                ProblemKind::InvalidRoute,
                root.span,
                "no route provided in config",
            );
            return;
        }
        let top = self.fields(root, schema::TOP, "config", "");
        if root.as_mapping().is_none() {
            return;
        }
        let global = top
            .get("global")
            .map(|node| self.fields(node, schema::GLOBAL, "global", "global"))
            .unwrap_or_default();
        self.global_pairs(&global);
        self.config.templates = self.strings(top.get("templates"));
        for template in self.config.templates.clone() {
            if let Err(message) = glob_problem(&template.value) {
                self.problem(ProblemKind::InvalidValue, template.span, message);
            }
        }
        if let Some(node) = top.get("mute_time_intervals") {
            self.time_intervals(node, true);
        }
        if let Some(node) = top.get("time_intervals") {
            self.time_intervals(node, false);
        }
        if let Some(node) = top.get("receivers") {
            self.receivers(node, &global);
        }
        if let Some(node) = top.get("inhibit_rules") {
            self.inhibit_rules(node);
        }
        match top.get("route") {
            Some(node) if !node.is_null() => {
                let route = self.route(node, "route");
                self.root_route(&route, top.key_span("route").unwrap_or(node.span));
                self.references(&route);
                self.config.route = Some(route);
            }
            _ => self.problem(ProblemKind::InvalidRoute, root.span, "no routes provided"),
        }
    }

    /// Global pairs of an inline secret and its file, and Slack's URL/app-token choice.
    fn global_pairs(&mut self, global: &Fields) {
        let mut pairs: Vec<(&str, &str)> = vec![
            ("slack_api_url", "slack_api_url_file"),
            ("opsgenie_api_key", "opsgenie_api_key_file"),
            ("victorops_api_key", "victorops_api_key_file"),
            ("smtp_auth_password", "smtp_auth_password_file"),
        ];
        if self.version >= Version::new(0, 28) {
            pairs.push(("rocketchat_token", "rocketchat_token_file"));
            pairs.push(("rocketchat_token_id", "rocketchat_token_id_file"));
        }
        if self.version >= Version::new(0, 30) {
            pairs.insert(0, ("slack_app_token", "slack_app_token_file"));
        }
        if self.version >= Version::new(0, 31) {
            pairs.push(("telegram_bot_token", "telegram_bot_token_file"));
            pairs.push(("smtp_auth_secret", "smtp_auth_secret_file"));
            pairs.push(("wechat_api_secret", "wechat_api_secret_file"));
        }
        if self.version >= Version::new(0, 32) {
            pairs.push(("mattermost_webhook_url", "mattermost_webhook_url_file"));
        }
        for (inline, file) in pairs {
            if global.set(inline) && global.set(file) {
                let span = global.key_span(file).unwrap_or_default();
                self.problem(
                    ProblemKind::InvalidReceiver,
                    span,
                    format!("at most one of {inline} & {file} must be configured"),
                );
            }
        }
        if self.version >= Version::new(0, 30) {
            let token = global.set("slack_app_token") || global.set("slack_app_token_file");
            let url = global.set("slack_api_url") || global.set("slack_api_url_file");
            let app_url = global
                .text("slack_app_url")
                .unwrap_or(SLACK_APP_URL_DEFAULT);
            if token && url && global.text("slack_api_url") != Some(app_url) {
                let span = global
                    .key_span("slack_app_token")
                    .or(global.key_span("slack_app_token_file"))
                    .unwrap_or_default();
                self.problem(
                    ProblemKind::InvalidReceiver,
                    span,
                    "at most one of slack_app_token/slack_app_token_file & slack_api_url/slack_api_url_file must be configured",
                );
            }
        }
    }

    fn time_intervals(&mut self, node: &Node, legacy: bool) {
        let what = if legacy {
            "mute time interval"
        } else {
            "time interval"
        };
        let Some(items) = node.as_sequence() else {
            if !node.is_null() {
                self.wrong_type(node, "[]TimeInterval");
            }
            return;
        };
        for item in items {
            let fields = self.fields(item, schema::NAMED_TIME_INTERVAL, what, "");
            let name = fields.get("name").and_then(scalar_text).unwrap_or("");
            if name.is_empty() {
                self.problem(
                    ProblemKind::InvalidValue,
                    item.span,
                    format!("missing name in {what}"),
                );
            }
            let mut specs = Vec::new();
            if let Some(list) = fields.get("time_intervals").and_then(Node::as_sequence) {
                for spec in list {
                    specs.push(self.time_spec(spec));
                }
            }
            self.config.time_intervals.push(NamedTimeInterval {
                name: Spanned {
                    value: name.to_owned(),
                    span: fields.get("name").map_or(item.span, |n| n.span),
                },
                span: item.span,
                specs,
                legacy,
            });
        }
    }

    fn time_spec(&mut self, node: &Node) -> TimeSpec {
        let mut spec = TimeSpec {
            span: node.span,
            ..TimeSpec::default()
        };
        let Some(entries) = node.as_mapping() else {
            return spec;
        };
        for Entry { key, value } in entries {
            if key.as_str() == Some("location")
                && let Some(zone) = scalar_text(value)
                && !plausible_time_zone(zone)
            {
                let message = format!("unknown time zone {zone}");
                self.problem(ProblemKind::InvalidValue, value.span, message);
            }
            let Some(items) = value.as_sequence() else {
                continue;
            };
            for item in items {
                let parsed = match key.as_str().unwrap_or("") {
                    "times" => time_range(item).map(|r| spec.times.push(r)),
                    "weekdays" => scalar_text(item)
                        .ok_or_else(|| "weekday must be a string".to_owned())
                        .and_then(|t| named_range(t, &WEEKDAYS, 0, "weekday"))
                        .map(|r| spec.weekdays.push(r)),
                    "months" => scalar_text(item)
                        .ok_or_else(|| "month must be a string".to_owned())
                        .and_then(|t| named_range(t, &MONTHS, 1, "month"))
                        .map(|r| spec.months.push(r)),
                    "days_of_month" => scalar_text(item)
                        .ok_or_else(|| "day of month must be a string".to_owned())
                        .and_then(day_range)
                        .map(|r| spec.days_of_month.push(r)),
                    "years" => scalar_text(item)
                        .ok_or_else(|| "year must be a string".to_owned())
                        .and_then(year_range)
                        .map(|r| spec.years.push(r)),
                    _ => Ok(()),
                };
                if let Err(message) = parsed {
                    self.problem(ProblemKind::InvalidValue, item.span, message);
                }
            }
        }
        spec
    }

    fn receivers(&mut self, node: &Node, global: &Fields) {
        let Some(items) = node.as_sequence() else {
            if !node.is_null() {
                self.wrong_type(node, "[]Receiver");
            }
            return;
        };
        let mut seen: HashMap<String, Span> = HashMap::new();
        for (index, item) in items.iter().enumerate() {
            let path = format!("receivers[{index}]");
            let fields = self.fields(item, schema::RECEIVER, "receiver", &path);
            let name_node = fields.get("name");
            let name = name_node.and_then(scalar_text).unwrap_or("").to_owned();
            let name_span = name_node.map_or(item.span, |n| n.span);
            if name.is_empty() {
                self.problem(
                    ProblemKind::InvalidReceiver,
                    item.span,
                    "missing name in receiver",
                );
            } else if seen.contains_key(&name) {
                self.problem(
                    ProblemKind::InvalidReceiver,
                    name_span,
                    format!("notification config name {name:?} is not unique"),
                );
            } else {
                seen.insert(name.clone(), name_span);
            }
            let mut integrations = Vec::new();
            for (kind, integration_fields) in schema::INTEGRATIONS {
                let Some(list) = fields.get(kind) else {
                    continue;
                };
                let Some(entries) = list.as_sequence() else {
                    if !list.is_null() {
                        self.wrong_type(list, &format!("[]{kind}"));
                    }
                    continue;
                };
                for (position, entry) in entries.iter().enumerate() {
                    let entry_path = format!("{path}.{kind}[{position}]");
                    let read = self.fields(entry, integration_fields, kind, &entry_path);
                    self.integration(kind, entry, &read, global);
                    integrations.push(Integration {
                        kind,
                        span: entry.span,
                    });
                }
            }
            self.config.receivers.push(Receiver {
                name: Spanned {
                    value: name,
                    span: name_span,
                },
                span: item.span,
                integrations,
            });
        }
    }

    fn inhibit_rules(&mut self, node: &Node) {
        let Some(items) = node.as_sequence() else {
            if !node.is_null() {
                self.wrong_type(node, "[]InhibitRule");
            }
            return;
        };
        for item in items {
            let fields = self.fields(item, schema::INHIBIT_RULE, "inhibit rule", "");
            let mut source = Vec::new();
            let mut target = Vec::new();
            self.match_map(
                fields.get("source_match"),
                fields.key_span("source_match"),
                false,
                &mut source,
            );
            self.match_map(
                fields.get("source_match_re"),
                fields.key_span("source_match_re"),
                true,
                &mut source,
            );
            self.matcher_list(fields.get("source_matchers"), &mut source);
            self.match_map(
                fields.get("target_match"),
                fields.key_span("target_match"),
                false,
                &mut target,
            );
            self.match_map(
                fields.get("target_match_re"),
                fields.key_span("target_match_re"),
                true,
                &mut target,
            );
            self.matcher_list(fields.get("target_matchers"), &mut target);
            let equal = self.strings(fields.get("equal"));
            for label in &equal {
                if !self.valid_label_name(&label.value) {
                    self.problem(
                        ProblemKind::InvalidValue,
                        label.span,
                        format!("invalid label name {:?} in equal list", label.value),
                    );
                }
            }
            self.config.inhibit_rules.push(InhibitRule {
                span: item.span,
                source,
                target,
                equal,
                equal_key: fields.key_span("equal"),
            });
        }
    }

    fn valid_label_name(&self, name: &str) -> bool {
        if self.version >= matcher::UTF8_PARSER_SINCE {
            !name.is_empty()
        } else {
            is_legacy_label_name(name)
        }
    }

    /// `match:` / `match_re:` maps (and the inhibit rule's `source_`/`target_` ones).
    fn match_map(
        &mut self,
        node: Option<&Node>,
        key_span: Option<Span>,
        regex: bool,
        out: &mut Vec<SpannedMatcher>,
    ) {
        let Some(node) = node else { return };
        if let Some(span) = key_span {
            self.config.deprecated_match_keys.push(Spanned {
                value: if regex { "match_re" } else { "match" }.to_owned(),
                span,
            });
        }
        if node.is_null() {
            return;
        }
        let Some(entries) = node.as_mapping() else {
            self.wrong_type(node, "map[string]string");
            return;
        };
        let mut seen: Vec<&str> = Vec::new();
        for Entry { key, value } in entries {
            let name = key.as_str().unwrap_or("");
            if seen.contains(&name) {
                self.problem(
                    ProblemKind::DuplicateKey,
                    key.span,
                    format!("yaml: unmarshal errors: key {name:?} already set in map"),
                );
                continue;
            }
            seen.push(name);
            if !is_legacy_label_name(name) {
                self.problem(
                    ProblemKind::InvalidMatcher,
                    key.span,
                    format!("invalid label name {name:?}"),
                );
                continue;
            }
            let span = key.span.to(value.span);
            if value.as_scalar().is_none() {
                self.wrong_type(value, "string");
                continue;
            }
            if regex && value.is_null() {
                self.problem(
                    ProblemKind::InvalidMatcher,
                    key.span,
                    format!("invalid regexp value for {name:?}"),
                );
                continue;
            }
            let text = scalar_text(value).unwrap_or("");
            let built = if regex {
                // Alertmanager anchors the pattern once when reading it, and the route
                // anchors the anchored text again.
                Matcher::new(name, MatchOp::Regex, text)
                    .and_then(|_| Matcher::new(name, MatchOp::Regex, &format!("^(?:{text})$")))
            } else {
                Matcher::new(name, MatchOp::Equal, text)
            };
            match built {
                Ok(matcher) => out.push(SpannedMatcher {
                    matcher,
                    span,
                    syntax: if regex {
                        MatcherSyntax::MatchRe
                    } else {
                        MatcherSyntax::Match
                    },
                }),
                Err(message) => self.problem(ProblemKind::InvalidMatcher, value.span, message),
            }
        }
    }

    /// `matchers:` strings.
    fn matcher_list(&mut self, node: Option<&Node>, out: &mut Vec<SpannedMatcher>) {
        let Some(node) = node else { return };
        if node.is_null() {
            return;
        }
        let Some(items) = node.as_sequence() else {
            self.wrong_type(node, "[]string");
            return;
        };
        for item in items {
            let Some(text) = item.as_str().filter(|_| !item.is_null()) else {
                if item.is_null() {
                    // yaml.v2 reads null as "", which parses to no matcher.
                    continue;
                }
                self.wrong_type(item, "string");
                continue;
            };
            let parsed = matcher::parse_matchers(text, self.version);
            if let Some(warning) = parsed.fallback_warning {
                self.problem(ProblemKind::MatcherFallback, item.span, warning);
            }
            match parsed.result {
                Ok(matchers) => out.extend(matchers.into_iter().map(|matcher| SpannedMatcher {
                    matcher,
                    span: item.span,
                    syntax: MatcherSyntax::Matchers,
                })),
                Err(message) => self.problem(ProblemKind::InvalidMatcher, item.span, message),
            }
        }
    }

    fn route(&mut self, node: &Node, path: &str) -> Route {
        let fields = self.fields(node, schema::ROUTE, "route", path);
        let mut matchers = Vec::new();
        self.match_map(
            fields.get("match"),
            fields.key_span("match"),
            false,
            &mut matchers,
        );
        self.match_map(
            fields.get("match_re"),
            fields.key_span("match_re"),
            true,
            &mut matchers,
        );
        self.matcher_list(fields.get("matchers"), &mut matchers);
        matchers.sort_by(|a, b| a.matcher.sort_key().cmp(&b.matcher.sort_key()));
        let group_by = fields
            .get("group_by")
            .filter(|n| !n.is_null())
            .map(|n| Spanned {
                value: self.strings(Some(n)),
                span: n.span,
            });
        if let Some(group_by) = &group_by {
            self.group_by(group_by);
        }
        let group_wait = fields.get("group_wait").and_then(duration_value);
        let group_interval = fields.get("group_interval").and_then(duration_value);
        let repeat_interval = fields.get("repeat_interval").and_then(duration_value);
        for (value, what) in [
            (&group_interval, "group_interval"),
            (&repeat_interval, "repeat_interval"),
        ] {
            if let Some(value) = value.as_ref().filter(|d| d.value.millis() == 0) {
                self.problem(
                    ProblemKind::InvalidRoute,
                    value.span,
                    format!("{what} cannot be zero"),
                );
            }
        }
        let mut routes = Vec::new();
        if let Some(children) = fields.get("routes") {
            match children.as_sequence() {
                Some(items) => {
                    for (index, child) in items.iter().enumerate() {
                        routes.push(self.route(child, &format!("{path}.routes[{index}]")));
                    }
                }
                None if children.is_null() => {}
                None => self.wrong_type(children, "[]*config.Route"),
            }
        }
        Route {
            span: node.span,
            receiver: fields
                .get("receiver")
                .and_then(scalar_text)
                .filter(|t| !t.is_empty())
                .map(|text| Spanned {
                    value: text.to_owned(),
                    span: fields.get("receiver").map_or(node.span, |n| n.span),
                }),
            group_by,
            matchers,
            continue_span: fields.key_span("continue"),
            continue_matching: fields.is_true("continue"),
            group_wait,
            group_interval,
            repeat_interval,
            mute_time_intervals: self.strings(fields.get("mute_time_intervals")),
            active_time_intervals: self.strings(fields.get("active_time_intervals")),
            routes,
        }
    }

    fn group_by(&mut self, group_by: &Spanned<Vec<Spanned<String>>>) {
        let mut seen: Vec<&str> = Vec::new();
        let mut all = false;
        for label in &group_by.value {
            if label.value == "..." {
                all = true;
            } else if !self.valid_label_name(&label.value) {
                self.problem(
                    ProblemKind::InvalidRoute,
                    label.span,
                    format!("invalid label name {:?} in group_by list", label.value),
                );
            }
            if seen.contains(&label.value.as_str()) {
                self.problem(
                    ProblemKind::InvalidRoute,
                    label.span,
                    format!("duplicated label {:?} in group_by", label.value),
                );
            }
            seen.push(&label.value);
        }
        if all && group_by.value.len() > 1 {
            self.problem(
                ProblemKind::InvalidRoute,
                group_by.span,
                "cannot have wildcard group_by (`...`) and other other labels at the same time",
            );
        }
    }

    fn root_route(&mut self, route: &Route, key_span: Span) {
        if route.receiver.is_none() {
            self.problem(
                ProblemKind::InvalidRoute,
                key_span,
                "root route must specify a default receiver",
            );
        }
        if let Some(first) = route.matchers.first() {
            self.problem(
                ProblemKind::InvalidRoute,
                first.span,
                "root route must not have any matchers",
            );
        }
        if let Some(first) = route.mute_time_intervals.first() {
            self.problem(
                ProblemKind::InvalidRoute,
                first.span,
                "root route must not have any mute time intervals",
            );
        }
        if let Some(first) = route.active_time_intervals.first() {
            self.problem(
                ProblemKind::InvalidRoute,
                first.span,
                "root route must not have any active time intervals",
            );
        }
        if route.continue_matching {
            self.problem(
                ProblemKind::InvalidRoute,
                route.continue_span.unwrap_or(key_span),
                "cannot have continue in root route",
            );
        }
    }

    /// Receivers and time intervals that routes name must exist; names must be unique.
    fn references(&mut self, root: &Route) {
        let mut interval_names: Vec<&str> = Vec::new();
        let mut problems = Vec::new();
        for interval in &self.config.time_intervals {
            if interval_names.contains(&interval.name.value.as_str()) {
                let what = if interval.legacy {
                    "mute time interval"
                } else {
                    "time interval"
                };
                problems.push((
                    interval.name.span,
                    format!("{what} {:?} is not unique", interval.name.value),
                ));
            }
            interval_names.push(&interval.name.value);
        }
        let receivers: Vec<&str> = self
            .config
            .receivers
            .iter()
            .map(|r| r.name.value.as_str())
            .collect();
        root.walk(&mut |route, _| {
            if let Some(receiver) = &route.receiver
                && !receivers.contains(&receiver.value.as_str())
            {
                problems.push((
                    receiver.span,
                    format!("undefined receiver {:?} used in route", receiver.value),
                ));
            }
            for name in route
                .active_time_intervals
                .iter()
                .chain(&route.mute_time_intervals)
            {
                if !interval_names.contains(&name.value.as_str()) {
                    problems.push((
                        name.span,
                        format!("undefined time interval {:?} used in route", name.value),
                    ));
                }
            }
        });
        for (span, message) in problems {
            let kind = ProblemKind::InvalidRoute;
            self.problem(kind, span, message);
        }
    }

    /// One integration's own validation and the globals it needs.
    fn integration(&mut self, kind: &str, node: &Node, c: &Fields, global: &Fields) {
        let v = self.version;
        let at = |since: u16| v >= Version::new(0, since);
        let span = node.span;
        let mut errors: Vec<String> = Vec::new();
        let both = |errors: &mut Vec<String>, a: &str, b: &str| {
            if c.set(a) && c.set(b) {
                errors.push(format!("at most one of {a} & {b} must be configured"));
            }
        };
        match kind {
            "email_configs" => {
                if !c.set("to") {
                    errors.push("missing to address in email config".to_owned());
                }
                if let Some(headers) = c.get("headers").and_then(Node::as_mapping) {
                    let mut seen: Vec<String> = Vec::new();
                    for entry in headers {
                        let canonical = canonical_mime_header(entry.key.as_str().unwrap_or(""));
                        if seen.contains(&canonical) {
                            errors.push(format!("duplicate header {canonical:?} in email config"));
                        }
                        seen.push(canonical);
                    }
                }
                if !c.set("smarthost") && !global.set("smtp_smarthost") {
                    errors.push("no global SMTP smarthost set".to_owned());
                }
                if !c.set("from") && !global.set("smtp_from") {
                    errors.push("no global SMTP from set".to_owned());
                }
                both(&mut errors, "auth_password", "auth_password_file");
            }
            "pagerduty_configs" => {
                if ![
                    "routing_key",
                    "service_key",
                    "routing_key_file",
                    "service_key_file",
                ]
                .iter()
                .any(|k| c.set(k))
                {
                    errors.push("missing service or routing key in PagerDuty config".to_owned());
                }
                both(&mut errors, "routing_key", "routing_key_file");
                both(&mut errors, "service_key", "service_key_file");
            }
            "slack_configs" => {
                for list in ["actions"] {
                    if let Some(actions) = c.get(list).and_then(Node::as_sequence) {
                        for action in actions {
                            let has = |k: &str| {
                                action
                                    .get(k)
                                    .and_then(scalar_text)
                                    .is_some_and(|t| !t.is_empty())
                            };
                            if !has("type") {
                                errors
                                    .push("missing type in Slack action configuration".to_owned());
                            }
                            if !has("text") {
                                errors
                                    .push("missing text in Slack action configuration".to_owned());
                            }
                            if !has("url") && !has("name") {
                                errors.push(
                                    "missing name or url in Slack action configuration".to_owned(),
                                );
                            }
                        }
                    }
                }
                if let Some(fields) = c.get("fields").and_then(Node::as_sequence) {
                    for field in fields {
                        let has = |k: &str| {
                            field
                                .get(k)
                                .and_then(scalar_text)
                                .is_some_and(|t| !t.is_empty())
                        };
                        if !has("title") {
                            errors.push("missing title in Slack field configuration".to_owned());
                        }
                        if !has("value") {
                            errors.push("missing value in Slack field configuration".to_owned());
                        }
                    }
                }
                both(&mut errors, "api_url", "api_url_file");
                if at(30) {
                    both(&mut errors, "app_token", "app_token_file");
                    let local_url = c.set("api_url") || c.set("api_url_file");
                    let local_token = c.set("app_token") || c.set("app_token_file");
                    if local_url && local_token {
                        errors.push("at most one of api_url/api_url_file & app_token/app_token_file must be configured".to_owned());
                    }
                    if at(32)
                        && c.is_true("update_message")
                        && c.set("api_url")
                        && c.text("api_url") != Some(SLACK_APP_URL_DEFAULT)
                    {
                        errors.push("update_message can only be used with bot tokens. api_url must be set to https://slack.com/api/chat.postMessage".to_owned());
                    }
                    let authorization = c
                        .get("http_config")
                        .and_then(|h| h.get("authorization"))
                        .is_some_and(|a| !a.is_null());
                    let mut token = local_token;
                    if !local_token && !authorization && !c.set("api_url") {
                        token = global.set("slack_app_token") || global.set("slack_app_token_file");
                    }
                    let url = local_url
                        || global.set("slack_api_url")
                        || global.set("slack_api_url_file");
                    if !url && !token {
                        errors.push(
                            "no Slack API URL nor App token set either inline or in a file"
                                .to_owned(),
                        );
                    } else if token && authorization {
                        errors.push(
                            "http authorization can't be set when using Slack App tokens"
                                .to_owned(),
                        );
                    }
                } else if !c.set("api_url")
                    && !c.set("api_url_file")
                    && !global.set("slack_api_url")
                    && !global.set("slack_api_url_file")
                {
                    errors
                        .push("no global Slack API URL set either inline or in a file".to_owned());
                }
            }
            "webhook_configs" => {
                if at(26) {
                    if !c.set("url") && !c.set("url_file") {
                        errors.push("one of url or url_file must be configured".to_owned());
                    }
                    both(&mut errors, "url", "url_file");
                } else if !c.set("url") {
                    errors.push("missing URL in webhook config".to_owned());
                }
            }
            "opsgenie_configs" => {
                both(&mut errors, "api_key", "api_key_file");
                if let Some(responders) = c.get("responders").and_then(Node::as_sequence) {
                    for responder in responders {
                        let has = |k: &str| {
                            responder
                                .get(k)
                                .and_then(scalar_text)
                                .is_some_and(|t| !t.is_empty())
                        };
                        if !has("id") && !has("username") && !has("name") {
                            errors.push("opsGenieConfig responder has to have at least one of id, username or name specified".to_owned());
                        }
                        if let Some(kind) = responder.get("type").and_then(scalar_text)
                            && !kind.contains("{{")
                            && !["team", "teams", "user", "escalation", "schedule"]
                                .contains(&kind.to_ascii_lowercase().as_str())
                        {
                            errors.push(format!("opsGenieConfig responder type {kind:?} does not match valid options team|teams|user|escalation|schedule"));
                        }
                    }
                }
                let key = c.set("api_key")
                    || c.set("api_key_file")
                    || global.set("opsgenie_api_key")
                    || global.set("opsgenie_api_key_file");
                if !key {
                    errors.push(
                        "no global OpsGenie API Key set either inline or in a file".to_owned(),
                    );
                }
            }
            "wechat_configs" => {
                if let Some(kind) = c.text("message_type")
                    && !kind.is_empty()
                    && kind != "text"
                    && kind != "markdown"
                {
                    errors.push(format!(
                        "weChat message type {kind:?} does not match valid options text|markdown"
                    ));
                }
                if at(31) {
                    both(&mut errors, "api_secret", "api_secret_file");
                }
                let secret = c.set("api_secret")
                    || c.set("api_secret_file")
                    || global.set("wechat_api_secret")
                    || global.set("wechat_api_secret_file");
                if !secret {
                    errors.push(if at(31) {
                        "no global Wechat Api Secret set either inline or in a file".to_owned()
                    } else {
                        "no global Wechat ApiSecret set".to_owned()
                    });
                }
                if !c.set("corp_id") && !global.set("wechat_api_corp_id") {
                    errors.push("no global Wechat CorpID set".to_owned());
                }
            }
            "victorops_configs" => {
                if !c.set("routing_key") {
                    errors.push("missing Routing key in VictorOps config".to_owned());
                }
                both(&mut errors, "api_key", "api_key_file");
                if let Some(custom) = c.get("custom_fields").and_then(Node::as_mapping) {
                    for entry in custom {
                        let name = entry.key.as_str().unwrap_or("");
                        if [
                            "routing_key",
                            "message_type",
                            "state_message",
                            "entity_display_name",
                            "monitoring_tool",
                            "entity_id",
                            "entity_state",
                        ]
                        .contains(&name)
                        {
                            errors.push(format!("victorOps config contains custom field {name} which cannot be used as it conflicts with the fixed/static fields"));
                        }
                    }
                }
                if !c.set("api_key")
                    && !c.set("api_key_file")
                    && !global.set("victorops_api_key")
                    && !global.set("victorops_api_key_file")
                {
                    errors.push("no global VictorOps API Key set".to_owned());
                }
            }
            "pushover_configs" => {
                if at(26) {
                    if !c.set("user_key") && !c.set("user_key_file") {
                        errors
                            .push("one of user_key or user_key_file must be configured".to_owned());
                    }
                    both(&mut errors, "user_key", "user_key_file");
                    if !c.set("token") && !c.set("token_file") {
                        errors.push("one of token or token_file must be configured".to_owned());
                    }
                    both(&mut errors, "token", "token_file");
                } else {
                    if !c.set("user_key") {
                        errors.push("missing user key in Pushover config".to_owned());
                    }
                    if !c.set("token") {
                        errors.push("missing token in Pushover config".to_owned());
                    }
                }
                if at(29) && c.is_true("html") && c.is_true("monospace") {
                    errors.push("at most one of monospace & html must be configured".to_owned());
                }
            }
            "sns_configs" => {
                let target = !c.set("target_arn");
                let topic = !c.set("topic_arn");
                let phone = !c.set("phone_number");
                // Go's `(a != b) != c` over "is empty", quirks included.
                if (target != topic) != phone {
                    errors.push("must provide either a Target ARN, Topic ARN, or Phone Number for SNS config".to_owned());
                }
            }
            "telegram_configs" => {
                if at(26) {
                    both(&mut errors, "bot_token", "bot_token_file");
                    let global_token = at(31)
                        && (global.set("telegram_bot_token")
                            || global.set("telegram_bot_token_file"));
                    if !c.set("bot_token") && !c.set("bot_token_file") && !global_token {
                        errors.push(
                            "missing bot_token or bot_token_file on telegram_config".to_owned(),
                        );
                    }
                } else if !c.set("bot_token") {
                    errors.push("missing bot_token on telegram_config".to_owned());
                }
                let chat_id = c.text("chat_id").is_some_and(|t| {
                    !t.trim_start_matches(['-', '+'])
                        .trim_start_matches('0')
                        .is_empty()
                });
                if at(31) {
                    if !chat_id && !c.set("chat_id_file") {
                        errors
                            .push("missing chat_id or chat_id_file on telegram_config".to_owned());
                    }
                    if chat_id && c.set("chat_id_file") {
                        errors.push(
                            "at most one of chat_id & chat_id_file must be configured".to_owned(),
                        );
                    }
                } else if !chat_id {
                    errors.push("missing chat_id on telegram_config".to_owned());
                }
                if let Some(mode) = c.text("parse_mode")
                    && !["", "Markdown", "MarkdownV2", "HTML"].contains(&mode)
                {
                    errors.push("unknown parse_mode on telegram_config, must be Markdown, MarkdownV2, HTML or empty string".to_owned());
                }
            }
            "discord_configs" => {
                if at(27) {
                    if !c.set("webhook_url") && !c.set("webhook_url_file") {
                        errors.push(
                            "one of webhook_url or webhook_url_file must be configured".to_owned(),
                        );
                    }
                    both(&mut errors, "webhook_url", "webhook_url_file");
                } else if !c.set("webhook_url") {
                    errors.push("no discord webhook URL provided".to_owned());
                }
            }
            "webex_configs" => {
                if !c.set("room_id") {
                    errors.push("missing room_id on webex_config".to_owned());
                }
                let authorization = c
                    .get("http_config")
                    .and_then(|h| h.get("authorization"))
                    .is_some_and(|a| !a.is_null());
                if !authorization {
                    errors.push("missing webex_configs.http_config.authorization".to_owned());
                }
            }
            "msteams_configs" | "msteamsv2_configs" => {
                if at(27) || kind == "msteamsv2_configs" {
                    if !c.set("webhook_url") && !c.set("webhook_url_file") {
                        errors.push(
                            "one of webhook_url or webhook_url_file must be configured".to_owned(),
                        );
                    }
                    both(&mut errors, "webhook_url", "webhook_url_file");
                } else if !c.set("webhook_url") {
                    errors.push("no msteams webhook URL provided".to_owned());
                }
            }
            "jira_configs" => {
                if !c.set("project") {
                    errors.push("missing project in jira_config".to_owned());
                }
                if !c.set("issue_type") {
                    errors.push("missing issue_type in jira_config".to_owned());
                }
                if at(29)
                    && let Some(api_type) = c.text("api_type")
                    && !["", "auto", "cloud", "datacenter"].contains(&api_type)
                {
                    errors.push(
                        "unknown api_type on jira_config, must be auto, cloud or datacenter"
                            .to_owned(),
                    );
                }
                if !c.set("api_url") && !global.set("jira_api_url") {
                    errors.push("no global Jira Cloud URL set".to_owned());
                }
            }
            "rocketchat_configs" => {
                both(&mut errors, "token", "token_file");
                both(&mut errors, "token_id", "token_id_file");
                if !c.set("token_id")
                    && !c.set("token_id_file")
                    && !global.set("rocketchat_token_id")
                    && !global.set("rocketchat_token_id_file")
                {
                    errors.push(
                        "no global Rocketchat TokenID set either inline or in a file".to_owned(),
                    );
                }
                if !c.set("token")
                    && !c.set("token_file")
                    && !global.set("rocketchat_token")
                    && !global.set("rocketchat_token_file")
                {
                    errors.push(
                        "no global Rocketchat Token set either inline or in a file".to_owned(),
                    );
                }
            }
            "incidentio_configs" => {
                if !c.set("url") && !c.set("url_file") {
                    errors.push("one of url or url_file must be configured".to_owned());
                }
                both(&mut errors, "url", "url_file");
                both(&mut errors, "alert_source_token", "alert_source_token_file");
            }
            "mattermost_configs" => {
                both(&mut errors, "webhook_url", "webhook_url_file");
                let global_url = at(32)
                    && (global.set("mattermost_webhook_url")
                        || global.set("mattermost_webhook_url_file"));
                if !c.set("webhook_url") && !c.set("webhook_url_file") && !global_url {
                    errors.push(
                        "missing webhook_url or webhook_url_file on mattermost_config".to_owned(),
                    );
                }
            }
            _ => {}
        }
        for message in errors {
            self.problem(ProblemKind::InvalidReceiver, span, message);
        }
    }
}

const SLACK_APP_URL_DEFAULT: &str = "https://slack.com/api/chat.postMessage";

/// Go's `textproto.CanonicalMIMEHeaderKey` for the usual ASCII header names.
fn canonical_mime_header(name: &str) -> String {
    let mut upper = true;
    name.chars()
        .map(|c| {
            let out = if upper {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            };
            upper = c == '-';
            out
        })
        .collect()
}

/// Go's `filepath.Glob` refuses only malformed patterns (an unclosed `[`).
fn glob_problem(pattern: &str) -> Result<(), String> {
    let mut in_class = false;
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '[' if !in_class => in_class = true,
            ']' if in_class => in_class = false,
            _ => {}
        }
    }
    if in_class {
        Err("syntax error in pattern".to_owned())
    } else {
        Ok(())
    }
}

/// Whether a time zone name can exist: UTC, Local, or an IANA `Area/Location` name in one
/// of the database's areas. (Which cities exist is not checked: that needs the database.)
fn plausible_time_zone(zone: &str) -> bool {
    const AREAS: [&str; 11] = [
        "Africa",
        "America",
        "Antarctica",
        "Arctic",
        "Asia",
        "Atlantic",
        "Australia",
        "Europe",
        "Indian",
        "Pacific",
        "Etc",
    ];
    matches!(zone, "" | "UTC" | "Local" | "GMT")
        || zone.split_once('/').is_some_and(|(area, place)| {
            AREAS.contains(&area)
                && !place.is_empty()
                && place
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+' | '/'))
        })
}

const WEEKDAYS: [&str; 7] = [
    "sunday",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
];
const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

fn split_range(text: &str) -> (&str, Option<&str>) {
    match text.split_once(':') {
        Some((a, b)) => (a, Some(b)),
        None => (text, None),
    }
}

/// `monday`, `monday:friday`, and for months also numbers (`1:3`).
fn named_range(text: &str, names: &[&str], first: u32, what: &str) -> Result<(u32, u32), String> {
    let value = |part: &str| -> Result<u32, String> {
        let lower = part.trim().to_ascii_lowercase();
        if let Some(index) = names.iter().position(|n| *n == lower) {
            return Ok(index as u32 + first);
        }
        if what == "month"
            && let Ok(number) = lower.parse::<u32>()
            && (1..=12).contains(&number)
        {
            return Ok(number);
        }
        Err(format!("{lower} is not a valid {what}"))
    };
    let (a, b) = split_range(text);
    let start = value(a)?;
    let end = match b {
        Some(b) => value(b)?,
        None => start,
    };
    if start > end {
        return Err(if what == "weekday" {
            "start day cannot be before end day".to_owned()
        } else {
            format!("end month {} is before start month {}", end, start)
        });
    }
    Ok((start, end))
}

fn day_range(text: &str) -> Result<(i32, i32), String> {
    let value = |part: &str| -> Result<i32, String> {
        let day: i32 = part
            .trim()
            .parse()
            .map_err(|_| format!("{part:?} is not a valid day of month"))?;
        if day == 0 || !(-31..=31).contains(&day) {
            return Err(format!(
                "{day} is not a valid day of month: must be 1..31 or -31..-1"
            ));
        }
        Ok(day)
    };
    let (a, b) = split_range(text);
    let start = value(a)?;
    let end = match b {
        Some(b) => value(b)?,
        None => start,
    };
    if start.signum() == end.signum() && start > end {
        return Err(format!("end day {end} is always before start day {start}"));
    }
    if start < 0 && end > 0 {
        return Err("end day must be negative if start day is negative".to_owned());
    }
    Ok((start, end))
}

fn year_range(text: &str) -> Result<(i32, i32), String> {
    let value = |part: &str| -> Result<i32, String> {
        let year: i32 = part
            .trim()
            .parse()
            .map_err(|_| format!("{part:?} is not a valid year"))?;
        if year < 0 {
            return Err("year cannot be less than 0".to_owned());
        }
        Ok(year)
    };
    let (a, b) = split_range(text);
    let start = value(a)?;
    let end = match b {
        Some(b) => value(b)?,
        None => start,
    };
    if start > end {
        return Err(format!("end year {end} is before start year {start}"));
    }
    Ok((start, end))
}

/// `start_time` / `end_time` in HH:MM, 00:00 to 24:00, start before end.
fn time_range(node: &Node) -> Result<(u32, u32), String> {
    let minute = |key: &str| -> Result<u32, String> {
        let text = node
            .get(key)
            .and_then(scalar_text)
            .ok_or_else(|| format!("{key} is required"))?;
        let (hours, minutes) = text
            .split_once(':')
            .ok_or_else(|| format!("couldn't parse timestamp {text}, invalid format"))?;
        let (hours, minutes): (u32, u32) = match (hours.parse(), minutes.parse()) {
            (Ok(h), Ok(m)) if hours.len() <= 2 && minutes.len() == 2 => (h, m),
            _ => return Err(format!("couldn't parse timestamp {text}, invalid format")),
        };
        if minutes > 59 || hours > 24 || (hours == 24 && minutes > 0) {
            return Err(format!("timestamp {text} out of range"));
        }
        Ok(hours * 60 + minutes)
    };
    let start = minute("start_time")?;
    let end = minute("end_time")?;
    if start >= end {
        return Err("start time cannot be equal or greater than end time".to_owned());
    }
    Ok((start, end))
}

/// The closest known key, for "did you mean".
fn closest<'a>(name: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (edit_distance(name, c), *c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = if ca == *cb {
                previous
            } else {
                1 + previous.min(row[j]).min(row[j + 1])
            };
            previous = current;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::url_carries_credential;

    #[test]
    fn webhook_urls_with_a_credential() {
        for url in [
            "https://hooks.slack.com/services/T0000/B0000/abc",
            "https://discord.com/api/webhooks/123/abc",
            "https://acme.webhook.office.com/webhookb2/abc",
            "https://user:pass@alerts.example.org/hook",
            "https://alerts.example.org/hook?token=abc",
            "https://alerts.example.org/hook?api_key=abc",
            "https://prod-01.westeurope.logic.azure.com/workflows/x/triggers?sig=abc",
            "https://alerts.example.org/hook/3f2a9c1e-8b4d-4f6a-9e2b-1c3d5e7f9a0b",
            "https://alerts.example.org/hook/aB3dE5gH7jK9mN1pQ3",
            "not a url",
        ] {
            assert!(url_carries_credential(url), "{url}");
        }
    }

    #[test]
    fn webhook_urls_without_a_credential() {
        for url in [
            "http://alertmanager-bot:8080/",
            "http://127.0.0.1:9087/alert",
            "http://localhost:5001/",
            "http://svc.monitoring.svc:9093/api/v2/alerts",
            "http://prometheus-msteams.monitoring.svc.cluster.local:2000/alertmanager",
            "https://alerts.example.org/hooks/prometheus-alerts-2024?channel=ops",
        ] {
            assert!(!url_carries_credential(url), "{url}");
        }
    }
}
