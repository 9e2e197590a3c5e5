//! Hand-written checks of node spans and of `value_span` for each scalar style.

use monlint_core::yaml::{Limits, Node, NodeKind, ScalarStyle, Span, parse_stream};

fn parse_one(src: &str) -> Node {
    let (mut documents, error) = parse_stream(src, &Limits::default());
    assert_eq!(error, None, "{src:?}");
    assert_eq!(documents.len(), 1, "{src:?}");
    documents.remove(0).root
}

/// 1-based line and byte column of `offset`.
fn line_col(src: &str, offset: u32) -> (usize, usize) {
    let before = &src[..offset as usize];
    let line = before.matches('\n').count() + 1;
    let column = offset as usize - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    (line, column)
}

/// Where `needle` (which must occur once in the value) maps to in the source.
fn locate(src: &str, node: &Node, needle: &str) -> (Span, (usize, usize)) {
    let value = node.as_str().expect("a scalar");
    let start = value.find(needle).expect("needle in value");
    let span = node.value_span(src, start..start + needle.len());
    (span, line_col(src, span.start))
}

fn text(src: &str, span: Span) -> &str {
    &src[span.range()]
}

#[test]
fn plain_multi_line_scalar_folds_and_maps_back() {
    let src = "groups:\n  - expr: rate(foo[5m])\n      >   bar\n\n      or baz\n";
    let root = parse_one(src);
    let expr = root
        .get("groups")
        .and_then(|g| g.as_sequence())
        .expect("seq")[0]
        .get("expr")
        .expect("expr");
    assert_eq!(expr.as_str(), Some("rate(foo[5m]) >   bar\nor baz"));
    assert_eq!(
        text(src, expr.span),
        "rate(foo[5m])\n      >   bar\n\n      or baz"
    );
    let (span, position) = locate(src, expr, "bar");
    assert_eq!((text(src, span), position), ("bar", (3, 11)));
    let (span, position) = locate(src, expr, "baz");
    assert_eq!((text(src, span), position), ("baz", (5, 10)));
    // The folded break maps to the source line break, the kept one to the empty line.
    let (span, _) = locate(src, expr, ") >");
    assert_eq!(text(src, span), ")\n      >");
    let (span, position) = locate(src, expr, "\n");
    assert_eq!((text(src, span), position), ("\n", (4, 1)));
}

#[test]
fn single_quoted_scalar_maps_doubled_quotes_and_folds() {
    let src = "a: 'it''s\n   a  test '\n";
    let node = parse_one(src).get("a").cloned().expect("a");
    assert_eq!(node.as_str(), Some("it's a  test "));
    assert_eq!(text(src, node.span), "'it''s\n   a  test '");
    let (span, _) = locate(src, &node, "'");
    assert_eq!(text(src, span), "''");
    let (span, position) = locate(src, &node, "test");
    assert_eq!((text(src, span), position), ("test", (2, 7)));
}

#[test]
fn double_quoted_scalar_maps_escapes_to_whole_escape() {
    let src = "x: \"a\\\"b\\n\\x41\\u00e9\\U0001F600 é \\\n     cont\\\n\n  end\"\n";
    let node = parse_one(src).get("x").cloned().expect("x");
    assert_eq!(node.as_str(), Some("a\"b\nAé\u{1F600} é cont\nend"));
    assert_eq!(
        node.as_scalar().map(|s| s.style),
        Some(ScalarStyle::DoubleQuoted)
    );
    let value = node.as_str().expect("scalar");
    let span_of = |needle: &str| {
        let start = value.find(needle).expect("needle");
        text(src, node.value_span(src, start..start + needle.len()))
    };
    assert_eq!(span_of("\""), "\\\"");
    assert_eq!(span_of("\n"), "\\n");
    assert_eq!(span_of("A"), "\\x41");
    assert_eq!(span_of("Aé"), "\\x41\\u00e9");
    assert_eq!(span_of("\u{1F600}"), "\\U0001F600");
    assert_eq!(span_of(" é "), " é ");
    assert_eq!(span_of("cont"), "cont");
    assert_eq!(span_of("end"), "end");
    let (_, position) = locate(src, &node, "end");
    assert_eq!(position, (4, 3));
}

#[test]
fn literal_scalar_with_indentation_indicator_and_chomping() {
    let src = "a:\n  b: |2-\n     x\n    y\n\n  c: |+\n    kept\n\n";
    let root = parse_one(src);
    let b = root.get("a").and_then(|a| a.get("b")).expect("b");
    assert_eq!(b.as_str(), Some(" x\ny"));
    assert_eq!(text(src, b.span), "|2-\n     x\n    y");
    let (span, position) = locate(src, b, "y");
    assert_eq!((text(src, span), position), ("y", (4, 5)));
    let (span, position) = locate(src, b, " x");
    assert_eq!((text(src, span), position), (" x", (3, 5)));
    let c = root.get("a").and_then(|a| a.get("c")).expect("c");
    assert_eq!(c.as_str(), Some("kept\n\n"));
    let (span, position) = locate(src, c, "kept");
    assert_eq!((text(src, span), position), ("kept", (7, 5)));
    // The second kept newline is the empty line's break.
    let span = c.value_span(src, 5..6);
    assert_eq!(line_col(src, span.start), (8, 1));
}

#[test]
fn folded_scalar_keeps_breaks_around_more_indented_lines() {
    let src = "expr: >\n  sum(rate(x[5m]))\n  by (job)\n    > 0\n\n  and y\n";
    let node = parse_one(src).get("expr").cloned().expect("expr");
    assert_eq!(
        node.as_str(),
        Some("sum(rate(x[5m])) by (job)\n  > 0\n\nand y\n")
    );
    assert_eq!(
        text(src, node.span),
        ">\n  sum(rate(x[5m]))\n  by (job)\n    > 0\n\n  and y"
    );
    for (needle, expected) in [
        ("by", (3, 3)),
        ("> 0", (4, 5)),
        ("and", (6, 3)),
        ("5m", (2, 14)),
    ] {
        let (span, position) = locate(src, &node, needle);
        assert_eq!((text(src, span), position), (needle, expected), "{needle}");
    }
    let (span, _) = locate(src, &node, ") by");
    assert_eq!(text(src, span), ")\n  by");
}

#[test]
fn scalar_spans_stop_before_trailing_comments() {
    let src = "a: b # c\nd: 'e''' # f\ng: \"h\\\"\"  # i\n";
    let root = parse_one(src);
    let spans: Vec<_> = ["a", "d", "g"]
        .map(|key| text(src, root.get(key).expect(key).span))
        .to_vec();
    assert_eq!(spans, ["b", "'e'''", "\"h\\\"\""]);
}

#[test]
fn crlf_line_endings_keep_exact_spans() {
    let src = "a: b\r\nexpr: |\r\n  up\r\n  == 0\r\nc: \"x\r\n  y\"\r\nd: long\r\n  plain\r\n";
    let root = parse_one(src);
    let expr = root.get("expr").expect("expr");
    assert_eq!(expr.as_str(), Some("up\n== 0\n"));
    let (span, position) = locate(src, expr, "== 0");
    assert_eq!((text(src, span), position), ("== 0", (4, 3)));
    let (span, _) = locate(src, expr, "\n");
    assert_eq!(text(src, span), "\r\n");
    let c = root.get("c").expect("c");
    assert_eq!(c.as_str(), Some("x y"));
    assert_eq!(text(src, c.value_span(src, 1..2)), "\r\n");
    let d = root.get("d").expect("d");
    assert_eq!(text(src, d.span), "long\r\n  plain");
    let (span, position) = locate(src, d, "plain");
    assert_eq!((text(src, span), position), ("plain", (8, 3)));
}

#[test]
fn non_ascii_text_gets_byte_offsets() {
    let src = "é: \"ü\"\nname: 日本語 text\nexpr: >\n  ß ∑\n";
    let root = parse_one(src);
    let name = root.get("name").expect("name");
    assert_eq!(text(src, name.span), "日本語 text");
    let expr = root.get("expr").expect("expr");
    let (span, _) = locate(src, expr, "∑");
    assert_eq!(text(src, span), "∑");
    let key = &root.as_mapping().expect("map")[0].key;
    assert_eq!(text(src, key.span), "é");
}

#[test]
fn node_spans_of_collections_exclude_anchors_and_tags() {
    let src = "top: &a !!map\n  k: [1, {x: y}]\n  s:\n  - one\n  - two\nflow: !t {a: b}\n";
    let root = parse_one(src);
    let top = root.get("top").expect("top");
    assert_eq!(
        text(src, top.span),
        "k: [1, {x: y}]\n  s:\n  - one\n  - two"
    );
    assert_eq!(top.tag.as_deref(), Some("!!map"));
    let k = top.get("k").expect("k");
    assert_eq!(text(src, k.span), "[1, {x: y}]");
    assert_eq!(text(src, k.as_sequence().expect("seq")[1].span), "{x: y}");
    assert_eq!(text(src, top.get("s").expect("s").span), "- one\n  - two");
    let flow = root.get("flow").expect("flow");
    assert_eq!(text(src, flow.span), "{a: b}");
    assert_eq!(flow.tag.as_deref(), Some("!t"));
    assert_eq!(flow.yaml_tag(), "!t");
}

#[test]
fn bom_multi_documents_and_empty_streams() {
    let src = "\u{feff}a: 1\n---\n...\n--- x\n";
    let (documents, error) = parse_stream(src, &Limits::default());
    assert_eq!(error, None);
    assert_eq!(documents.len(), 3);
    assert_eq!(text(src, documents[0].root.span), "a: 1");
    assert!(documents[1].root.is_null());
    assert_eq!(text(src, documents[2].root.span), "x");
    for empty in ["", "# only a comment\n", "\n\n"] {
        let (documents, error) = parse_stream(empty, &Limits::default());
        assert_eq!((documents.len(), error), (0, None), "{empty:?}");
    }
}

#[test]
fn syntax_errors_carry_their_span_and_earlier_documents() {
    let src = "a: 1\n---\nb: c: d\n";
    let (documents, error) = parse_stream(src, &Limits::default());
    assert_eq!(documents.len(), 1);
    let error = error.expect("an error");
    assert_eq!(
        error.message,
        "mapping values are not allowed in this context"
    );
    assert_eq!(line_col(src, error.span.start), (3, 5));
    let (_, error) = parse_stream("a:\n\t- b\n", &Limits::default());
    assert!(error.is_some(), "tab indentation is refused");
}

#[test]
fn resolves_kinds_and_nulls() {
    let src = "n:\nt: ~\ns: 'null'\ni: 0x1f\nf: 1.5e3\nb: True\nm: {}\nq: []\nx: !!str 12\nd: 2024-01-02\n";
    let root = parse_one(src);
    let kind = |key: &str| root.get(key).expect(key).kind_name();
    let tag = |key: &str| root.get(key).expect(key).yaml_tag().to_owned();
    assert!(root.get("n").expect("n").is_null());
    assert!(root.get("t").expect("t").is_null());
    assert!(!root.get("s").expect("s").is_null());
    assert_eq!(
        ["n", "s", "i", "f", "b", "m", "q", "x", "d"].map(kind),
        [
            "null",
            "string",
            "integer",
            "float",
            "boolean",
            "mapping",
            "sequence",
            "string",
            "timestamp"
        ]
    );
    assert_eq!(tag("i"), "!!int");
    assert_eq!(tag("x"), "!!str");
    assert_eq!(root.kind_name(), "mapping");
    assert_eq!(root.get("missing"), None);
}

#[test]
fn duplicate_keys_are_kept_in_order() {
    let src = "a: 1\nb: 2\na: 3\n";
    let root = parse_one(src);
    assert!(matches!(&root.kind, NodeKind::Mapping(entries) if entries.len() == 3));
    let keys: Vec<_> = root
        .as_mapping()
        .expect("map")
        .iter()
        .map(|e| e.key.as_str())
        .collect();
    assert_eq!(keys, [Some("a"), Some("b"), Some("a")]);
    assert_eq!(root.get("a").and_then(Node::as_str), Some("1"));
}

#[test]
fn aliases_copy_the_anchored_node_with_the_alias_span() {
    let src = "base: &b {x: 1, y: [2]}\nuse: *b\ns: &s hello\nt: *s\n";
    let root = parse_one(src);
    let copy = root.get("use").expect("use");
    assert_eq!(text(src, copy.span), "*b");
    assert_eq!(copy.get("x").and_then(Node::as_str), Some("1"));
    // Below the root, the copy keeps the original's spans.
    assert_eq!(text(src, copy.get("y").expect("y").span), "[2]");
    let t = root.get("t").expect("t");
    assert_eq!(t.as_str(), Some("hello"));
    assert_eq!(t.value_span(src, 1..2), t.span);
    let s = root.get("s").expect("s");
    assert_eq!(text(src, s.span), "hello");
}

#[test]
fn merge_keys_follow_go_yaml() {
    let src = "a: &a {x: 1, y: 1}\nb: &b {y: 2, z: 2}\nm:\n  x: own\n  <<: [*a, *b]\n  w: 0\nn:\n  <<: *b\n  '<<': quoted\n";
    let root = parse_one(src);
    let m = root.get("m").expect("m");
    let entries: Vec<_> = m
        .as_mapping()
        .expect("map")
        .iter()
        .map(|e| {
            (
                e.key.as_str().expect("key"),
                e.value.as_str().expect("value"),
            )
        })
        .collect();
    assert_eq!(entries, [("x", "own"), ("y", "1"), ("z", "2"), ("w", "0")]);
    let n = root.get("n").expect("n");
    assert_eq!(n.get("y").and_then(Node::as_str), Some("2"));
    assert_eq!(n.get("<<").and_then(Node::as_str), Some("quoted"));
    let (_, error) = parse_stream("a: 1\nb:\n  <<: [1]\n", &Limits::default());
    assert_eq!(
        error.map(|e| e.message),
        Some("map merge requires map or sequence of maps as the value".to_owned())
    );
}

#[test]
fn billion_laughs_is_refused_at_the_node_budget() {
    let mut src = String::from("l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..10 {
        let previous = format!("*l{}", level - 1);
        let items = [previous.as_str(); 9].join(", ");
        src.push_str(&format!("l{level}: &l{level} [{items}]\n"));
    }
    let limits = Limits {
        max_depth: 64,
        max_nodes: 500,
    };
    let (documents, error) = parse_stream(&src, &limits);
    assert!(documents.is_empty());
    let error = error.expect("refused");
    assert_eq!(
        error.message,
        "YAML alias expansion exceeds the limit of 500 nodes (possible alias bomb)"
    );
    // 90 nodes from the nine *l0, then 91 per *l1: the fifth one is too many.
    let fifth_alias = src.match_indices("*l1").nth(4).map(|(at, _)| at);
    assert_eq!(Some(error.span.start as usize), fifth_alias);
    // With the default budget, go-yaml's ratio rule stops it at the first
    // *l2 (820 nodes), where 1729 of 1746 nodes would be copies (over 99%).
    let error = parse_stream(&src, &Limits::default()).1.expect("refused");
    assert_eq!(
        error.message,
        "document contains excessive aliasing (possible alias bomb)"
    );
    assert_eq!(error.span.start as usize, src.find("*l2").expect("*l2"));
}

#[test]
fn moderate_alias_use_is_accepted() {
    let mut src =
        String::from("defaults: &d {for: 5m, labels: {team: a, severity: page}}\nrules:\n");
    for index in 0..300 {
        src.push_str(&format!("- {{alert: A{index}, expr: up == 0, <<: *d}}\n"));
    }
    let (documents, error) = parse_stream(&src, &Limits::default());
    assert_eq!(error, None);
    let rules = documents[0]
        .root
        .get("rules")
        .and_then(Node::as_sequence)
        .expect("rules");
    assert_eq!(rules.len(), 300);
    assert_eq!(rules[299].get("for").and_then(Node::as_str), Some("5m"));
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    // saphyr's own recursion guard may answer first on very deep input.
    let src = "[".repeat(100_000);
    assert!(parse_stream(&src, &Limits::default()).1.is_some());
    let src = format!("{}{}", "[".repeat(200), "]".repeat(200));
    let error = parse_stream(&src, &Limits::default()).1.expect("too deep");
    assert_eq!(
        error.message,
        "YAML nesting exceeds the limit of 128 levels"
    );
    assert_eq!(error.span, Span::new(128, 129));
    let nested = format!("{}x{}", "- ".repeat(50), "");
    let limits = Limits {
        max_depth: 10,
        max_nodes: 100,
    };
    assert!(parse_stream(&nested, &limits).1.is_some());
    assert_eq!(parse_stream(&nested, &Limits::default()).1, None);
    // An alias cannot smuggle depth past the limit either.
    let src = "a: &a [[[x]]]\nb: [[[[*a]]]]\n";
    let limits = Limits {
        max_depth: 6,
        max_nodes: 100,
    };
    let error = parse_stream(src, &limits).1.expect("too deep");
    assert_eq!(&src[error.span.range()], "*a");
}

#[test]
fn depth_limit_is_capped_so_trees_stay_droppable() {
    let src = format!("{}x", "- ".repeat(1_500));
    let limits = Limits {
        max_depth: usize::MAX,
        max_nodes: 100,
    };
    let error = parse_stream(&src, &limits).1.expect("too deep");
    assert_eq!(
        error.message,
        format!(
            "YAML nesting exceeds the limit of {} levels",
            Limits::HARD_MAX_DEPTH
        )
    );
}

#[test]
fn recursive_alias_is_an_error() {
    let (_, error) = parse_stream("a: &a [*a]\n", &Limits::default());
    assert!(error.is_some());
}

#[test]
fn quoted_scalar_continuation_lines_may_start_at_any_column() {
    // go-yaml reads these; promtool test suites write multi-line selectors so.
    for src in [
        "a:\n  - s: 'x{\n      b=\"1\"\n    }'\n",
        "a:\n  - s: 'x{\n  b=\"1\"\n}'\n",
        "a:\n  b: \"sum(\nx)\"\n",
    ] {
        let root = parse_one(src);
        assert!(
            root.get("a").is_some(),
            "{src:?} parsed to {:?}",
            root.kind_name()
        );
    }
}

#[test]
fn control_characters_are_refused_where_they_are_as_go_yaml_does() {
    for (src, column) in [
        ("a: \"x\u{1}y\"\n", 6),
        ("a: 1 # \u{7f}\n", 8),
        ("a: \u{9b}\n", 4),
        ("a: \u{fffe}\n", 4),
    ] {
        let (_, error) = parse_stream(src, &Limits::default());
        let error = error.unwrap_or_else(|| panic!("{src:?} was accepted"));
        assert_eq!(error.message, "control characters are not allowed");
        assert_eq!(line_col(src, error.span.start), (1, column), "{src:?}");
    }
    // Tab, CR, NEL, a BOM and characters beyond the BMP are allowed.
    parse_one("\u{feff}a: \"x\ty\u{85}\u{1F600}\"\r\n");
}

#[test]
fn a_syntax_error_before_a_control_character_comes_first() {
    let src = "a: [\nb: \u{1}\n";
    let (_, error) = parse_stream(src, &Limits::default());
    assert_ne!(error.unwrap().message, "control characters are not allowed");
}
