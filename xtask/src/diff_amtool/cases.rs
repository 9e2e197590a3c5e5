/// Hand-written edge cases run before the generated ones: version-gated keys, integration
/// rules, HTTP client settings, time intervals, root route rules, matcher syntax.
pub(super) const HANDWRITTEN: &[(&str, &str)] = &[
    (
        "badlocation",
        r#"route:
  receiver: a
receivers:
  - name: a
time_intervals:
  - name: t
    time_intervals:
      - location: Mars/Olympus
"#,
    ),
    (
        "brace",
        r#"route:
  receiver: a
  routes:
    - matchers: ['foo=~"[0-9]{3"']
      receiver: a
receivers:
  - name: a
"#,
    ),
    (
        "discord",
        r#"route:
  receiver: a
receivers:
  - name: a
    discord_configs:
      - webhook_url: https://x.example.org/
"#,
    ),
    (
        "email_hdr",
        r#"route:
  receiver: a
receivers:
  - name: a
    email_configs:
      - to: a@b
        smarthost: x:25
        from: c@d
        headers: {subject: x, Subject: y}
"#,
    ),
    (
        "emptyname",
        r#"route:
  receiver: a
receivers:
  - name: a
  - name: ''
"#,
    ),
    (
        "esc",
        r#"route:
  receiver: a
  routes:
    - receiver: a
      matchers: ['x="\\d"']
receivers:
  - name: a
"#,
    ),
    (
        "gw",
        r#"route:
  receiver: a
  group_wait: 1d
receivers:
  - name: a
"#,
    ),
    (
        "http",
        r#"route:
  receiver: a
receivers:
  - name: a
    webhook_configs:
      - url: http://x/
        http_config:
          authorization: {credentials: x}
          follow_redirects: true
"#,
    ),
    (
        "http_headers",
        r#"route:
  receiver: a
receivers:
  - name: a
    webhook_configs:
      - url: http://x/
        http_config:
          http_headers: {X: {values: [a]}}
"#,
    ),
    (
        "inhibit_name",
        r#"route:
  receiver: a
receivers:
  - name: a
inhibit_rules:
  - name: x
    source_matchers: [a=b]
    target_matchers: [c=d]
"#,
    ),
    (
        "labels",
        r#"route:
  receiver: a
  labels: {x: y}
receivers:
  - name: a
"#,
    ),
    (
        "location",
        r#"route:
  receiver: a
receivers:
  - name: a
time_intervals:
  - name: t
    time_intervals:
      - location: Europe/Paris
        times: [{start_time: '09:00', end_time: '17:00'}]
"#,
    ),
    (
        "msteams",
        r#"route:
  receiver: a
receivers:
  - name: a
    msteams_configs:
      - webhook_url: https://x.example.org/
"#,
    ),
    (
        "mti",
        r#"route:
  receiver: a
receivers:
  - name: a
mute_time_intervals:
  - name: t
    time_intervals: [{weekdays: [monday]}]
"#,
    ),
    (
        "noroute",
        r#"receivers:
  - name: a
"#,
    ),
    (
        "og_responder",
        r#"route:
  receiver: a
receivers:
  - name: a
    opsgenie_configs:
      - api_key: x
        responders: [{type: team}]
"#,
    ),
    (
        "pd_both",
        r#"route:
  receiver: a
receivers:
  - name: a
    pagerduty_configs:
      - routing_key: x
        routing_key_file: /y
"#,
    ),
    (
        "proxy_env",
        r#"route:
  receiver: a
receivers:
  - name: a
    webhook_configs:
      - url: http://x/
        http_config:
          proxy_from_environment: true
"#,
    ),
    (
        "root_continue",
        r#"route:
  receiver: a
  continue: true
receivers:
  - name: a
"#,
    ),
    (
        "root_matchers",
        r#"route:
  receiver: a
  matchers: [a=b]
receivers:
  - name: a
"#,
    ),
    (
        "root_noreceiver",
        r#"route:
  group_by: [a]
receivers:
  - name: a
"#,
    ),
    (
        "scalar", r#"BAD
"#,
    ),
    (
        "slack_action",
        r#"route:
  receiver: a
receivers:
  - name: a
    slack_configs:
      - api_url: http://x/
        actions: [{type: button, text: x}]
"#,
    ),
    (
        "sns3",
        r#"route:
  receiver: a
receivers:
  - name: a
    sns_configs:
      - topic_arn: x
        phone_number: y
        target_arn: z
"#,
    ),
    (
        "telegram",
        r#"route:
  receiver: a
receivers:
  - name: a
    telegram_configs:
      - bot_token: x
        chat_id: 1
"#,
    ),
    (
        "telegram_nochat",
        r#"route:
  receiver: a
receivers:
  - name: a
    telegram_configs:
      - bot_token: x
"#,
    ),
    (
        "two_auth",
        r#"route:
  receiver: a
receivers:
  - name: a
    webhook_configs:
      - url: http://x/
        http_config:
          basic_auth: {username: a, password: b}
          authorization: {credentials: c}
"#,
    ),
    (
        "utf8_groupby",
        r#"route:
  receiver: a
  group_by: ['a.b']
receivers:
  - name: a
"#,
    ),
    (
        "utf8_matcher",
        r#"route:
  receiver: a
  routes:
    - matchers: ['a.b="x"']
receivers:
  - name: a
"#,
    ),
    (
        "vo",
        r#"route:
  receiver: a
receivers:
  - name: a
    victorops_configs:
      - api_key: x
        routing_key: y
        custom_fields: {entity_state: z}
"#,
    ),
    (
        "webex",
        r#"route:
  receiver: a
receivers:
  - name: a
    webex_configs:
      - room_id: x
"#,
    ),
    (
        "webhook_neg",
        r#"route:
  receiver: a
receivers:
  - name: a
    webhook_configs:
      - url: http://x/
        max_alerts: -1
"#,
    ),
    (
        "wechat",
        r#"route:
  receiver: a
receivers:
  - name: a
    wechat_configs:
      - api_secret: x
        corp_id: y
        message_type: image
"#,
    ),
];
