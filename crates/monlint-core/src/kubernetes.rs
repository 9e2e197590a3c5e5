//! Kubernetes objects in a YAML stream: each document is an object, and a `List` (or a
//! typed list such as `ConfigMapList`, as `kubectl get -o yaml` writes it) holds its
//! objects under `items`. Loaders read the objects, wherever they are written, with
//! their spans in the file.

use crate::yaml::{Document, Node};

/// Whether a node is a Kubernetes list: `kind: List` or `kind: <Kind>List`, with `items`.
pub fn is_list(node: &Node) -> bool {
    node.get("kind")
        .and_then(Node::as_str)
        .is_some_and(|kind| kind.ends_with("List"))
        && node
            .get("items")
            .is_some_and(|items| items.as_sequence().is_some())
}

/// Every object of the stream: each document's root, or the items of a list in its place.
pub fn objects(documents: &[Document]) -> Vec<&Node> {
    let mut objects = Vec::with_capacity(documents.len());
    for document in documents {
        let root = &document.root;
        match root.get("items").and_then(Node::as_sequence) {
            Some(items) if is_list(root) => objects.extend(items),
            _ => objects.push(root),
        }
    }
    objects
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{Limits, parse_stream};

    fn kinds(text: &str) -> Vec<String> {
        let (documents, error) = parse_stream(text, &Limits::default());
        assert!(error.is_none());
        objects(&documents)
            .iter()
            .map(|node| {
                let kind = node.get("kind").and_then(Node::as_str).unwrap_or("-");
                format!("{kind}@{}", node.span.start)
            })
            .collect()
    }

    #[test]
    fn lists_are_replaced_by_their_items() {
        let text = "apiVersion: v1\nkind: List\nitems:\n- kind: ConfigMap\n- kind: PrometheusRule\n---\nkind: Secret\n";
        assert_eq!(
            kinds(text),
            ["ConfigMap@35", "PrometheusRule@53", "Secret@78"]
        );
    }

    #[test]
    fn typed_lists_and_plain_objects() {
        assert_eq!(
            kinds("kind: ConfigMapList\nitems:\n- kind: ConfigMap\n"),
            ["ConfigMap@29"]
        );
        // `items` that is not a list, or a kind that is not a list, stays one object.
        assert_eq!(kinds("kind: List\nitems: 3\n"), ["List@0"]);
        assert_eq!(kinds("kind: Secret\nitems: [1]\n"), ["Secret@0"]);
    }
}
