//! No secret of an Alertmanager configuration reaches any output: a distinct token is
//! planted in every field Alertmanager reads as a secret (its `Secret` and `SecretURL`
//! fields and prometheus/common's HTTP client secrets, from Alertmanager's and
//! prometheus/common's sources), in every shape a file can give it (valid, quoted,
//! repeated, wrong-typed, in a list, in a block, a malformed URL, misplaced, a YAML
//! syntax error on its line), and no output of `check` (every format), `routes show`,
//! `routes test` or `test routes` may contain any token.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Where a secret key is written: the lines leading to it (each one level deeper) under
/// a part of the configuration.
struct Site {
    part: Part,
    path: &'static [&'static str],
    key: &'static str,
    url: bool,
}

#[derive(Clone, Copy, PartialEq)]
enum Part {
    Global,
    /// The first entry of an integration list of the only receiver.
    Integration(&'static str),
    /// The receiver itself (a misplaced key).
    Receiver,
    Route,
    Top,
}

const fn site(part: Part, path: &'static [&'static str], key: &'static str) -> Site {
    Site {
        part,
        path,
        key,
        url: false,
    }
}

const fn url(part: Part, path: &'static [&'static str], key: &'static str) -> Site {
    Site {
        part,
        path,
        key,
        url: true,
    }
}

use Part::*;

/// prometheus/common's HTTP client secrets, under any `http_config`.
const HTTP: &[(&[&str], &str)] = &[
    (&["http_config"], "bearer_token"),
    (&["http_config", "basic_auth"], "password"),
    (&["http_config", "authorization"], "credentials"),
    (&["http_config", "oauth2"], "client_secret"),
    (&["http_config", "oauth2", "tls_config"], "key"),
    (&["http_config", "tls_config"], "key"),
    (&["http_config", "proxy_connect_header"], "X-Proxy-Auth"),
    (&["http_config", "http_headers", "X-Token"], "secrets"),
];

fn sites() -> Vec<Site> {
    let mut sites = vec![
        site(Global, &[], "smtp_auth_password"),
        site(Global, &[], "smtp_auth_secret"),
        url(Global, &[], "slack_api_url"),
        site(Global, &[], "slack_app_token"),
        site(Global, &[], "opsgenie_api_key"),
        site(Global, &[], "wechat_api_secret"),
        site(Global, &[], "victorops_api_key"),
        site(Global, &[], "telegram_bot_token"),
        site(Global, &[], "rocketchat_token"),
        site(Global, &[], "rocketchat_token_id"),
        url(Global, &[], "mattermost_webhook_url"),
        site(Integration("email_configs"), &[], "auth_password"),
        site(Integration("email_configs"), &[], "auth_secret"),
        url(Integration("slack_configs"), &[], "api_url"),
        site(Integration("slack_configs"), &[], "app_token"),
        site(Integration("pagerduty_configs"), &[], "service_key"),
        site(Integration("pagerduty_configs"), &[], "routing_key"),
        url(Integration("webhook_configs"), &[], "url"),
        site(Integration("opsgenie_configs"), &[], "api_key"),
        site(Integration("wechat_configs"), &[], "api_secret"),
        site(Integration("pushover_configs"), &[], "user_key"),
        site(Integration("pushover_configs"), &[], "token"),
        site(Integration("victorops_configs"), &[], "api_key"),
        site(Integration("sns_configs"), &["sigv4"], "secret_key"),
        site(Integration("telegram_configs"), &[], "bot_token"),
        url(Integration("discord_configs"), &[], "webhook_url"),
        url(Integration("msteams_configs"), &[], "webhook_url"),
        url(Integration("msteamsv2_configs"), &[], "webhook_url"),
        site(Integration("rocketchat_configs"), &[], "token"),
        site(Integration("rocketchat_configs"), &[], "token_id"),
        site(Integration("incidentio_configs"), &[], "alert_source_token"),
        url(Integration("mattermost_configs"), &[], "webhook_url"),
        site(Top, &["tracing", "tls_config"], "key"),
        site(Top, &["tracing", "headers", "X-Token"], "secrets"),
        url(Top, &["event_recorder", "webhook_outputs", "-"], "url"),
        site(
            Top,
            &["event_recorder", "webhook_outputs", "-", "http_config"],
            "bearer_token",
        ),
        // Misplaced: Alertmanager refuses the key there, its value is still a secret.
        site(Receiver, &[], "routing_key"),
        site(Route, &[], "bearer_token"),
        site(Top, &[], "api_key"),
        site(Top, &["http_confg"], "password"),
    ];
    for (path, key) in HTTP {
        sites.push(site(Global, path, key));
        sites.push(site(Integration("webhook_configs"), path, key));
    }
    sites
}

/// Distinct, random-looking tokens (splitmix64 of a counter).
struct Tokens {
    next: u64,
    planted: Vec<String>,
}

impl Tokens {
    fn token(&mut self) -> String {
        self.next += 1;
        let mut z = self.next.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        let token = format!("tk{:016x}", z ^ (z >> 31));
        self.planted.push(token.clone());
        token
    }

    /// A value for the site: a URL around the token for URL fields.
    fn value(&mut self, url: bool) -> String {
        let token = self.token();
        if url {
            format!("https://hooks.example.com/services/{token}")
        } else {
            token
        }
    }
}

/// The lines giving `key` its value in one shape, at column 0.
fn shapes(key: &str, url: bool, tokens: &mut Tokens) -> Vec<(&'static str, Vec<String>)> {
    let mut shapes = vec![
        ("inline", vec![format!("{key}: {}", tokens.value(url))]),
        (
            "double-quoted",
            vec![format!("{key}: \"{}\"", tokens.value(url))],
        ),
        (
            "single-quoted",
            vec![format!("{key}: '{}'", tokens.value(url))],
        ),
        (
            "quoted-key",
            vec![format!("\"{key}\": {}", tokens.value(url))],
        ),
        (
            "repeated",
            vec![
                format!("{key}: {}", tokens.value(url)),
                format!("{key}: {}", tokens.value(url)),
            ],
        ),
        ("flow-list", vec![format!("{key}: [{}]", tokens.value(url))]),
        (
            "block-list",
            vec![format!("{key}:"), format!("  - {}", tokens.value(url))],
        ),
        (
            "flow-map",
            vec![format!("{key}: {{a: {}}}", tokens.value(url))],
        ),
        (
            "block-map",
            vec![format!("{key}:"), format!("  a: {}", tokens.value(url))],
        ),
        (
            "literal-block",
            vec![format!("{key}: |"), format!("  {}", tokens.value(url))],
        ),
        (
            "anchored",
            vec![format!("{key}: &planted {}", tokens.value(url))],
        ),
        (
            "malformed-url",
            vec![format!("{key}: \"ht!tp://{} x y\"", tokens.token())],
        ),
        (
            "token-as-scheme",
            vec![format!("{key}: {}://host/x", tokens.token())],
        ),
        (
            "unterminated-double-quote",
            vec![format!("{key}: \"{}", tokens.value(url))],
        ),
        (
            "unterminated-single-quote",
            vec![format!("{key}: '{}", tokens.value(url))],
        ),
        (
            "unclosed-flow-list",
            vec![format!("{key}: [{}", tokens.value(url))],
        ),
        (
            "tab-indented",
            vec![format!("{key}: {}", tokens.value(url)), "\tx: 1".to_owned()],
        ),
    ];
    if url {
        shapes.push((
            "credentials-in-url",
            vec![format!(
                "{key}: https://user:{}@hooks.example.com/x",
                tokens.token()
            )],
        ));
    }
    shapes
}

fn indent(lines: &[String], depth: usize) -> String {
    lines
        .iter()
        .map(|line| format!("{}{line}\n", "  ".repeat(depth)))
        .collect()
}

/// The lines of `path` (each a mapping key, `-` a list item) ending in the shape's lines.
fn nest(path: &[&str], lines: &[String], depth: usize) -> String {
    let mut out = String::new();
    let mut depth = depth;
    for step in path {
        if *step == "-" {
            out.push_str(&format!("{}- send: true\n", "  ".repeat(depth)));
        } else {
            out.push_str(&format!("{}{step}:\n", "  ".repeat(depth)));
        }
        depth += 1;
    }
    out + &indent(lines, depth)
}

/// A configuration with the shape's lines at the site; otherwise valid, so `routes`
/// prints its tree when the shape is valid.
fn config(site: &Site, lines: &[String]) -> String {
    let at = |part: Part, depth: usize| {
        if site.part == part {
            nest(site.path, lines, depth)
        } else {
            String::new()
        }
    };
    let integration = match site.part {
        Integration(list) => format!(
            "    {list}:\n      - send_resolved: true\n{}",
            nest(site.path, lines, 4)
        ),
        _ => "    webhook_configs:\n      - url: http://bot.monitoring.svc:8080/\n".to_owned(),
    };
    format!(
        "global:\n  resolve_timeout: 5m\n{}route:\n  receiver: team\n{}  routes:\n    - receiver: team\n      matchers: [severity=\"critical\"]\nreceivers:\n  - name: team\n{}{integration}{}",
        at(Global, 1),
        at(Route, 1),
        at(Receiver, 2),
        at(Top, 0),
    )
}

fn monlint(dir: &Path, args: &[&str]) -> (String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_monlint"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    (
        without_ansi(&String::from_utf8_lossy(&output.stdout)),
        without_ansi(&String::from_utf8_lossy(&output.stderr)),
    )
}

/// Colour codes removed, so a token split by highlighting is still found.
fn without_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The `--format` values `check` accepts, from its own error message, so a new format is
/// covered without changing this test.
fn formats(dir: &Path) -> Vec<String> {
    let (_, stderr) = monlint(dir, &["check", "--format", "no-such-format"]);
    let list = stderr
        .split("[possible values: ")
        .nth(1)
        .and_then(|rest| rest.split(']').next())
        .unwrap_or_else(|| panic!("no list of formats in:\n{stderr}"));
    list.split(", ").map(str::to_owned).collect()
}

fn assert_no_token(tokens: &[String], what: &str, (stdout, stderr): &(String, String)) {
    for token in tokens {
        for (stream, text) in [("stdout", stdout), ("stderr", stderr)] {
            if let Some(at) = text.find(token.as_str()) {
                let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
                let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
                panic!(
                    "{what} prints the secret {token} on {stream}:\n{}",
                    &text[line_start..line_end]
                );
            }
        }
    }
}

#[test]
fn no_output_prints_a_planted_secret() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("planted-secrets");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("configs")).unwrap();
    let mut tokens = Tokens {
        next: 0,
        planted: Vec::new(),
    };
    let mut files = Vec::new();
    for (index, site) in sites().iter().enumerate() {
        for (shape, lines) in shapes(site.key, site.url, &mut tokens) {
            let name = format!("{index:02}-{}-{shape}.yml", site.key);
            std::fs::write(dir.join("configs").join(&name), config(site, &lines)).unwrap();
            let test = format!(
                "config: {name}\ntests:\n  - name: critical\n    labels: {{severity: critical}}\n    receivers: [team]\n"
            );
            let test_name = format!("{index:02}-{}-{shape}.routes.test.yml", site.key);
            std::fs::write(dir.join("configs").join(&test_name), test).unwrap();
            files.push((name, test_name));
        }
    }
    let tokens = tokens.planted;
    assert!(files.len() > 500, "{} files", files.len());

    let formats = formats(&dir);
    assert!(formats.len() >= 5, "{formats:?}");
    // Named one by one: a walk skips a broken file it cannot tell is Alertmanager's, a
    // named one is checked, so its syntax error is shown with a snippet.
    let configs: Vec<String> = files
        .iter()
        .map(|(config, _)| format!("configs/{config}"))
        .collect();
    for format in &formats {
        for version in ["0.34", "0.25"] {
            let mut args = vec![
                "check",
                "--select",
                "all",
                "--color",
                "always",
                "--alertmanager-version",
                version,
                "--format",
                format,
            ];
            args.extend(configs.iter().map(String::as_str));
            let output = monlint(&dir, &args);
            assert!(
                output.0.contains("V100") || output.0.contains("yaml-syntax"),
                "{format}: the syntax errors are missing:\n{}",
                output.0
            );
            assert_no_token(&tokens, &format!("check --format {format}"), &output);
        }
    }
    for (config, test) in &files {
        let config = format!("configs/{config}");
        let output = monlint(&dir, &["routes", "show", "--config", &config]);
        assert_no_token(&tokens, &format!("routes show --config {config}"), &output);
        let output = monlint(
            &dir,
            &[
                "routes",
                "test",
                "--tree",
                "--verify.receivers",
                "other",
                "--config",
                &config,
                "severity=critical",
            ],
        );
        assert_no_token(&tokens, &format!("routes test --config {config}"), &output);
        let output = monlint(&dir, &["test", "routes", &format!("configs/{test}")]);
        assert_no_token(&tokens, &format!("test routes configs/{test}"), &output);
    }
}

/// The shapes above are what the test says they are: the valid ones load, the syntax
/// errors are syntax errors (so the test cannot pass by reading nothing).
#[test]
fn the_planted_shapes_are_read_as_intended() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("planted-shapes");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut tokens = Tokens {
        next: 0,
        planted: Vec::new(),
    };
    let site = site(Integration("pagerduty_configs"), &[], "routing_key");
    for (shape, lines) in shapes(site.key, site.url, &mut tokens) {
        std::fs::write(dir.join("am.yml"), config(&site, &lines)).unwrap();
        let (stdout, stderr) = monlint(&dir, &["routes", "show", "--config", "am.yml"]);
        let tree = stdout.contains("receiver: team");
        match shape {
            "inline" | "double-quoted" | "single-quoted" | "quoted-key" | "anchored" => {
                assert!(tree, "{shape} must load:\n{stdout}{stderr}");
            }
            "repeated" | "flow-list" | "block-list" | "flow-map" | "block-map" => {
                assert!(!tree, "{shape} must be refused:\n{stdout}{stderr}");
            }
            _ => {}
        }
        let (stdout, _) = monlint(&dir, &["check", "--select", "all", "am.yml"]);
        let syntax_error = ["unterminated", "unclosed", "tab"]
            .iter()
            .any(|prefix| shape.starts_with(prefix));
        assert_eq!(
            stdout.contains("yaml-syntax"),
            syntax_error,
            "{shape}:\n{stdout}"
        );
    }
}
