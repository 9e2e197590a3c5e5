//! Go's error texts for bad alert templates. The expectations were taken from
//! `promtool check rules` 2.42 (built with Go 1.19) and agree with it except
//! where `same_in_go_1_19` is false: there this crate follows current Go
//! (1.23 and later), which reports a stray `)` in the lexer and accepts
//! `{{else with}}`. When promtool is installed, `promtool_agrees` re-checks
//! the shared cases against it.

use std::path::Path;
use std::process::Command;

use monlint_core::Version;
use monlint_gotemplate::check_prometheus_alert_template;

const NAME: &str = "__alert_T";
const PROMTOOL_VERSION: Version = Version::new(2, 42);

struct Case {
    template: &'static str,
    /// Go's error for the template named `__alert_T`, or `None` when it parses.
    expected: Option<&'static str>,
    same_in_go_1_19: bool,
}

#[rustfmt::skip]
const CASES: &[Case] = &[
    Case { template: "{{ $label.instance }}", expected: Some(r#"template: __alert_T:1: undefined variable "$label""#), same_in_go_1_19: true },
    Case { template: "{{ foo }}", expected: Some(r#"template: __alert_T:1: function "foo" not defined"#), same_in_go_1_19: true },
    Case { template: "{{ if .x }}", expected: Some("template: __alert_T:1: unexpected EOF"), same_in_go_1_19: true },
    Case { template: "{{ .x", expected: Some("template: __alert_T:1: unclosed action"), same_in_go_1_19: true },
    Case { template: "{{ .a }", expected: Some(r#"template: __alert_T:1: unexpected "}" in operand"#), same_in_go_1_19: true },
    Case { template: "{{ if }}{{ end }}", expected: Some("template: __alert_T:1: missing value for if"), same_in_go_1_19: true },
    Case { template: "{{ end }}", expected: Some("template: __alert_T:1: unexpected {{end}}"), same_in_go_1_19: true },
    Case { template: "{{ else }}", expected: Some("template: __alert_T:1: unexpected {{else}}"), same_in_go_1_19: true },
    Case { template: "{{ \"abc }}", expected: Some("template: __alert_T:1: unterminated quoted string"), same_in_go_1_19: true },
    Case { template: "{{ 1x }}", expected: Some(r#"template: __alert_T:1: bad number syntax: "1x""#), same_in_go_1_19: true },
    Case { template: "{{ .x | 1 }}", expected: Some("template: __alert_T:1: non executable command in pipeline stage 2"), same_in_go_1_19: true },
    Case { template: "{{ (1 }}", expected: Some("template: __alert_T:1: unclosed left paren"), same_in_go_1_19: true },
    Case { template: "{{ ) }}", expected: Some("template: __alert_T:1: unexpected right paren"), same_in_go_1_19: false },
    Case { template: "{{ $x = 1 }}{{ $y }}", expected: Some(r#"template: __alert_T:1: undefined variable "$y""#), same_in_go_1_19: true },
    Case { template: "{{ $x=1 }}", expected: Some("template: __alert_T:1: bad character U+003D '='"), same_in_go_1_19: true },
    Case { template: "{{ range $i, $e, $f := . }}{{ end }}", expected: Some("template: __alert_T:1: too many declarations in range"), same_in_go_1_19: true },
    Case { template: "{{ with $x, $y := . }}{{ end }}", expected: Some("template: __alert_T:1: too many declarations in with"), same_in_go_1_19: true },
    Case { template: "{{ break }}", expected: Some("template: __alert_T:1: {{break}} outside {{range}}"), same_in_go_1_19: true },
    Case { template: "{{ range . }}{{ break 1 }}{{ end }}", expected: Some(r#"template: __alert_T:1: unexpected "1" in {{break}}"#), same_in_go_1_19: true },
    Case { template: "{{ if . }}{{ else }}{{ else }}{{ end }}", expected: Some("template: __alert_T:1: expected end; found {{else}}"), same_in_go_1_19: true },
    Case { template: "{{ .x.y \"a\".z }}", expected: Some(r#"template: __alert_T:1: unexpected . after term "\"a\"""#), same_in_go_1_19: true },
    Case { template: "{{ \"a\".z }}", expected: Some(r#"template: __alert_T:1: unexpected . after term "\"a\"""#), same_in_go_1_19: true },
    Case { template: "{{ 'ab' }}", expected: Some("template: __alert_T:1: malformed character constant: 'ab'"), same_in_go_1_19: true },
    Case { template: "{{ '' }}", expected: Some("template: __alert_T:1: invalid syntax"), same_in_go_1_19: true },
    Case { template: "{{ \"\\q\" }}", expected: Some("template: __alert_T:1: invalid syntax"), same_in_go_1_19: true },
    Case { template: "{{ 089 }}", expected: Some(r#"template: __alert_T:1: integer overflow: "089""#), same_in_go_1_19: true },
    Case { template: "{{ 0x1.8 }}", expected: Some(r#"template: __alert_T:1: illegal number syntax: "0x1.8""#), same_in_go_1_19: true },
    Case { template: "{{ 99999999999999999999 }}", expected: Some(r#"template: __alert_T:1: integer overflow: "99999999999999999999""#), same_in_go_1_19: true },
    Case { template: "{{ 1__0 }}", expected: Some(r#"template: __alert_T:1: illegal number syntax: "1__0""#), same_in_go_1_19: true },
    Case { template: "{{ template . }}", expected: Some("template: __alert_T:1: unexpected <.> in template clause"), same_in_go_1_19: true },
    Case { template: "{{ template \"x\" }}", expected: None, same_in_go_1_19: true },
    Case { template: "{{ define \"a\" }}x{{ end }}{{ define \"a\" }}y{{ end }}", expected: Some(r#"template: __alert_T:1: template: multiple definition of template "a""#), same_in_go_1_19: true },
    Case { template: "{{ define \"a\" }}{{ $labels }}{{ end }}", expected: Some(r#"template: __alert_T:1: undefined variable "$labels""#), same_in_go_1_19: true },
    Case { template: "{{ block \"b\" . }}{{ $value }}{{ end }}", expected: Some(r#"template: __alert_T:1: undefined variable "$value""#), same_in_go_1_19: true },
    Case { template: "{{ with . }}{{ else with . }}{{ end }}", expected: None, same_in_go_1_19: false },
    Case { template: "{{ tmpl \"x\" . }}", expected: Some(r#"template: __alert_T:1: function "tmpl" not defined"#), same_in_go_1_19: true },
    Case { template: "{{ urlQueryEscape \"x\" }}", expected: Some(r#"template: __alert_T:1: function "urlQueryEscape" not defined"#), same_in_go_1_19: true },
    Case { template: "{{ now }}", expected: Some(r#"template: __alert_T:1: function "now" not defined"#), same_in_go_1_19: true },
    Case { template: "{{ toDuration 1 }}", expected: Some(r#"template: __alert_T:1: function "toDuration" not defined"#), same_in_go_1_19: true },
    Case { template: "{{/* unclosed", expected: Some("template: __alert_T:1: unclosed comment"), same_in_go_1_19: true },
    Case { template: "{{/* c */ }}", expected: Some("template: __alert_T:1: comment ends before closing delimiter"), same_in_go_1_19: true },
    Case { template: "{{ .x :y }}", expected: Some("template: __alert_T:1: expected :="), same_in_go_1_19: true },
    Case { template: "{{ § }}", expected: Some("template: __alert_T:1: unrecognized character in action: U+00A7 '§'"), same_in_go_1_19: true },
    Case { template: "{{ .x☃ }}", expected: Some("template: __alert_T:1: bad character U+2603 '☃'"), same_in_go_1_19: true },
    Case { template: "{{ $ }}{{ $.x }}{{ $labels.a.b }}{{ len . | printf \"%d\" }}", expected: None, same_in_go_1_19: true },
    Case { template: "{{ .a | | .b }}", expected: Some(r#"template: __alert_T:1: unexpected "|" in command"#), same_in_go_1_19: true },
    Case { template: "{{ .a | }}", expected: None, same_in_go_1_19: true },
    Case { template: "{{ if .a }}{{ $v := 1 }}{{ end }}{{ $v }}", expected: Some(r#"template: __alert_T:1: undefined variable "$v""#), same_in_go_1_19: true },
    Case { template: "{{ range $i, $e := . }}{{ $i }}{{ end }}{{ $e }}", expected: Some(r#"template: __alert_T:1: undefined variable "$e""#), same_in_go_1_19: true },
    Case { template: "{{- .x -}}", expected: None, same_in_go_1_19: true },
    Case { template: "{{-.x}}", expected: Some(r#"template: __alert_T:1: bad number syntax: "-.x""#), same_in_go_1_19: true },
    Case { template: "{{ nil.x }}", expected: Some(r#"template: __alert_T:1: unexpected . after term "nil""#), same_in_go_1_19: true },
    Case { template: "{{ true | false }}", expected: Some("template: __alert_T:1: non executable command in pipeline stage 2"), same_in_go_1_19: true },
    Case { template: "{{ printf \"%s\" 1+2i }}", expected: None, same_in_go_1_19: true },
    Case { template: "{{ printf \"%s\" 1+2 }}", expected: Some(r#"template: __alert_T:1: bad number syntax: "1+2""#), same_in_go_1_19: true },
    Case { template: "{{ 0x }}", expected: Some(r#"template: __alert_T:1: illegal number syntax: "0x""#), same_in_go_1_19: true },
    Case { template: "{{ - }}", expected: Some(r#"template: __alert_T:1: illegal number syntax: "-""#), same_in_go_1_19: true },
    Case { template: "{{ 'a }}", expected: Some("template: __alert_T:1: unterminated character constant"), same_in_go_1_19: true },
    Case { template: "{{ `abc }}", expected: Some("template: __alert_T:1: unterminated raw quoted string"), same_in_go_1_19: true },
    Case { template: "{{ ( ) }}", expected: Some("template: __alert_T:1: missing value for parenthesized pipeline"), same_in_go_1_19: true },
    Case { template: "{{ block . }}{{ end }}", expected: Some("template: __alert_T:1: unexpected <.> in block clause"), same_in_go_1_19: true },
    Case { template: "{{ with }}{{ end }}", expected: Some("template: __alert_T:1: missing value for with"), same_in_go_1_19: true },
    Case { template: "{{ range .x }}{{ continue }}{{ else }}{{ continue }}{{ end }}", expected: Some("template: __alert_T:1: {{continue}} outside {{range}}"), same_in_go_1_19: true },
    Case { template: "{{ if .a }}{{ else if }}{{ end }}", expected: Some("template: __alert_T:1: missing value for if"), same_in_go_1_19: true },
    Case { template: "{{ .a | \"x\" }}", expected: Some("template: __alert_T:1: non executable command in pipeline stage 2"), same_in_go_1_19: true },
    Case { template: "{{ define \"a\" }}{{ end }}", expected: None, same_in_go_1_19: true },
    Case { template: "{{ template \"a\" . . }}", expected: None, same_in_go_1_19: true },
    Case { template: "{{ .x := 1 }}", expected: Some(r#"template: __alert_T:1: unexpected ":=" in operand"#), same_in_go_1_19: true },
    Case { template: "{{ $x := 1 2 }}", expected: None, same_in_go_1_19: true },
    Case { template: "line1\n{{ if .a }}\nline3\n{{ $nope }}", expected: Some(r#"template: __alert_T:4: undefined variable "$nope""#), same_in_go_1_19: true },
    Case { template: "a\nb\n{{ .x\n.y", expected: Some("template: __alert_T:4: unclosed action started at __alert_T:3"), same_in_go_1_19: true },
    Case { template: "{{ .x\n| foo }}", expected: Some(r#"template: __alert_T:2: function "foo" not defined"#), same_in_go_1_19: true },
    Case { template: "{{ if .a }}\n\n", expected: Some("template: __alert_T:3: unexpected EOF"), same_in_go_1_19: true },
    Case { template: "{{ \"\n\" }}", expected: Some("template: __alert_T:1: unterminated quoted string"), same_in_go_1_19: true },
    Case { template: "x\n{{ 1 }}\n{{ define \"a\" }}\n{{ else }}", expected: Some("template: __alert_T:4: unexpected {{else}} in define clause"), same_in_go_1_19: true },
    Case { template: "{{-\t.x -}}", expected: None, same_in_go_1_19: true },
    Case { template: "{{- /* c */ -}}", expected: None, same_in_go_1_19: true },
    Case { template: "{{ .x }}}}", expected: None, same_in_go_1_19: true },
    Case { template: "{{ $x := 1 }}{{ $x.y.z }}", expected: None, same_in_go_1_19: true },
    Case { template: "{{ (.x).y }}", expected: None, same_in_go_1_19: true },
    Case { template: "{{ (.x) .y }}", expected: None, same_in_go_1_19: true },
    Case { template: "{{ with $x := 1 }}{{ end }}", expected: None, same_in_go_1_19: true },
    Case { template: "{{ range $x := . }}{{ end }}", expected: None, same_in_go_1_19: true },
    Case { template: "{{ range $x = . }}{{ end }}", expected: None, same_in_go_1_19: true },
    Case { template: "{{ $x := 1 }}{{ range $x, $y = . }}{{ end }}", expected: None, same_in_go_1_19: true },
    Case { template: "{{ index $labels \"a\" | printf \"%s\" | toUpper }}", expected: None, same_in_go_1_19: true },
    Case { template: "{{ 1.5e3 }}{{ 0b101 }}{{ 0o17 }}{{ 1_000 }}{{ 0x_1F }}{{ -0 }}{{ +5 }}{{ .5 }}{{ 5. }}", expected: None, same_in_go_1_19: true },
    Case { template: "{{ 1e }}", expected: Some(r#"template: __alert_T:1: illegal number syntax: "1e""#), same_in_go_1_19: true },
    Case { template: "{{ 0x1p }}", expected: Some(r#"template: __alert_T:1: illegal number syntax: "0x1p""#), same_in_go_1_19: true },
    Case { template: "{{ 1i }}{{ 0i }}{{ 1.5i }}", expected: None, same_in_go_1_19: true },
    Case { template: "{{ '\\n' }}{{ '\\x41' }}{{ '\\u00e9' }}{{ 'é' }}", expected: None, same_in_go_1_19: true },
    Case { template: "{{ '\\400' }}", expected: Some("template: __alert_T:1: invalid syntax"), same_in_go_1_19: true },
    Case { template: "{{ \"\\x\" }}", expected: Some("template: __alert_T:1: invalid syntax"), same_in_go_1_19: true },
    Case { template: "{{ $x := }}", expected: Some("template: __alert_T:1: missing value for command"), same_in_go_1_19: true },
    Case { template: "{{ := 1 }}", expected: Some(r#"template: __alert_T:1: unexpected ":=" in command"#), same_in_go_1_19: true },
    Case { template: "{{ $1 }}", expected: Some(r#"template: __alert_T:1: undefined variable "$1""#), same_in_go_1_19: true },
    Case { template: "{{ ._x }}{{ .1 }}", expected: None, same_in_go_1_19: true },
    Case { template: "{{ block \"x\" }}{{ end }}", expected: Some("template: __alert_T:1: missing value for block clause"), same_in_go_1_19: true },
    Case { template: "{{ define \"x\" }}", expected: Some("template: __alert_T:1: unexpected EOF"), same_in_go_1_19: true },
    Case { template: "{{ define x }}", expected: Some(r#"template: __alert_T:1: unexpected "x" in define clause"#), same_in_go_1_19: true },
    Case { template: "{{ if .a }}{{ define \"x\" }}{{ end }}{{ end }}", expected: Some("template: __alert_T:1: unexpected <define> in command"), same_in_go_1_19: true },
    Case { template: "{{ else if .a }}", expected: Some("template: __alert_T:1: unexpected {{else}}"), same_in_go_1_19: true },
    Case { template: "{{ range . }}{{ else if . }}{{ end }}", expected: Some("template: __alert_T:1: unexpected <if> in input"), same_in_go_1_19: true },
    Case { template: "{{ with . }}{{ break }}{{ end }}", expected: Some("template: __alert_T:1: {{break}} outside {{range}}"), same_in_go_1_19: true },
    Case { template: "{{ range . }}{{ with . }}{{ break }}{{ end }}{{ end }}", expected: None, same_in_go_1_19: true },
    Case { template: "{{ .x | (printf) }}", expected: None, same_in_go_1_19: true },
    Case { template: "{{ $labels.\"a\" }}", expected: Some(r#"template: __alert_T:1: bad character U+0022 '"'"#), same_in_go_1_19: true },
    Case { template: "{{ .ñ }}", expected: None, same_in_go_1_19: true },
    Case { template: "{{ .x² }}", expected: Some("template: __alert_T:1: bad character U+00B2 '²'"), same_in_go_1_19: true },
    Case { template: "{{ .x2 }}", expected: None, same_in_go_1_19: true },
    Case { template: "{{ 1 }}{{ \"a\" \"b\" }}{{ . 1 }}", expected: None, same_in_go_1_19: true },
    Case { template: "{{ $ := 1 }}", expected: None, same_in_go_1_19: true },
    Case { template: "{{ 0x1F.x }}", expected: Some(r#"template: __alert_T:1: bad number syntax: "0x1F.x""#), same_in_go_1_19: true },
    Case { template: "{{ 0x1.8p1 }}{{ 0X1P+2 }}", expected: None, same_in_go_1_19: true },
    Case { template: "{{ 1_000.000_1 }}{{ 1__000.5 }}", expected: Some(r#"template: __alert_T:1: illegal number syntax: "1__000.5""#), same_in_go_1_19: true },
    Case { template: "{{ 1+2 i }}", expected: Some(r#"template: __alert_T:1: bad number syntax: "1+2""#), same_in_go_1_19: true },
    Case { template: "{{ 1e5+3.5i }}", expected: None, same_in_go_1_19: true },
    Case { template: "{{ 08i }}", expected: None, same_in_go_1_19: true },
    Case { template: "{{ 0b }}", expected: Some(r#"template: __alert_T:1: illegal number syntax: "0b""#), same_in_go_1_19: true },
    Case { template: "{{ `a\nb` }}", expected: None, same_in_go_1_19: true },
    Case { template: "{{ \"\\u00e9\\U0001F600\\a\\b\\f\\v\\\\\\\"\" }}", expected: None, same_in_go_1_19: true },
    Case { template: "{{ \"\\ud800\" }}", expected: Some("template: __alert_T:1: invalid syntax"), same_in_go_1_19: true },
    Case { template: "{{ `x` | printf \"%s\" }}{{ printf \"%q\" `\\n` }}", expected: None, same_in_go_1_19: true },
    Case { template: "{{ .X | .Y }}", expected: None, same_in_go_1_19: true },
    Case { template: "{{ $labels.x | len }}", expected: None, same_in_go_1_19: true },
    Case { template: "{{ define \"a\" }}{{ block \"b\" . }}{{ $v := 1 }}{{ $v }}{{ end }}{{ end }}", expected: None, same_in_go_1_19: true },
    Case { template: "{{ define \"a\" }}{{ end }}{{ define \"a\" }}x{{ end }}", expected: None, same_in_go_1_19: true },
    Case { template: "{{ define \"a\" }}x{{ end }}{{ define \"a\" }} {{ end }}", expected: None, same_in_go_1_19: true },
    Case { template: "{{ template \"a\" $labels }}", expected: None, same_in_go_1_19: true },
    Case { template: "{{ if 1 }}{{ else }}{{ end }}{{ $value | humanize }}", expected: None, same_in_go_1_19: true },
    Case { template: "{{ printf \"%v\" (index $labels \"instance\") }}", expected: None, same_in_go_1_19: true },
    Case { template: "{{ (index $labels \"a\").b.c }}", expected: None, same_in_go_1_19: true },
    Case { template: "{{ (1).x }}", expected: None, same_in_go_1_19: true },
    Case { template: "{{ (\"a\").x }}", expected: None, same_in_go_1_19: true },
    Case { template: "{{ true.x }}", expected: Some(r#"template: __alert_T:1: unexpected . after term "true""#), same_in_go_1_19: true },
    Case { template: "{{ $.x.y }}", expected: None, same_in_go_1_19: true },
    Case { template: "{{\n}}", expected: Some("template: __alert_T:2: missing value for command"), same_in_go_1_19: true },
    Case { template: "{{ .x }\n}", expected: Some(r#"template: __alert_T:1: unexpected "}" in operand"#), same_in_go_1_19: true },
    Case { template: "a\n\t{{- 1 }}", expected: None, same_in_go_1_19: true },
    Case { template: "{{ if .a }}\n{{ else }}\n{{ else }}\n{{ end }}", expected: Some("template: __alert_T:3: expected end; found {{else}}"), same_in_go_1_19: true },
    Case { template: "{{ 1 |\n2 }}", expected: Some("template: __alert_T:2: non executable command in pipeline stage 2"), same_in_go_1_19: true },
    Case { template: "x {{\n.a\n.b\n| 1 }}", expected: Some("template: __alert_T:4: non executable command in pipeline stage 2"), same_in_go_1_19: true },
    Case { template: "{{ \"a\n\" }}", expected: Some("template: __alert_T:1: unterminated quoted string"), same_in_go_1_19: true },
    Case { template: "{{ 'a\n' }}", expected: Some("template: __alert_T:1: unterminated character constant"), same_in_go_1_19: true },
    Case { template: "{{/* a\nb */}}\n{{ $x }}", expected: Some(r#"template: __alert_T:3: undefined variable "$x""#), same_in_go_1_19: true },
    Case { template: "{{ .x\n}} {{ (\n1 }}", expected: Some("template: __alert_T:3: unclosed left paren in action started at __alert_T:2"), same_in_go_1_19: true },
];

fn check(template: &str) -> Option<String> {
    check_prometheus_alert_template(template, PROMTOOL_VERSION)
        .err()
        .map(|error| error.go_text(NAME))
}

#[test]
fn errors_match_go_texts_and_lines() {
    let mut mismatches = Vec::new();
    for case in CASES {
        let actual = check(case.template);
        if actual.as_deref() != case.expected {
            mismatches.push(format!(
                "{:?}: expected {:?}, got {:?}",
                case.template, case.expected, actual
            ));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn error_spans_point_into_the_value() {
    fn span_of(template: &str) -> &str {
        let error = check_prometheus_alert_template(template, PROMTOOL_VERSION)
            .expect_err("template should fail");
        &template[error.span.range()]
    }
    assert_eq!(span_of("ok {{ $label.instance }}"), "$label");
    assert_eq!(span_of("{{ humanize $value | foo }}"), "foo");
    assert_eq!(span_of("{{ 1x }}"), "1x");
    assert_eq!(span_of("{{ .a | 1 }}"), "1");
    assert_eq!(span_of("{{ \"abc }}"), "\"abc }}");
    assert_eq!(
        span_of("{{ if .a }}x{{ else }}y{{ else }}z{{ end }}"),
        "{{ else }}"
    );
    assert_eq!(span_of("{{ end }}"), "{{ end }}");
    assert_eq!(span_of("{{ \"a\".b }}"), "\"a\".b");
    assert_eq!(span_of("{{ printf \"%d\" 089 }}"), "089");
}

#[test]
fn function_sets_follow_the_prometheus_version() {
    let accepts = |template: &str, major, minor| {
        check_prometheus_alert_template(template, Version::new(major, minor)).is_ok()
    };
    assert!(!accepts("{{ 1 | humanizePercentage }}", 2, 10));
    assert!(accepts("{{ 1 | humanizePercentage }}", 2, 11));
    assert!(!accepts("{{ toTime 1 }}", 2, 37));
    assert!(accepts("{{ toTime 1 }}", 2, 38));
    assert!(!accepts("{{ now }}", 3, 5));
    assert!(accepts("{{ now }}", 3, 6));
    assert!(!accepts("{{ urlQueryEscape \"a b\" }}", 3, 7));
    assert!(accepts("{{ urlQueryEscape \"a b\" }}", 3, 8));
    assert!(!accepts("{{ $externalURL }}", 2, 27));
    assert!(accepts("{{ $externalURL }}", 2, 28));
    assert!(!accepts("{{ tmpl \"x\" . }}", 3, 14));
}

/// Runs promtool on the cases where Go 1.19 and current Go agree.
#[test]
fn promtool_agrees() {
    let promtool = Path::new("/usr/bin/promtool");
    if !promtool.exists() {
        eprintln!("skipping: {} is not installed", promtool.display());
        return;
    }
    let cases: Vec<&Case> = CASES.iter().filter(|case| case.same_in_go_1_19).collect();
    let mut rules = String::from("groups:\n- name: g\n  rules:\n");
    for (index, case) in cases.iter().enumerate() {
        // A JSON string is a valid double-quoted YAML scalar.
        let value = json_string(case.template);
        rules.push_str(&format!(
            "  - alert: T{index}\n    expr: up\n    annotations:\n      a: {value}\n"
        ));
    }
    let dir = std::env::temp_dir().join(format!("monlint-gotemplate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create temp dir");
    let file = dir.join("rules.yml");
    std::fs::write(&file, rules).expect("write rule file");
    let output = Command::new(promtool)
        .arg("check")
        .arg("rules")
        .arg(&file)
        .output()
        .expect("run promtool");
    let _ = std::fs::remove_dir_all(&dir);
    let stderr = String::from_utf8_lossy(&output.stderr);
    for (index, case) in cases.iter().enumerate() {
        let name = format!("{NAME}{index}");
        let marker = format!("\"T{index}\": annotation \"a\": ");
        let reported = stderr
            .lines()
            .find_map(|line| line.split_once(&marker).map(|(_, text)| text.to_owned()));
        let ours = check_prometheus_alert_template(case.template, PROMTOOL_VERSION)
            .err()
            .map(|e| e.go_text(&name));
        assert_eq!(ours, reported, "template {:?}", case.template);
    }
}

fn json_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
