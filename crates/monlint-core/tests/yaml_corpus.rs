//! Every YAML and JSON file of the shared corpus parses without error, and
//! every scalar's span and decoded-offset mapping agree with the source.

use std::path::{Path, PathBuf};

use monlint_core::yaml::{Limits, Node, ScalarStyle, parse_stream};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus");

fn corpus_files(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            corpus_files(&path, found);
        } else if path
            .extension()
            .is_some_and(|ext| ext == "yml" || ext == "yaml" || ext == "json")
        {
            found.push(path);
        }
    }
}

/// Checks one scalar; returns whether its value could be mapped exactly.
fn check_scalar(src: &str, node: &Node, path: &Path) -> bool {
    let scalar = node.as_scalar().expect("a scalar");
    let written = &src[node.span.range()];
    if written.starts_with('*') {
        // An alias: the node is a copy of its anchor's value, spanned where it is used.
        return true;
    }
    let mapped = node.value_span(src, 0..scalar.value.len());
    match scalar.style {
        ScalarStyle::Plain if !written.contains('\n') => {
            assert_eq!(written, scalar.value, "{}", path.display());
            mapped == node.span
        }
        ScalarStyle::Plain => mapped == node.span,
        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
            let quote = if scalar.style == ScalarStyle::SingleQuoted {
                '\''
            } else {
                '"'
            };
            assert!(
                written.starts_with(quote) && written.ends_with(quote) && written.len() >= 2,
                "{}: {written:?}",
                path.display()
            );
            scalar.value.is_empty()
                || (mapped.start > node.span.start && mapped.end < node.span.end)
        }
        ScalarStyle::Literal | ScalarStyle::Folded => {
            assert!(
                written.starts_with(['|', '>']),
                "{}: {written:?}",
                path.display()
            );
            scalar.value.is_empty() || mapped.start > node.span.start
        }
    }
}

#[test]
fn corpus_files_parse_with_exact_spans() {
    let mut files = Vec::new();
    corpus_files(Path::new(CORPUS), &mut files);
    if files.is_empty() {
        println!("note: corpus not found at {CORPUS}; skipping");
        return;
    }
    let mut scalars = 0;
    for path in &files {
        let src = std::fs::read_to_string(path).expect("readable corpus file");
        let (documents, error) = parse_stream(&src, &Limits::default());
        // Real repositories commit Helm, Jinja and Terraform templates with YAML names; they
        // are YAML only once rendered.
        let template = ["{{", "${", "%{"].iter().any(|d| src.contains(d));
        if !(template && error.is_some()) {
            assert_eq!(error, None, "{}", path.display());
        }
        let mut stack: Vec<&Node> = documents.iter().map(|d| &d.root).collect();
        while let Some(node) = stack.pop() {
            assert!(node.span.end as usize <= src.len());
            if node.as_scalar().is_some() {
                scalars += 1;
                assert!(
                    check_scalar(&src, node, path),
                    "{}: {node:?}",
                    path.display()
                );
            }
            if let Some(entries) = node.as_mapping() {
                // In JSON (flow) mappings the node spans its braces.
                if src[node.span.range()].starts_with('{') {
                    assert!(src[node.span.range()].ends_with('}'), "{}", path.display());
                }
                for entry in entries {
                    stack.push(&entry.key);
                    stack.push(&entry.value);
                }
            }
            if let Some(items) = node.as_sequence() {
                if src[node.span.range()].starts_with('[') {
                    assert!(src[node.span.range()].ends_with(']'), "{}", path.display());
                }
                stack.extend(items);
            }
        }
    }
    println!("{} files, {scalars} scalars", files.len());
    assert!(scalars > 0);
}
