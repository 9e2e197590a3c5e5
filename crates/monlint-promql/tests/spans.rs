//! Every node's span covers exactly its own source text.

use monlint_core::Span;
use monlint_promql::ast::Expr;
use monlint_promql::{ParseOptions, parse};

fn spans(input: &str) -> Vec<&str> {
    let expr = parse(input, &ParseOptions::default()).expect("valid PromQL");
    let mut texts = Vec::new();
    expr.walk(&mut |node: &Expr| texts.push(&input[node.span().range()]));
    texts
}

#[test]
fn nodes_cover_their_source_text() {
    assert_eq!(
        spans("sum(rate(x[5m])) by (job) > 0.5"),
        [
            "sum(rate(x[5m])) by (job) > 0.5",
            "sum(rate(x[5m])) by (job)",
            "rate(x[5m])",
            "x[5m]",
            "0.5",
        ]
    );
    assert_eq!(
        spans("-foo offset 5m * on(a) group_left(b) (bar @ 10)"),
        [
            "-foo offset 5m * on(a) group_left(b) (bar @ 10)",
            "-foo offset 5m",
            "foo offset 5m",
            "(bar @ 10)",
            "bar @ 10",
        ]
    );
    assert_eq!(
        spans("topk(3, rate(x{a=\"é\"}[1h:5m] offset -1m))"),
        [
            "topk(3, rate(x{a=\"é\"}[1h:5m] offset -1m))",
            "3",
            "rate(x{a=\"é\"}[1h:5m] offset -1m)",
            "x{a=\"é\"}[1h:5m] offset -1m",
            "x{a=\"é\"}",
        ]
    );
    assert_eq!(spans("- 1"), ["- 1"]);
}

#[test]
fn matcher_spans_point_inside_the_selector() {
    let input = "up{job=~\"api|web\", env!=\"dev\"}";
    let Ok(Expr::VectorSelector(selector)) = parse(input, &ParseOptions::default()) else {
        panic!("not a selector");
    };
    let texts: Vec<&str> = selector
        .matchers
        .iter()
        .map(|m| &input[m.span.range()])
        .collect();
    assert_eq!(texts, ["job=~\"api|web\"", "env!=\"dev\""]);
    assert_eq!(selector.span, Span::new(0, input.len() as u32));
}

#[test]
fn canonical_printing() {
    let cases = [
        ("sum(rate(x[5m])) by (job)", "sum by (job) (rate(x[5m]))"),
        ("a + b * c ^ d ^ e", "a + b * c ^ d ^ e"),
        ("foo offset -5m @ start()", "foo @ start() offset -5m"),
        ("x[1h:]", "x[1h:]"),
        ("1e3 + 0x10 - Inf", "1000 + 16 - Inf"),
        ("Inf ^ 2", "Inf ^ 2"),
        ("'it\\'s'", "\"it's\""),
        (
            "a > bool ignoring(b) group_right c",
            "a > bool ignoring (b) group_right () c",
        ),
        (
            "{\"my.metric\", job=\"x\"}",
            "{__name__=\"my.metric\", job=\"x\"}",
        ),
        (
            "count_values without (a) (\"v\", x)",
            "count_values without (a) (\"v\", x)",
        ),
        ("foo # a comment\n+ 1", "foo + 1"),
    ];
    for (input, printed) in cases {
        let expr = parse(input, &ParseOptions::default()).expect(input);
        assert_eq!(expr.to_string(), printed, "{input}");
    }
}
