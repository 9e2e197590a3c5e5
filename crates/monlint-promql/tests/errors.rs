//! Error texts and positions. Expected texts are Prometheus 3.x's; the
//! `promtool` marks were checked against promtool 2.42, which prints the same.

use monlint_core::{Span, Version};
use monlint_promql::{ParseOptions, parse};

fn error_of(input: &str, opts: &ParseOptions) -> (String, Span) {
    match parse(input, opts) {
        Ok(expr) => panic!("{input:?} parsed as {expr}"),
        Err(error) => (error.prometheus_text(input), error.span),
    }
}

/// (input, full Prometheus text, span start, span end)
const CASES: &[(&str, &str, u32, u32)] = &[
    // Lexical errors run from the offending token to the end of the input.
    (
        "foo)",
        "1:5: parse error: unexpected right parenthesis ')'",
        4,
        4,
    ),
    (
        "rate(foo",
        "1:9: parse error: unclosed left parenthesis",
        8,
        8,
    ),
    (
        "(1 + 2",
        "1:7: parse error: unclosed left parenthesis",
        6,
        6,
    ),
    ("foo[5m", "1:7: parse error: unclosed left bracket", 6, 6),
    (
        "foo{a=\"b\"",
        "1:10: parse error: unexpected end of input inside braces",
        9,
        9,
    ),
    ("$", "1:1: parse error: unexpected character: '$'", 0, 1),
    (
        "!foo",
        "1:1: parse error: unexpected character after '!': 'f'",
        0,
        4,
    ),
    (
        "foo !~ bar",
        "1:5: parse error: unexpected character after '!': '~'",
        4,
        10,
    ),
    ("'abc", "1:1: parse error: unterminated quoted string", 0, 4),
    (
        "\"\\q\"",
        "1:1: parse error: unknown escape sequence U+0071 'q'",
        0,
        4,
    ),
    (
        "foo{a=\"\\xzz\"}",
        "1:7: parse error: illegal character U+007A 'z' in escape sequence",
        6,
        13,
    ),
    (
        "foo[",
        "1:5: parse error: unexpected end of input in duration expression",
        4,
        4,
    ),
    (
        "5mm",
        "1:1: parse error: bad number or duration syntax: \"5mm\"",
        0,
        3,
    ),
    (
        "foo{a=~\"x\"{",
        "1:11: parse error: unexpected left brace '{'",
        10,
        11,
    ),
    // Syntax errors point at the unexpected token.
    (
        "",
        "unknown position: parse error: no expression found in input",
        0,
        0,
    ),
    (
        "   ",
        "1:1: parse error: no expression found in input",
        0,
        0,
    ),
    ("1 +", "1:4: parse error: unexpected end of input", 3, 3),
    (
        "foo bar",
        "1:5: parse error: unexpected identifier \"bar\"",
        4,
        7,
    ),
    ("foo 5", "1:5: parse error: unexpected number \"5\"", 4, 5),
    ("sum 5", "1:5: parse error: unexpected number \"5\"", 4, 5),
    (
        "rate(foo bar)",
        "1:10: parse error: unexpected identifier \"bar\"",
        9,
        12,
    ),
    (
        "foo{a}",
        "1:6: parse error: unexpected \"}\" in label matching, expected label matching operator",
        5,
        6,
    ),
    (
        "foo{a=}",
        "1:7: parse error: unexpected \"}\" in label matching, expected string",
        6,
        7,
    ),
    (
        "foo{a=\"b\" c=\"d\"}",
        "1:11: parse error: unexpected identifier \"c\" in label matching, expected \",\" or \"}\"",
        10,
        11,
    ),
    (
        "sum by foo (bar)",
        "1:8: parse error: unexpected identifier \"foo\" in grouping opts, expected \"(\"",
        7,
        10,
    ),
    (
        "sum by (foo bar) (x)",
        "1:13: parse error: unexpected identifier \"bar\" in grouping opts, expected \",\" or \")\"",
        12,
        15,
    ),
    (
        "sum by (5) (x)",
        "1:9: parse error: unexpected number \"5\" in grouping opts, expected label",
        8,
        9,
    ),
    (
        "a * group_left b",
        "1:5: parse error: unexpected <group_left>",
        4,
        14,
    ),
    (
        "sum without(a) (x) by (b)",
        "1:20: parse error: unexpected <by>",
        19,
        21,
    ),
    (
        "foo offset",
        "1:11: parse error: unexpected end of input in offset, expected number, duration, step(), or range()",
        10,
        10,
    ),
    (
        "foo @",
        "1:6: parse error: unexpected end of input in @, expected timestamp",
        5,
        5,
    ),
    (
        "foo[5m 1m]",
        "1:8: parse error: unexpected duration \"1m\" in subquery or range, expected \":\" or \"]\"",
        7,
        9,
    ),
    (
        "foo[5m b]",
        "1:8: parse error: unexpected character: 'b', expected ':'",
        7,
        9,
    ),
    (
        "rate(foo[5m],)",
        "1:13: parse error: trailing commas not allowed in function call args",
        12,
        13,
    ),
    // Checks made while parsing.
    (
        "foo[0s]",
        "1:5: parse error: duration must be greater than 0",
        4,
        6,
    ),
    (
        "(foo)[5m]",
        "1:6: parse error: ranges only allowed for vector selectors",
        5,
        9,
    ),
    (
        "foo offset 1m[5m]",
        "1:14: parse error: no offset modifiers allowed before range",
        13,
        17,
    ),
    (
        "(foo) offset 5m",
        "1:1: parse error: offset modifier must be preceded by an instant vector selector or range vector selector or a subquery",
        0,
        5,
    ),
    (
        "foo offset 5m offset 1m",
        "1:1: parse error: offset may not be set multiple times",
        0,
        13,
    ),
    (
        "foo @ 1 @ 2",
        "1:1: parse error: @ <timestamp> may not be set multiple times",
        0,
        7,
    ),
    (
        "foo[5m] @ start() @ end()",
        "1:1: parse error: @ <timestamp> may not be set multiple times",
        0,
        17,
    ),
    (
        "foo(bar)",
        "1:1: parse error: unknown function with name \"foo\"",
        0,
        3,
    ),
    (
        "topk(foo)",
        "1:1: parse error: wrong number of arguments for aggregate expression provided, expected 2, got 1",
        0,
        9,
    ),
    (
        "sum()",
        "1:1: parse error: no arguments for aggregate expression provided",
        0,
        5,
    ),
    (
        "0x",
        "1:1: parse error: error parsing number: strconv.ParseFloat: parsing \"0x\": invalid syntax",
        0,
        2,
    ),
    (
        "1e400",
        "1:1: parse error: error parsing number: strconv.ParseFloat: parsing \"1e400\": value out of range",
        0,
        5,
    ),
    (
        "sort_by_label(foo, \"a\")",
        "1:1: parse error: function \"sort_by_label\" is not enabled",
        0,
        13,
    ),
    (
        "limitk(1, foo)",
        "1:1: parse error: limitk() is experimental and must be enabled with --enable-feature=promql-experimental-functions",
        0,
        14,
    ),
    (
        "foo[5m:1m+1m]",
        "1:8: parse error: experimental duration expression is not enabled",
        7,
        10,
    ),
    // Type checks (checkAST).
    (
        "rate(foo)",
        "1:6: parse error: expected type range vector in call to function \"rate\", got instant vector",
        5,
        8,
    ),
    (
        "1 == 1",
        "1:3: parse error: comparisons between scalars must use BOOL modifier",
        2,
        4,
    ),
    (
        "foo + bool bar",
        "1:5: parse error: bool modifier can only be used on comparison operators",
        4,
        10,
    ),
    (
        "-foo[5m]",
        "1:1: parse error: unary expression only allowed on expressions of type scalar or instant vector, got \"range vector\"",
        0,
        8,
    ),
    (
        "x[5m][5m:]",
        "1:1: parse error: subquery is only allowed on instant vector, got matrix instead",
        0,
        10,
    ),
    (
        "{}",
        "1:1: parse error: vector selector must contain at least one non-empty matcher",
        0,
        2,
    ),
    (
        "{a=~\".*\"}",
        "1:1: parse error: vector selector must contain at least one non-empty matcher",
        0,
        9,
    ),
    (
        "foo{__name__=\"bar\"}",
        "1:1: parse error: metric name must not be set twice: \"foo\" or \"bar\"",
        0,
        19,
    ),
    (
        "count_values(1, foo)",
        "1:14: parse error: expected type string in aggregation parameter, got scalar",
        13,
        14,
    ),
    (
        "sum(foo[5m])",
        "1:5: parse error: expected type instant vector in aggregation expression, got range vector",
        4,
        11,
    ),
    (
        "foo and 1",
        "1:1: parse error: set operator \"and\" not allowed in binary scalar expression",
        0,
        9,
    ),
    (
        "foo + on(a) group_left(a) bar",
        "1:5: parse error: label \"a\" must not occur in ON and GROUP clause at once",
        4,
        25,
    ),
    (
        "1 + on(a) foo",
        "1:1: parse error: vector matching only allowed between instant vectors",
        0,
        13,
    ),
    (
        "foo and on(a) group_left bar",
        "1:1: parse error: no grouping allowed for \"and\" operation",
        0,
        28,
    ),
    (
        "abs(foo, bar)",
        "1:1: parse error: expected 1 argument(s) in call to \"abs\", got 2",
        0,
        13,
    ),
    (
        "label_join(foo)",
        "1:1: parse error: expected at least 3 argument(s) in call to \"label_join\", got 1",
        0,
        15,
    ),
    (
        "round(foo, 1, 2)",
        "1:1: parse error: expected at most 2 argument(s) in call to \"round\", got 3",
        0,
        16,
    ),
    (
        "foo[5m] +\n  bar[5m]",
        "1:1: parse error: binary expression must contain only scalar and instant vector types",
        0,
        7,
    ),
    (
        "foo +\n  bar[5m]",
        "2:3: parse error: binary expression must contain only scalar and instant vector types",
        8,
        15,
    ),
];

#[test]
fn reports_prometheus_messages_at_the_right_place() {
    let opts = ParseOptions::default();
    let mut failures = Vec::new();
    for &(input, text, start, end) in CASES {
        let (got_text, got_span) = error_of(input, &opts);
        if got_text != text || got_span != Span::new(start, end) {
            failures.push(format!(
                "{input:?}\n  want {text} @ {start}..{end}\n  got  {got_text} @ {}..{}",
                got_span.start, got_span.end
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn version_decides_the_grammar_and_functions() {
    let v2 = ParseOptions {
        version: Version::new(2, 42),
        ..ParseOptions::default()
    };
    assert!(parse("holt_winters(foo[5m], 0.5, 0.5)", &v2).is_ok());
    assert_eq!(
        error_of("holt_winters(foo[5m], 0.5, 0.5)", &ParseOptions::default()).0,
        "1:1: parse error: unknown function with name \"holt_winters\""
    );
    assert_eq!(
        error_of("foo offset", &v2).0,
        "1:11: parse error: unexpected end of input in offset, expected duration"
    );
    // Numbers as durations and UTF-8 names arrived with 3.x.
    assert!(parse("foo[300]", &ParseOptions::default()).is_ok());
    assert!(parse("foo[300]", &v2).is_err());
    assert!(parse("{\"my.metric\", job=\"x\"}", &ParseOptions::default()).is_ok());
    assert!(parse("{\"my.metric\"}", &v2).is_err());
    assert!(parse("5m", &ParseOptions::default()).is_ok());
    assert_eq!(
        error_of("5m", &v2).0,
        "1:1: parse error: unexpected duration \"5m\""
    );
    let experimental = ParseOptions {
        experimental_functions: true,
        ..ParseOptions::default()
    };
    assert!(parse("limitk(1, foo)", &experimental).is_ok());
    // info() takes a bare label selector, which may match empty.
    assert!(parse("info(up, {k8s_cluster=~\".*\"})", &experimental).is_ok());
    assert_eq!(
        error_of("info(up, target_info)", &experimental).0,
        "1:10: parse error: expected label selectors only, got vector selector instead"
    );
    assert_eq!(
        error_of("info(up, sum(x))", &experimental).0,
        "1:10: parse error: expected label selectors only"
    );
    assert!(
        parse(
            "double_exponential_smoothing(foo[5m], 0.5, 0.5)",
            &experimental
        )
        .is_ok()
    );
}

#[test]
fn deep_nesting_is_refused_not_overflowing() {
    let opts = ParseOptions::default();
    let deep = format!("{}1{}", "(".repeat(10_000), ")".repeat(10_000));
    let error = parse(&deep, &opts).expect_err("too deep");
    assert!(
        error.message.contains("nested too deeply"),
        "{}",
        error.message
    );
    let unary = format!("{}foo", "-".repeat(5_000));
    assert!(parse(&unary, &opts).is_err());
    // The test harness runs this on a 2 MiB thread: the limit itself must fit,
    // through parsing, checking, printing and dropping.
    let depth = monlint_promql::MAX_DEPTH - 1;
    let shapes = [
        format!("{}1{}", "(".repeat(depth), ")".repeat(depth)),
        format!("{}foo", "-".repeat(depth)),
        format!("{}foo{}", "abs(".repeat(depth - 1), ")".repeat(depth - 1)),
        format!("{}foo{}", "sum(".repeat(depth - 1), ")".repeat(depth - 1)),
        vec!["foo"; depth].join(" + "),
    ];
    for input in shapes {
        let expr = parse(&input, &opts);
        assert!(expr.is_ok(), "{:?}", expr.err());
        assert!(!expr.map(|e| e.to_string()).unwrap_or_default().is_empty());
    }
}

/// promtool accepts a flat chain of any length (1,000 `+`, a 1 MB `or` chain): a
/// chain is not nesting, and parsing, checking, printing and dropping a chain of
/// 100,000 operands must not overflow the test harness's 2 MiB thread stack.
#[test]
fn flat_chains_of_any_length_are_accepted() {
    let opts = ParseOptions::default();
    for (operator, operands) in [(" + ", 1_000), (" or ", 100_000), (" / ", 100_000)] {
        let chain = vec!["foo"; operands].join(operator);
        let expr = parse(&chain, &opts).unwrap_or_else(|e| panic!("{operator}: {}", e.message));
        assert_eq!(expr.to_string().len(), chain.len());
    }
}
