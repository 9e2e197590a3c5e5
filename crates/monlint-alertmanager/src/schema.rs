//! The keys Alertmanager accepts at each level of its configuration, with the release
//! that introduced each (from the struct tags of each release, 0.20 to 0.34) and the
//! type of its value. The loader reads every mapping strictly against these tables.

use monlint_core::Version;

/// What a key's value must be.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Kind {
    /// Any scalar, read as text.
    Str,
    /// A secret given inline: reported as plaintext when set.
    Secret,
    Bool,
    Int,
    /// An unsigned integer (Go `uint64`): a sign is refused.
    Uint,
    /// Prometheus' duration syntax (`5m`, `1h30m`).
    Duration,
    /// Go's `time.Duration` syntax (`1.5s`, `300ms`).
    GoDuration,
    /// An http(s) URL with a host.
    Url,
    /// An http(s) URL that is also a secret (webhook URLs carry tokens).
    SecretUrl,
    /// Anything, all of it secret (`proxy_connect_header`: header names to secret values).
    SecretData,
    /// A list of scalars.
    Strings,
    /// A mapping of scalars.
    StrMap,
    /// Read by the loader itself (routes, matchers, receivers' integration lists).
    Any,
    /// Free-form data no one reads against a schema (payloads, details, custom headers,
    /// event outputs): only the values of secret keys in it are masked.
    FreeForm,
    Struct(&'static [Field]),
    List(&'static [Field]),
}

#[derive(Debug)]
pub(crate) struct Field {
    pub name: &'static str,
    pub since: Version,
    pub kind: Kind,
}

const fn f(name: &'static str, minor: u16, kind: Kind) -> Field {
    Field {
        name,
        since: Version::new(0, minor),
        kind,
    }
}

use Kind::*;

pub(crate) static TLS_CONFIG: &[Field] = &[
    f("ca", 20, Str),
    f("ca_file", 20, Str),
    f("ca_ref", 20, Str),
    f("cert", 20, Str),
    f("cert_file", 20, Str),
    f("cert_ref", 20, Str),
    f("key", 20, Secret),
    f("key_file", 20, Str),
    f("key_ref", 20, Str),
    f("server_name", 20, Str),
    f("insecure_skip_verify", 20, Bool),
    f("min_version", 20, Str),
    f("max_version", 20, Str),
];

static BASIC_AUTH: &[Field] = &[
    f("username", 20, Str),
    f("username_file", 20, Str),
    f("username_ref", 20, Str),
    f("password", 20, Secret),
    f("password_file", 20, Str),
    f("password_ref", 20, Str),
];

static AUTHORIZATION: &[Field] = &[
    f("type", 20, Str),
    f("credentials", 20, Secret),
    f("credentials_file", 20, Str),
    f("credentials_ref", 20, Str),
];

static OAUTH2: &[Field] = &[
    f("client_id", 20, Str),
    f("client_secret", 20, Secret),
    f("client_secret_file", 20, Str),
    f("client_secret_ref", 20, Str),
    f("scopes", 20, Strings),
    f("token_url", 20, Str),
    f("endpoint_params", 20, StrMap),
    f("tls_config", 20, Struct(TLS_CONFIG)),
    f("proxy_url", 20, Str),
    f("no_proxy", 20, Str),
    f("proxy_from_environment", 20, Bool),
    f("proxy_connect_header", 20, SecretData),
];

/// prometheus/common's HTTP client settings, shared by every integration.
pub(crate) static HTTP_CONFIG: &[Field] = &[
    f("basic_auth", 20, Struct(BASIC_AUTH)),
    f("authorization", 20, Struct(AUTHORIZATION)),
    f("oauth2", 20, Struct(OAUTH2)),
    f("bearer_token", 20, Secret),
    f("bearer_token_file", 20, Str),
    f("proxy_url", 20, Str),
    // prometheus/common's proxy settings reached Alertmanager in 0.26, custom headers in 0.28.
    f("no_proxy", 26, Str),
    f("proxy_from_environment", 26, Bool),
    f("proxy_connect_header", 26, SecretData),
    f("tls_config", 20, Struct(TLS_CONFIG)),
    f("follow_redirects", 20, Bool),
    f("enable_http2", 20, Bool),
    f("http_headers", 28, FreeForm),
];

pub(crate) static GLOBAL: &[Field] = &[
    f("resolve_timeout", 20, Duration),
    f("http_config", 20, Struct(HTTP_CONFIG)),
    f("jira_api_url", 28, Url),
    f("smtp_from", 20, Str),
    f("smtp_hello", 20, Str),
    f("smtp_smarthost", 20, Str),
    f("smtp_auth_username", 20, Str),
    f("smtp_auth_password", 20, Secret),
    f("smtp_auth_password_file", 25, Str),
    f("smtp_auth_secret", 20, Secret),
    f("smtp_auth_secret_file", 31, Str),
    f("smtp_auth_identity", 20, Str),
    f("smtp_require_tls", 20, Bool),
    f("smtp_tls_config", 28, Struct(TLS_CONFIG)),
    f("smtp_force_implicit_tls", 31, Bool),
    f("slack_api_url", 20, SecretUrl),
    f("slack_api_url_file", 22, Str),
    f("slack_app_token", 30, Secret),
    f("slack_app_token_file", 30, Str),
    f("slack_app_url", 30, Url),
    f("pagerduty_url", 20, Url),
    f("opsgenie_api_url", 20, Url),
    f("opsgenie_api_key", 20, Secret),
    f("opsgenie_api_key_file", 24, Str),
    f("wechat_api_url", 20, Url),
    f("wechat_api_secret", 20, Secret),
    f("wechat_api_secret_file", 31, Str),
    f("wechat_api_corp_id", 20, Str),
    f("victorops_api_url", 20, Url),
    f("victorops_api_key", 20, Secret),
    f("victorops_api_key_file", 25, Str),
    f("telegram_api_url", 24, Url),
    f("telegram_bot_token", 31, Secret),
    f("telegram_bot_token_file", 31, Str),
    f("webex_api_url", 25, Url),
    f("rocketchat_api_url", 28, Url),
    f("rocketchat_token", 28, Secret),
    f("rocketchat_token_file", 28, Str),
    f("rocketchat_token_id", 28, Secret),
    f("rocketchat_token_id_file", 28, Str),
    f("mattermost_webhook_url", 32, SecretUrl),
    f("mattermost_webhook_url_file", 32, Str),
];

static TIME_RANGE: &[Field] = &[f("start_time", 22, Str), f("end_time", 22, Str)];

pub(crate) static TIME_SPEC: &[Field] = &[
    f("times", 22, List(TIME_RANGE)),
    f("weekdays", 22, Strings),
    f("days_of_month", 22, Strings),
    f("months", 22, Strings),
    f("years", 22, Strings),
    f("location", 25, Str),
];

pub(crate) static NAMED_TIME_INTERVAL: &[Field] =
    &[f("name", 22, Str), f("time_intervals", 22, List(TIME_SPEC))];

// Route and inhibit-rule matchers are read by the loader itself; their keys are listed
// here with `Any` so the strict key check still applies.
pub(crate) static ROUTE: &[Field] = &[
    f("receiver", 20, Str),
    f("group_by", 20, Strings),
    f("match", 20, Any),
    f("match_re", 20, Any),
    f("matchers", 22, Any),
    f("mute_time_intervals", 22, Strings),
    f("active_time_intervals", 24, Strings),
    f("continue", 20, Bool),
    f("routes", 20, Any),
    f("group_wait", 20, Duration),
    f("group_interval", 20, Duration),
    f("repeat_interval", 20, Duration),
    f("labels", 34, StrMap),
];

pub(crate) static INHIBIT_RULE: &[Field] = &[
    f("name", 30, Str),
    f("source_match", 20, Any),
    f("source_match_re", 20, Any),
    f("source_matchers", 22, Any),
    f("target_match", 20, Any),
    f("target_match_re", 20, Any),
    f("target_matchers", 22, Any),
    f("equal", 20, Strings),
];

static SLACK_CONFIRM: &[Field] = &[
    f("text", 20, Str),
    f("title", 20, Str),
    f("ok_text", 20, Str),
    f("dismiss_text", 20, Str),
];

static SLACK_ACTION: &[Field] = &[
    f("type", 20, Str),
    f("text", 20, Str),
    f("url", 20, Str),
    f("style", 20, Str),
    f("name", 20, Str),
    f("value", 20, Str),
    f("confirm", 20, Struct(SLACK_CONFIRM)),
];

static TITLED_FIELD: &[Field] = &[
    f("title", 20, Str),
    f("value", 20, Str),
    f("short", 20, Bool),
];

static SLACK: &[Field] = &[
    f("send_resolved", 20, Bool),
    f("http_config", 20, Struct(HTTP_CONFIG)),
    f("api_url", 20, SecretUrl),
    f("api_url_file", 22, Str),
    f("app_token", 30, Secret),
    f("app_token_file", 30, Str),
    f("app_url", 30, Url),
    f("channel", 20, Str),
    f("username", 20, Str),
    f("color", 20, Str),
    f("title", 20, Str),
    f("title_link", 20, Str),
    f("pretext", 20, Str),
    f("text", 20, Str),
    f("message_text", 31, Str),
    f("fields", 20, List(TITLED_FIELD)),
    f("short_fields", 20, Bool),
    f("footer", 20, Str),
    f("fallback", 20, Str),
    f("callback_id", 20, Str),
    f("icon_emoji", 20, Str),
    f("icon_url", 20, Str),
    f("image_url", 20, Str),
    f("thumb_url", 20, Str),
    f("link_names", 20, Bool),
    f("mrkdwn_in", 20, Strings),
    f("actions", 20, List(SLACK_ACTION)),
    f("update_message", 32, Bool),
    f("timeout", 30, GoDuration),
];

static THREADING: &[Field] = &[f("enabled", 30, Bool), f("thread_by_date", 30, Str)];

static EMAIL: &[Field] = &[
    f("send_resolved", 20, Bool),
    f("to", 20, Str),
    f("from", 20, Str),
    f("hello", 20, Str),
    f("smarthost", 20, Str),
    f("auth_username", 20, Str),
    f("auth_password", 20, Secret),
    f("auth_password_file", 25, Str),
    f("auth_secret", 20, Secret),
    f("auth_secret_file", 31, Str),
    f("auth_identity", 20, Str),
    f("headers", 20, StrMap),
    f("html", 20, Str),
    f("text", 20, Str),
    f("require_tls", 20, Bool),
    f("tls_config", 20, Struct(TLS_CONFIG)),
    f("force_implicit_tls", 31, Bool),
    f("threading", 30, Struct(THREADING)),
];

static PAGERDUTY_IMAGE: &[Field] = &[f("src", 20, Str), f("alt", 20, Str), f("href", 20, Str)];
static PAGERDUTY_LINK: &[Field] = &[f("href", 20, Str), f("text", 20, Str)];

static PAGERDUTY: &[Field] = &[
    f("send_resolved", 20, Bool),
    f("http_config", 20, Struct(HTTP_CONFIG)),
    f("service_key", 20, Secret),
    f("service_key_file", 25, Str),
    f("routing_key", 20, Secret),
    f("routing_key_file", 25, Str),
    f("url", 20, Url),
    f("client", 20, Str),
    f("client_url", 20, Str),
    f("description", 20, Str),
    f("details", 20, FreeForm),
    f("images", 20, List(PAGERDUTY_IMAGE)),
    f("links", 20, List(PAGERDUTY_LINK)),
    f("source", 25, Str),
    f("severity", 20, Str),
    f("class", 20, Str),
    f("component", 20, Str),
    f("group", 20, Str),
    f("timeout", 30, GoDuration),
];

static WEBHOOK: &[Field] = &[
    f("send_resolved", 20, Bool),
    f("http_config", 20, Struct(HTTP_CONFIG)),
    f("url", 20, SecretUrl),
    f("url_file", 26, Str),
    f("max_alerts", 21, Uint),
    f("timeout", 28, GoDuration),
    f("payload", 32, FreeForm),
];

static OPSGENIE_RESPONDER: &[Field] = &[
    f("id", 20, Str),
    f("name", 20, Str),
    f("username", 20, Str),
    f("type", 20, Str),
];

static OPSGENIE: &[Field] = &[
    f("send_resolved", 20, Bool),
    f("http_config", 20, Struct(HTTP_CONFIG)),
    f("api_key", 20, Secret),
    f("api_key_file", 24, Str),
    f("api_url", 20, Url),
    f("message", 20, Str),
    f("description", 20, Str),
    f("source", 20, Str),
    f("details", 20, StrMap),
    f("entity", 24, Str),
    f("responders", 20, List(OPSGENIE_RESPONDER)),
    f("actions", 24, Str),
    f("tags", 20, Str),
    f("note", 20, Str),
    f("priority", 20, Str),
    f("update_alerts", 24, Bool),
];

static WECHAT: &[Field] = &[
    f("send_resolved", 20, Bool),
    f("http_config", 20, Struct(HTTP_CONFIG)),
    f("api_secret", 20, Secret),
    f("api_secret_file", 31, Str),
    f("corp_id", 20, Str),
    f("message", 20, Str),
    f("api_url", 20, Url),
    f("to_user", 20, Str),
    f("to_party", 20, Str),
    f("to_tag", 20, Str),
    f("agent_id", 20, Str),
    f("message_type", 22, Str),
];

static PUSHOVER: &[Field] = &[
    f("send_resolved", 20, Bool),
    f("http_config", 20, Struct(HTTP_CONFIG)),
    f("user_key", 20, Secret),
    f("user_key_file", 26, Str),
    f("token", 20, Secret),
    f("token_file", 26, Str),
    f("title", 20, Str),
    f("message", 20, Str),
    f("url", 20, Str),
    f("url_title", 20, Str),
    f("device", 26, Str),
    f("sound", 20, Str),
    f("priority", 20, Str),
    f("retry", 20, Duration),
    f("expire", 20, Duration),
    f("ttl", 27, Duration),
    f("html", 20, Bool),
    f("monospace", 29, Bool),
];

static VICTOROPS: &[Field] = &[
    f("send_resolved", 20, Bool),
    f("http_config", 20, Struct(HTTP_CONFIG)),
    f("api_key", 20, Secret),
    f("api_key_file", 22, Str),
    f("api_url", 20, Url),
    f("routing_key", 20, Str),
    f("message_type", 20, Str),
    f("state_message", 20, Str),
    f("entity_display_name", 20, Str),
    f("monitoring_tool", 20, Str),
    f("custom_fields", 20, StrMap),
];

static SIGV4: &[Field] = &[
    f("region", 23, Str),
    f("access_key", 23, Str),
    f("secret_key", 23, Secret),
    f("profile", 23, Str),
    f("role_arn", 23, Str),
    f("use_fips_sts_endpoint", 23, Bool),
];

static SNS: &[Field] = &[
    f("send_resolved", 23, Bool),
    f("http_config", 23, Struct(HTTP_CONFIG)),
    f("api_url", 23, Str),
    f("sigv4", 23, Struct(SIGV4)),
    f("topic_arn", 23, Str),
    f("phone_number", 23, Str),
    f("target_arn", 23, Str),
    f("subject", 23, Str),
    f("message", 23, Str),
    f("attributes", 23, StrMap),
    f("use_aws_http_client", 33, Bool),
];

static TELEGRAM: &[Field] = &[
    f("send_resolved", 24, Bool),
    f("http_config", 24, Struct(HTTP_CONFIG)),
    f("api_url", 24, Url),
    f("bot_token", 24, Secret),
    f("bot_token_file", 26, Str),
    f("chat_id", 24, Int),
    f("chat_id_file", 31, Str),
    f("message_thread_id", 28, Int),
    f("message", 24, Str),
    f("disable_notifications", 24, Bool),
    f("parse_mode", 24, Str),
];

static DISCORD: &[Field] = &[
    f("send_resolved", 25, Bool),
    f("http_config", 25, Struct(HTTP_CONFIG)),
    f("webhook_url", 25, SecretUrl),
    f("webhook_url_file", 27, Str),
    f("content", 28, Str),
    f("title", 25, Str),
    f("message", 25, Str),
    f("username", 28, Str),
    f("avatar_url", 28, Str),
];

static WEBEX: &[Field] = &[
    f("send_resolved", 25, Bool),
    f("http_config", 25, Struct(HTTP_CONFIG)),
    f("api_url", 25, Url),
    f("message", 25, Str),
    f("room_id", 25, Str),
];

static MSTEAMS: &[Field] = &[
    f("send_resolved", 26, Bool),
    f("http_config", 26, Struct(HTTP_CONFIG)),
    f("webhook_url", 26, SecretUrl),
    f("webhook_url_file", 27, Str),
    f("title", 26, Str),
    f("summary", 27, Str),
    f("text", 26, Str),
];

static MSTEAMSV2: &[Field] = &[
    f("send_resolved", 28, Bool),
    f("http_config", 28, Struct(HTTP_CONFIG)),
    f("webhook_url", 28, SecretUrl),
    f("webhook_url_file", 28, Str),
    f("title", 28, Str),
    f("text", 28, Str),
];

static JIRA: &[Field] = &[
    f("send_resolved", 28, Bool),
    f("http_config", 28, Struct(HTTP_CONFIG)),
    f("api_url", 28, Url),
    f("api_type", 29, Str),
    f("project", 28, Str),
    // A plain template string before 0.30, a mapping after; both are accepted.
    f("summary", 28, FreeForm),
    f("description", 28, FreeForm),
    f("labels", 28, Strings),
    f("priority", 28, Str),
    f("issue_type", 28, Str),
    f("reopen_transition", 28, Str),
    f("resolve_transition", 28, Str),
    f("wont_fix_resolution", 28, Str),
    f("reopen_duration", 28, Duration),
    f("fields", 28, FreeForm),
];

static ROCKETCHAT_ACTION: &[Field] = &[
    f("type", 28, Str),
    f("text", 28, Str),
    f("url", 28, Str),
    f("msg", 28, Str),
];

static ROCKETCHAT: &[Field] = &[
    f("send_resolved", 28, Bool),
    f("http_config", 28, Struct(HTTP_CONFIG)),
    f("api_url", 28, Url),
    f("token_id", 28, Secret),
    f("token_id_file", 28, Str),
    f("token", 28, Secret),
    f("token_file", 28, Str),
    f("channel", 28, Str),
    f("color", 28, Str),
    f("title", 28, Str),
    f("title_link", 28, Str),
    f("text", 28, Str),
    f("fields", 28, List(TITLED_FIELD)),
    f("short_fields", 28, Bool),
    f("emoji", 28, Str),
    f("icon_url", 28, Str),
    f("image_url", 28, Str),
    f("thumb_url", 28, Str),
    f("link_names", 28, Bool),
    f("actions", 28, List(ROCKETCHAT_ACTION)),
];

static INCIDENTIO: &[Field] = &[
    f("send_resolved", 29, Bool),
    f("http_config", 29, Struct(HTTP_CONFIG)),
    f("url", 29, Url),
    f("url_file", 29, Str),
    f("alert_source_token", 29, Secret),
    f("alert_source_token_file", 29, Str),
    f("max_alerts", 29, Uint),
    f("timeout", 29, GoDuration),
];

static MATTERMOST_ATTACHMENT: &[Field] = &[
    f("fallback", 30, Str),
    f("color", 30, Str),
    f("pretext", 30, Str),
    f("text", 30, Str),
    f("author_name", 30, Str),
    f("author_link", 30, Str),
    f("author_icon", 30, Str),
    f("title", 30, Str),
    f("title_link", 30, Str),
    f("fields", 30, List(TITLED_FIELD)),
    f("thumb_url", 30, Str),
    f("footer", 30, Str),
    f("footer_icon", 30, Str),
    f("image_url", 30, Str),
];

static MATTERMOST_PROPS: &[Field] = &[f("card", 30, Str)];
static MATTERMOST_PRIORITY: &[Field] = &[
    f("priority", 30, Str),
    f("requested_ack", 30, Bool),
    f("persistent_notifications", 30, Bool),
];

static MATTERMOST: &[Field] = &[
    f("send_resolved", 30, Bool),
    f("http_config", 30, Struct(HTTP_CONFIG)),
    f("webhook_url", 30, SecretUrl),
    f("webhook_url_file", 30, Str),
    f("channel", 30, Str),
    f("username", 30, Str),
    f("text", 30, Str),
    f("fallback", 32, Str),
    f("color", 32, Str),
    f("pretext", 32, Str),
    f("author_name", 32, Str),
    f("author_link", 32, Str),
    f("author_icon", 32, Str),
    f("title", 32, Str),
    f("title_link", 32, Str),
    f("fields", 32, List(TITLED_FIELD)),
    f("thumb_url", 32, Str),
    f("footer", 32, Str),
    f("footer_icon", 32, Str),
    f("image_url", 32, Str),
    f("icon_url", 30, Str),
    f("icon_emoji", 30, Str),
    f("attachments", 30, List(MATTERMOST_ATTACHMENT)),
    f("type", 30, Str),
    f("props", 30, Struct(MATTERMOST_PROPS)),
    f("priority", 30, Struct(MATTERMOST_PRIORITY)),
];

/// A receiver's integration lists, each with the fields of one entry.
pub(crate) static INTEGRATIONS: &[(&str, &[Field])] = &[
    ("discord_configs", DISCORD),
    ("email_configs", EMAIL),
    ("incidentio_configs", INCIDENTIO),
    ("pagerduty_configs", PAGERDUTY),
    ("slack_configs", SLACK),
    ("webhook_configs", WEBHOOK),
    ("opsgenie_configs", OPSGENIE),
    ("wechat_configs", WECHAT),
    ("pushover_configs", PUSHOVER),
    ("victorops_configs", VICTOROPS),
    ("sns_configs", SNS),
    ("telegram_configs", TELEGRAM),
    ("webex_configs", WEBEX),
    ("msteams_configs", MSTEAMS),
    ("msteamsv2_configs", MSTEAMSV2),
    ("jira_configs", JIRA),
    ("rocketchat_configs", ROCKETCHAT),
    ("mattermost_configs", MATTERMOST),
];

/// A receiver entry; the integration lists are read against `INTEGRATIONS`.
pub(crate) static RECEIVER: &[Field] = &[
    f("name", 20, Str),
    f("labels", 33, StrMap),
    f("discord_configs", 25, Any),
    f("email_configs", 20, Any),
    f("incidentio_configs", 29, Any),
    f("pagerduty_configs", 20, Any),
    f("slack_configs", 20, Any),
    f("webhook_configs", 20, Any),
    f("opsgenie_configs", 20, Any),
    f("wechat_configs", 20, Any),
    f("pushover_configs", 20, Any),
    f("victorops_configs", 20, Any),
    f("sns_configs", 23, Any),
    f("telegram_configs", 24, Any),
    f("webex_configs", 25, Any),
    f("msteams_configs", 26, Any),
    f("msteamsv2_configs", 28, Any),
    f("jira_configs", 28, Any),
    f("rocketchat_configs", 28, Any),
    f("mattermost_configs", 30, Any),
];

pub(crate) static TRACING: &[Field] = &[
    f("client_type", 30, Str),
    f("endpoint", 30, Str),
    f("sampling_fraction", 30, FreeForm),
    f("insecure", 30, Bool),
    f("tls_config", 30, Struct(TLS_CONFIG)),
    f("headers", 30, StrMap),
    f("compression", 30, Str),
    f("timeout", 30, Duration),
];

pub(crate) static TOP: &[Field] = &[
    f("global", 20, Any),
    f("route", 20, Any),
    f("inhibit_rules", 20, Any),
    f("receivers", 20, Any),
    f("templates", 20, Strings),
    f("mute_time_intervals", 22, Any),
    f("time_intervals", 24, Any),
    f("tracing", 30, Struct(TRACING)),
    f("event_recorder", 33, FreeForm),
];

impl Kind {
    /// Whether the whole value is a secret.
    pub(crate) fn is_secret(self) -> bool {
        matches!(self, Secret | SecretUrl | SecretData)
    }
}

/// The key of prometheus/common's custom HTTP headers (`http_headers`, tracing `headers`)
/// whose list holds secret values (beside `values` and `files`).
const HEADER_SECRETS: &str = "secrets";

/// Whether some level of the configuration reads a key of this name as a secret (or as
/// a list of secrets), so a misplaced, misspelt-level or unread secret key is still masked.
pub(crate) fn is_secret_key(name: &str) -> bool {
    fn any_secret(fields: &[Field], name: &str) -> bool {
        fields.iter().any(|field| match field.kind {
            Secret | SecretUrl | SecretData => field.name == name,
            Struct(inner) | List(inner) => any_secret(inner, name),
            _ => false,
        })
    }
    name == HEADER_SECRETS
        || any_secret(GLOBAL, name)
        || any_secret(HTTP_CONFIG, name)
        || any_secret(TRACING, name)
        || INTEGRATIONS
            .iter()
            .any(|(_, fields)| any_secret(fields, name))
}
