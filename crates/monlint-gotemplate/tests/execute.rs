//! Alert template expansion checked against promtool 2.42: every expected
//! text below was printed by `promtool test rules` for an alert whose sample
//! is `m{job="j",instance="i:9"} 1234567.5`, with external label `env="prod"`
//! and external URL `http://ex.com:9090/prom`.

use std::collections::BTreeMap;

use monlint_core::Version;
use monlint_gotemplate::{AlertData, Environment, NoQueries, Sample, expand_alert_template};
use proptest::prelude::*;

fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn alert_data() -> AlertData {
    AlertData {
        labels: labels(&[("__name__", "m"), ("job", "j"), ("instance", "i:9")]),
        external_labels: labels(&[("env", "prod")]),
        external_url: "http://ex.com:9090/prom".to_owned(),
        value: 1234567.5,
    }
}

fn expand(text: &str) -> String {
    expand_alert_template("X", text, &alert_data(), Version::new(2, 42), &NoQueries)
}

const PROMTOOL_CASES: &[(&str, &str)] = &[
    ("{{ $value }}", "1.2345675e+06"),
    (
        "{{ humanize \"x\" }}",
        "<error expanding template: error executing template __alert_X: template: __alert_X:1:115: executing \"__alert_X\" at <humanize \"x\">: error calling humanize: strconv.ParseFloat: parsing \"x\": invalid syntax>",
    ),
    (
        "{{ range $k, $v := $labels }}{{ $k }}={{ $v }};{{ end }}",
        "__name__=m;instance=i:9;job=j;",
    ),
    (
        "{{ range $labels }}[{{ . }}]{{ else }}none{{ end }}",
        "[m][i:9][j]",
    ),
    (
        "{{ if eq $labels.job \"j\" }}yes{{ else if gt $value 1.0 }}big{{ else }}no{{ end }}",
        "yes",
    ),
    (
        "{{ $labels.missing }}|{{ index $labels \"job\" }}|{{ len $labels }}",
        "|j|3",
    ),
    (
        "{{ printf \"%.2f %s %d %v\" $value $labels.job 42 $labels }}",
        "1234567.50 j 42 map[__name__:m instance:i:9 job:j]",
    ),
    (
        "{{ with $labels.job }}job={{ . }}{{ end }}{{ with $labels.nope }}x{{ else }}empty{{ end }}",
        "job=jempty",
    ),
    (
        "{{ define \"t\" }}<{{ . }}>{{ end }}{{ template \"t\" $labels.job }}{{ block \"b\" 3 }}[{{ . }}]{{ end }}",
        "<j>[3]",
    ),
    (
        "{{ \"a\" | printf \"%s-%s\" \"b\" }}|{{ print 1 2 \"x\" 3 }}|{{ println \"a\" 1 }}",
        "b-a|1 2x3|a 1\n",
    ),
    (
        "{{ humanize 1234567 }}|{{ humanize 0.000123 }}|{{ humanize1024 1048576 }}|{{ humanizeDuration 0.25 }}|{{ humanizePercentage 0.5 }}",
        "1.235M|123u|1Mi|250ms|50%",
    ),
    (
        "{{ humanizeTimestamp 1700000000.123 }}|{{ toTime 1700000000 }}|{{ title \"foo bar\" }}|{{ toUpper \"a\" }}|{{ toLower \"B\" }}",
        "2023-11-14 22:13:20.122 +0000 UTC|2023-11-14 22:13:20 +0000 UTC|Foo Bar|A|b",
    ),
    (
        "{{ match \"^j\" $labels.job }}|{{ reReplaceAll \"(j)\" \"x$1\" \"jjj\" }}|{{ stripPort \"a.b:80\" }}|{{ stripDomain \"a.b.c:80\" }}|{{ parseDuration \"1h\" }}",
        "true|xjxjxj|a.b|a:80|3600",
    ),
    (
        "{{ eq 1 1.0 }}",
        "<error expanding template: error executing template __alert_X: template: __alert_X:1:115: executing \"__alert_X\" at <eq 1 1.0>: error calling eq: incompatible types for comparison>",
    ),
    (
        "{{ lt \"a\" \"b\" }}|{{ and 1 0 }}|{{ or 0 \"\" \"z\" }}|{{ not 0 }}|{{ html \"<a&b>\" }}|{{ js \"a'b<\" }}|{{ urlquery \"a b&c\" }}|{{ slice \"hello\" 1 3 }}",
        "true|0|z|true|&lt;a&amp;b&gt;|a\\'b\\u003C|a+b%26c|el",
    ),
    (
        "{{ range $i, $e := $labels }}{{ if eq $i \"job\" }}{{ break }}{{ end }}{{ $i }}{{ end }}",
        "__name__instance",
    ),
    (
        "{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}",
        "2",
    ),
    (
        "{{ printf \"%q %x %X %5s|%-5d|%+d %e %g %t %08.3f\" \"q\\n\" \"hi\" 255 \"ab\" 3 4 1234.5678 0.00001 true 3.14159 }}",
        "\"q\\n\" 6869 FF    ab|3    |+4 1.234568e+03 1e-05 true 0003.142",
    ),
    (
        "{{ 1 | humanize }}|{{ 1.5e3 }}|{{ 0x10 }}|{{ 'a' }}|{{ -0.0 }}",
        "1|1500|16|97|-0",
    ),
    (
        "{{ template \"nope\" }}",
        "<error expanding template: error executing template __alert_X: template: __alert_X:1:124: executing \"__alert_X\" at <{{template \"nope\"}}>: template \"nope\" not defined>",
    ),
    (
        "{{ len 3 }}",
        "<error expanding template: error executing template __alert_X: template: __alert_X:1:115: executing \"__alert_X\" at <len 3>: error calling len: len of type int>",
    ),
    (
        "{{ index $labels 1 }}",
        "<error expanding template: error executing template __alert_X: template: __alert_X:1:115: executing \"__alert_X\" at <index $labels 1>: error calling index: value has type int; should be string>",
    ),
    (
        "{{ .Foo }}",
        "<error expanding template: error executing template __alert_X: template: __alert_X:1:115: executing \"__alert_X\" at <.Foo>: can't evaluate field Foo in type struct { Labels map[string]string; ExternalLabels map[string]string; ExternalURL string; Value float64 }>",
    ),
    ("{{ printf \"%d\" }}", "%!d(MISSING)"),
    (
        "{{ humanizeDuration -3700 }}|{{ humanize -0.5 }}|{{ humanize1024 -2048 }}|{{ humanizeTimestamp \"NaN\" }}",
        "-1h 1m 40s|-500m|-2ki|NaN",
    ),
    (
        "{{ toTime \"x\" }}|",
        "<error expanding template: error executing template __alert_X: template: __alert_X:1:115: executing \"__alert_X\" at <toTime \"x\">: error calling toTime: strconv.ParseFloat: parsing \"x\": invalid syntax>",
    ),
    (
        "{{ . }}",
        "{map[__name__:m instance:i:9 job:j] map[env:prod] http://ex.com:9090/prom 1.2345675e+06}",
    ),
    (
        "{{ humanize 1 2 }}",
        "<error expanding template: error executing template __alert_X: template: __alert_X:1:115: executing \"__alert_X\" at <humanize>: wrong number of args for humanize: want 1 got 2>",
    ),
    (
        "{{ toUpper 1 }}",
        "<error expanding template: error executing template __alert_X: template: __alert_X:1:123: executing \"__alert_X\" at <1>: expected string; found 1>",
    ),
    (
        "{{ printf 1 }}",
        "<error expanding template: error executing template __alert_X: template: __alert_X:1:122: executing \"__alert_X\" at <1>: expected string; found 1>",
    ),
    ("{{ \"x\" | toUpper }}", "X"),
    (
        "{{ not }}",
        "<error expanding template: error executing template __alert_X: template: __alert_X:1:115: executing \"__alert_X\" at <not>: wrong number of args for not: want 1 got 0>",
    ),
    (
        "{{ eq 1 }}",
        "<error expanding template: error executing template __alert_X: template: __alert_X:1:115: executing \"__alert_X\" at <eq 1>: error calling eq: missing argument for comparison>",
    ),
    (
        "{{ lt true false }}",
        "<error expanding template: error executing template __alert_X: template: __alert_X:1:115: executing \"__alert_X\" at <lt true false>: error calling lt: invalid type for comparison>",
    ),
    (
        "{{ index $labels \"a\" \"b\" }}",
        "<error expanding template: error executing template __alert_X: template: __alert_X:1:115: executing \"__alert_X\" at <index $labels \"a\" \"b\">: error calling index: cannot index slice/array with type string>",
    ),
    (
        "{{ 1 | humanize | toUpper }}{{ nil | print }}",
        "<error expanding template: error executing template __alert_X: template: __alert_X:1:143: executing \"__alert_X\" at <nil>: nil is not a command>",
    ),
    (
        "{{ range 3 }}x{{ end }}",
        "<error expanding template: error executing template __alert_X: template: __alert_X:1:121: executing \"__alert_X\" at <3>: range can't iterate over 3>",
    ),
    (
        "{{ $labels.job.x }}",
        "<error expanding template: error executing template __alert_X: template: __alert_X:1:122: executing \"__alert_X\" at <$labels.job.x>: can't evaluate field x in type string>",
    ),
    (
        "{{ and }}",
        "<error expanding template: error executing template __alert_X: template: __alert_X:1:115: executing \"__alert_X\" at <and>: wrong number of args for and: want at least 1 got 0>",
    ),
    (
        "{{ match \"a\" }}",
        "<error expanding template: error executing template __alert_X: template: __alert_X:1:115: executing \"__alert_X\" at <match>: wrong number of args for match: want 2 got 1>",
    ),
    (
        "{{ eq \"a\" \"b\" \"a\" }}|{{ ne 1 2 }}|{{ le 2.5 2.5 }}|{{ len \"h\u{e9}llo\" }}",
        "true|true|true|6",
    ),
    (
        "{{ html 1 2 }}|{{ print nil }}|{{ printf \"%s\" nil }}|{{ printf \"%v %d\" true 1.5 }}",
        "1 2|<nil>|%!s(<nil>)|true %!d(float64=1.5)",
    ),
    (
        "line1\n{{ humanize \"y\" }}",
        "<error expanding template: error executing template __alert_X: template: __alert_X:2:3: executing \"__alert_X\" at <humanize \"y\">: error calling humanize: strconv.ParseFloat: parsing \"y\": invalid syntax>",
    ),
    (
        "{{ reReplaceAll \"(\" \"\" \"x\" }}",
        "<error expanding template: error executing template __alert_X: template: __alert_X:1:115: \
         executing \"__alert_X\" at <reReplaceAll \"(\" \"\" \"x\">: error calling reReplaceAll: \
         regexp: Compile(`(`): error parsing regexp: missing closing ): `(`>",
    ),
    (
        "{{ humanize 999.99 }}|{{ humanize 1000 }}|{{ humanize 1e30 }}|{{ humanize 0.0000000000000000000000000001 }}|{{ humanize \"Inf\" }}|{{ humanize \"-inf\" }}|{{ humanize \"NaN\" }}",
        "1000|1k|1e+06Y|0.0001y|+Inf|-Inf|NaN",
    ),
    (
        "{{ humanize1024 1 }}|{{ humanize1024 1023.9 }}|{{ humanize1024 1e30 }}|{{ humanize1024 0.5 }}",
        "1|1024|8.272e+05Yi|0.5",
    ),
    (
        "{{ humanizeDuration 59.99 }}|{{ humanizeDuration 60 }}|{{ humanizeDuration 86400 }}|{{ humanizeDuration 0.000001 }}|{{ humanizeDuration -0.5 }}|{{ humanizeDuration \"1e10\" }}",
        "59.99s|1m 0s|1d 0h 0m 0s|1us|-500ms|115740d 17h 46m 40s",
    ),
    (
        "{{ humanizePercentage 1 }}|{{ humanizePercentage 0.000123 }}|{{ humanizePercentage -0.5 }}",
        "100%|0.0123%|-50%",
    ),
    (
        "{{ humanizeTimestamp 0 }}|{{ humanizeTimestamp -1.5 }}|{{ humanizeTimestamp 253402300800 }}|{{ toTime 1.5 }}",
        "<error expanding template: error executing template __alert_X: template: __alert_X:1:170: executing \"__alert_X\" at <humanizeTimestamp 253402300800>: error calling humanizeTimestamp: 2.534023008e+11 cannot be represented as a nanoseconds timestamp since it overflows int64>",
    ),
    (
        "{{ printf \"%6.2f|%-8.3e|%+.1f|%x|%X|%o|%b|%c|%U\" 3.14159 1234.5 2.0 -255 \"Hi\" 8 5 65 65 }}",
        "  3.14|1.234e+03|+2.0|-ff|4869|10|101|A|U+0041",
    ),
    (
        "{{ printf \"%v|%.3v|%10v|%-10v|%s\" 0.1 3.14159 \"r\" \"l\" 1 }}",
        "0.1|3.14|         r|l         |%!s(int=1)",
    ),
    (
        "{{ printf \"%5t|%q|%#x|% d|%+q\" false \"tab\\there\" 255 5 \"é\" }}",
        "false|\"tab\\there\"|0xff| 5|\"\\u00e9\"",
    ),
    (
        "{{ printf \"%.0f|%.1f|%.0f|%g|%G|%E\" 2.5 0.25 3.5 1e-7 1e21 12.5 }}",
        "2|0.2|4|1e-07|1E+21|1.250000E+01",
    ),
    (
        "{{ 0.1 }}|{{ 123456.7 }}|{{ 1e100 }}|{{ 5e-324 }}|{{ 1.7976931348623157e308 }}|{{ 100000.0 }}|{{ 999999.0 }}|{{ 0.0001 }}|{{ 0.00001234 }}",
        "0.1|123456.7|1e+100|5e-324|1.7976931348623157e+308|100000|999999|0.0001|1.234e-05",
    ),
    (
        "{{ title \"ßtraße über-all_x 3rd\" }}|{{ toUpper \"straße\" }}|{{ toLower \"ÀB\" }}",
        "ßtraße Über-All_x 3rd|STRAßE|àb",
    ),
    (
        "{{ stripPort \"[::1]\" }}|{{ stripPort \"a:b:c\" }}|{{ stripPort \"host\" }}|{{ stripDomain \"[::1]:80\" }}|{{ stripDomain \"h\" }}|{{ stripDomain \"a.b\" }}",
        "[::1]|a:b:c|host|[::1]:80|h|a",
    ),
    (
        "{{ parseDuration \"1y2w3d4h5m6s7ms\" }}|{{ parseDuration \"0\" }}|{{ parseDuration \"90m\" }}",
        "3.3019506007e+07|0|5400",
    ),
    (
        "{{ parseDuration \"\" }}",
        "<error expanding template: error executing template __alert_X: template: __alert_X:1:115: executing \"__alert_X\" at <parseDuration \"\">: error calling parseDuration: empty duration string>",
    ),
    (
        "{{ parseDuration \"1.5h\" }}",
        "<error expanding template: error executing template __alert_X: template: __alert_X:1:115: executing \"__alert_X\" at <parseDuration \"1.5h\">: error calling parseDuration: not a valid duration string: \"1.5h\">",
    ),
    (
        "{{ printf \"%s %d\" }}|{{ printf \"%!\" }}|{{ printf \"%\" }}|{{ printf \"%z\" 1 }}",
        "%!s(MISSING) %!d(MISSING)|%!!(MISSING)|%!(NOVERB)|%!z(int=1)",
    ),
    (
        "{{ len $labels.job }}|{{ slice \"abc\" 1 }}|{{ index \"abc\" 1 }}|{{ print \"a\" \"b\" 1 2 true }}",
        "1|bc|98|ab1 2 true",
    ),
    (
        "{{ with $x := $labels.job }}{{ $x }}-{{ . }}{{ end }}",
        "j-j",
    ),
    (
        "{{ range $k, $v := .Labels }}{{ if eq $k \"job\" }}{{ continue }}{{ end }}{{ $k }},{{ end }}",
        "__name__,instance,",
    ),
    (
        "{{ if and (eq $labels.job \"j\") (gt $value 1.0) }}both{{ end }}",
        "both",
    ),
    (
        "{{ define \"T\" }}{{ $.job }}/{{ .instance }}{{ end }}{{ template \"T\" .Labels }}",
        "j/i:9",
    ),
    (
        "{{ block \"b\" . }}default{{ .job }}{{ end }}",
        "<error expanding template: error executing template __alert_X: template: __alert_X:1:139: executing \"b\" at <.job>: can't evaluate field job in type struct { Labels map[string]string; ExternalLabels map[string]string; ExternalURL string; Value float64 }>",
    ),
    ("{{- \" a \" -}}  {{- \" b \" -}}", " a  b "),
    (
        "{{ $v := 1 }}{{ range $labels }}{{ $v = . }}{{ end }}{{ $v }}",
        "j",
    ),
    (
        "{{ with $labels.nope }}x{{ else }}{{ with $labels.job }}w{{ . }}{{ end }}{{ end }}",
        "wj",
    ),
    (
        "{{ range $i, $e := $labels }}{{ $i }}{{ break }}{{ end }}|{{ range $labels }}{{ else }}e{{ end }}",
        "__name__|",
    ),
    (
        "{{ len .Labels }}|{{ .Labels.job }}|{{ $.Labels.instance }}|{{ $externalLabels.env }}|{{ .ExternalLabels.nope }}|{{ $externalURL }}",
        "3|j|i:9|prod||http://ex.com:9090/prom",
    ),
    (
        "{{ if $value }}t{{ end }}{{ if \"\" }}s{{ else }}f{{ end }}{{ if 0.0 }}z{{ end }}{{ if .Labels }}m{{ end }}",
        "tfm",
    ),
    (
        "{{ (index $labels \"job\") | printf \"%s!\" }}|{{ ($labels).job }}|{{ printf \"%v\" (len $labels) }}",
        "j!|j|3",
    ),
    (
        "{{ not $labels }}|{{ not \"\" }}|{{ or $labels.nope \"dflt\" }}|{{ and \"a\" \"b\" }}",
        "false|true|dflt|b",
    ),
    (
        "{{ printf \"%.2f\" (humanize 1 | len | print) }}",
        "%!f(string=1)",
    ),
    (
        "{{ template \"x\" }}{{ define \"x\" }}X{{ . }}{{ end }}",
        "X<no value>",
    ),
    (
        "{{ printf \"%s\" $labels }}|{{ printf \"%d\" $labels }}|{{ printf \"%v\" . }}",
        "map[__name__:m instance:i:9 job:j]|map[%!d(string=__name__):%!d(string=m) %!d(string=instance):%!d(string=i:9) %!d(string=job):%!d(string=j)]|{map[__name__:m instance:i:9 job:j] map[env:prod] http://ex.com:9090/prom 1.2345675e+06}",
    ),
    (
        "{{ 0x1p3 }}|{{ -0x10 }}|{{ 1_000 }}|{{ 1e3 }}",
        "8|-16|1000|1000",
    ),
    (
        "{{ 18446744073709551615 }}",
        "<error expanding template: error executing template __alert_X: template: __alert_X:1:115: executing \"__alert_X\" at <18446744073709551615>: 18446744073709551615 overflows int>",
    ),
];

#[test]
fn expansions_match_promtool() {
    let mut mismatches = Vec::new();
    for (template, expected) in PROMTOOL_CASES {
        let got = expand(template);
        if got != *expected {
            mismatches.push(format!("{template}\n  got: {got}\n  exp: {expected}"));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn query_without_engine_is_a_clear_error() {
    assert_eq!(
        expand("{{ query \"up\" }}"),
        "<error expanding template: error executing template __alert_X: template: __alert_X:1:115: \
         executing \"__alert_X\" at <query \"up\">: error calling query: query is not supported yet>"
    );
}

struct OneSample;

impl Environment for OneSample {
    fn query(&self, expression: &str) -> Result<Vec<Sample>, String> {
        Ok(vec![Sample {
            labels: labels(&[("expr", expression), ("__value__", "7")]),
            value: 7.0,
        }])
    }
}

#[test]
fn query_results_feed_first_label_and_value() {
    let text = "{{ with query \"up\" }}{{ . | first | label \"expr\" }}={{ . | first | value }}\
                /{{ range . }}{{ .Value }}{{ end }}{{ end }}";
    assert_eq!(
        expand_alert_template("X", text, &alert_data(), Version::new(2, 42), &OneSample),
        "up=7/7"
    );
}

struct NoSamples;

impl Environment for NoSamples {
    fn query(&self, _expression: &str) -> Result<Vec<Sample>, String> {
        Ok(Vec::new())
    }
}

#[test]
fn first_of_an_empty_result_fails_as_in_promtool() {
    let text = "{{ first (query \"up\") }}";
    assert_eq!(
        expand_alert_template("X", text, &alert_data(), Version::new(2, 42), &NoSamples),
        "<error expanding template: error executing template __alert_X: template: __alert_X:1:115: \
         executing \"__alert_X\" at <first (query \"up\")>: error calling first: \
         first() called on vector with no elements>"
    );
}

#[test]
fn parse_errors_use_promtool_wording() {
    assert_eq!(
        expand("{{ $nope }}"),
        "<error expanding template: error parsing template __alert_X: \
         template: __alert_X:1: undefined variable \"$nope\">"
    );
}

#[test]
fn recursive_templates_stop() {
    let text = "{{define \"a\"}}{{template \"a\"}}{{template \"a\"}}{{end}}{{template \"a\"}}";
    assert!(expand(text).starts_with("<error expanding template:"));
}

#[test]
fn deep_recursion_through_nested_blocks_stops_without_overflowing_the_stack() {
    let nested_ifs = "{{if true}}".repeat(60);
    let ends = "{{end}}".repeat(60);
    let text = format!(
        "{{{{define \"a\"}}}}{nested_ifs}{{{{template \"a\"}}}}{ends}{{{{end}}}}{{{{template \"a\"}}}}"
    );
    let expanded = expand(&text);
    assert!(
        expanded.contains("exceeded maximum template depth (256)"),
        "{expanded}"
    );
}

/// Operands of every type the executor handles.
const OPERANDS: &[&str] = &[
    "$value",
    "$labels",
    "$labels.job",
    ".Labels",
    ".Value",
    "$externalURL",
    ".",
    "\"x\"",
    "\"1.5\"",
    "\"%d %s %v %.2f %q\"",
    "\"(a)\"",
    "\"a.b:1\"",
    "\"1h\"",
    "0",
    "-3",
    "2.5",
    "1e300",
    "true",
    "nil",
    "(len $labels)",
    "(query \"up\")",
];

/// Function names, including ones that will get the wrong argument types.
const FUNCTIONS: &[&str] = &[
    "humanize",
    "humanize1024",
    "humanizeDuration",
    "humanizePercentage",
    "humanizeTimestamp",
    "toTime",
    "title",
    "toUpper",
    "match",
    "reReplaceAll",
    "stripPort",
    "stripDomain",
    "parseDuration",
    "first",
    "label",
    "value",
    "sortByLabel",
    "printf",
    "print",
    "len",
    "index",
    "slice",
    "eq",
    "lt",
    "and",
    "or",
    "not",
    "html",
    "js",
    "urlquery",
];

/// Well-formed templates built from actions, conditionals, ranges and
/// template calls over the operands and functions above.
fn template_text() -> impl Strategy<Value = String> {
    let operand = proptest::sample::select(OPERANDS).prop_map(str::to_owned);
    let call = (
        proptest::sample::select(FUNCTIONS),
        proptest::collection::vec(operand.clone(), 0..4),
    )
        .prop_map(|(function, args)| format!("{function} {}", args.join(" ")));
    let pipeline = prop_oneof![
        operand.clone(),
        call.clone(),
        (operand, call).prop_map(|(o, c)| format!("{o} | {c}"))
    ];
    let leaf = prop_oneof![
        Just("text ".to_owned()),
        pipeline.clone().prop_map(|p| format!("{{{{ {p} }}}}")),
        pipeline
            .clone()
            .prop_map(|p| format!("{{{{ $v := {p} }}}}{{{{ $v }}}}")),
        Just("{{ template \"t\" . }}".to_owned()),
    ];
    leaf.prop_recursive(4, 24, 4, move |inner| {
        let body = proptest::collection::vec(inner, 1..4).prop_map(|parts| parts.concat());
        (
            proptest::sample::select(&["if", "with", "range"][..]),
            pipeline.clone(),
            body.clone(),
            body,
        )
            .prop_map(|(keyword, condition, then, otherwise)| {
                format!(
                    "{{{{ {keyword} {condition} }}}}{then}{{{{ else }}}}{otherwise}{{{{ end }}}}"
                )
            })
    })
    .prop_map(|body| format!("{{{{ define \"t\" }}}}[{{{{ . }}}}]{{{{ end }}}}{body}"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn executing_any_parsed_template_never_panics(
        text in "(\\{\\{|\\}\\}|range|if|else|end|with|define|template|block|break|continue|\\$labels|\\$value|\\.Labels|\\.|\\||\"a\"|1|2\\.5|humanize|printf|\"%d\"|eq|len|index|and|or|not|\\(|\\)|:=|\\$x|=| ){0,24}"
    ) {
        let _ = expand(&text);
    }

    #[test]
    fn well_formed_templates_parse_and_execute_without_panicking(text in template_text()) {
        let expanded = expand_alert_template("X", &text, &alert_data(), Version::new(2, 42), &OneSample);
        prop_assert!(!expanded.starts_with("<error expanding template: error parsing"), "{text}: {expanded}");
    }
}
