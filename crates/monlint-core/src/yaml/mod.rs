//! YAML with positions: a tree of nodes that knows the byte span of every
//! node, and can map offsets inside a decoded scalar back to the source.
//!
//! Built on `saphyr-parser`'s event stream. Design choices:
//! - Mapping entries are kept in source order and duplicate keys are kept, so
//!   callers can report them.
//! - Aliases are replaced by copies of the anchored node. The copy's root
//!   carries the alias's span (so a diagnostic points where the value was
//!   used); nodes below the root keep the spans of the anchored original.
//!   [`Node::value_span`] on such a copied root returns the alias span whole.
//! - Merge keys (`<<: *a`, `<<: [*a, *b]`, or an inline mapping) are expanded
//!   as go-yaml does: keys written in the mapping itself win over merged ones,
//!   and among several merged mappings the earlier one wins. Merged entries
//!   take the place of the `<<` entry.
//! - [`Limits`] bounds nesting depth and the number of nodes alias expansion
//!   may create, and go-yaml's alias-ratio rule applies too, so hostile input
//!   fails fast with bounded memory.

mod build;
mod decode;
mod resolve;
mod text;

pub use crate::Span;
pub use build::parse_stream;

use std::fmt;
use std::ops::Range;

/// How a scalar was written in the source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

/// A scalar's decoded value and the style it was written in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scalar {
    pub value: String,
    pub style: ScalarStyle,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NodeKind {
    Scalar(Scalar),
    Sequence(Vec<Node>),
    Mapping(Vec<Entry>),
}

/// One `key: value` pair of a mapping.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub key: Node,
    pub value: Node,
}

/// A YAML node and the byte span of its content in the source (anchors and
/// tags excluded; a block scalar's span starts at its `|` or `>` indicator).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    pub span: Span,
    pub kind: NodeKind,
    /// The explicit tag, in short form for the core schema (`!!str`), else as
    /// written (`!custom`).
    pub tag: Option<String>,
}

/// One document of a stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document {
    /// An empty document's root is a plain null scalar.
    pub root: Node,
    pub span: Span,
}

/// A syntax error or an exceeded limit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    pub span: Span,
    /// Human-readable, lowercase, without a position.
    pub message: String,
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for YamlError {}

/// Bounds that keep hostile input from exhausting the stack or memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Deepest allowed nesting of collections (a scalar at top level is depth
    /// 0). Capped internally at [`Limits::HARD_MAX_DEPTH`] because dropping
    /// and cloning trees recurses.
    pub max_depth: usize,
    /// Most nodes that alias expansion may create in one stream. Nodes
    /// written out in the source are not counted: they are bounded by its size.
    /// Independently, go-yaml's ratio rule refuses a document where copies
    /// outweigh written nodes (over 99% of them, 10% for huge documents), which
    /// stops a billion-laughs document after a few thousand nodes.
    pub max_nodes: usize,
}

impl Limits {
    pub const HARD_MAX_DEPTH: usize = 1_000;
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 128,
            max_nodes: 2_000_000,
        }
    }
}

impl Node {
    /// The scalar's value, whatever its style.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar(scalar) => Some(&scalar.value),
            _ => None,
        }
    }

    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &self.kind {
            NodeKind::Scalar(scalar) => Some(scalar),
            _ => None,
        }
    }

    pub fn as_mapping(&self) -> Option<&[Entry]> {
        match &self.kind {
            NodeKind::Mapping(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn as_sequence(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Sequence(items) => Some(items),
            _ => None,
        }
    }

    /// The value of the first entry whose key is a scalar equal to `key`.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_mapping()?
            .iter()
            .find(|entry| entry.key.as_str() == Some(key))
            .map(|entry| &entry.value)
    }

    /// Whether this is a null: an untagged plain `""`, `~`, `null`, `Null` or
    /// `NULL`, or a scalar tagged `!!null`.
    pub fn is_null(&self) -> bool {
        self.yaml_tag() == "!!null"
    }

    /// The resolved core-schema tag as go-yaml v3 names it in type errors:
    /// `!!map`, `!!seq`, `!!str`, `!!null`, `!!bool`, `!!int`, `!!float`,
    /// `!!timestamp`, or the explicit tag.
    pub fn yaml_tag(&self) -> &str {
        match (&self.tag, &self.kind) {
            (Some(tag), _) if tag != "!" => tag,
            (_, NodeKind::Mapping(_)) => "!!map",
            (_, NodeKind::Sequence(_)) => "!!seq",
            (None, NodeKind::Scalar(scalar)) if scalar.style == ScalarStyle::Plain => {
                resolve::plain_scalar_tag(&scalar.value)
            }
            (_, NodeKind::Scalar(_)) => "!!str",
        }
    }

    /// A plain-English kind for messages: "mapping", "sequence", "string",
    /// "null", "boolean", "integer", "float", "timestamp", or "tagged value".
    pub fn kind_name(&self) -> &'static str {
        match self.yaml_tag() {
            "!!map" => "mapping",
            "!!seq" => "sequence",
            "!!str" => "string",
            "!!null" => "null",
            "!!bool" => "boolean",
            "!!int" => "integer",
            "!!float" => "float",
            "!!timestamp" => "timestamp",
            _ => "tagged value",
        }
    }

    /// Maps the byte range `decoded` of this scalar's decoded value to the
    /// source bytes it came from. A character produced by an escape maps to
    /// the whole escape, a folded line break to the source line break. For
    /// non-scalars, alias copies, or a `src` that is not this node's source,
    /// the node's whole span is returned.
    pub fn value_span(&self, src: &str, decoded: Range<usize>) -> Span {
        self.value_map(src).span(decoded)
    }

    /// [`Node::value_span`] for many ranges of one scalar: the scalar is re-scanned once
    /// here instead of once per lookup (a dashboard inside a ConfigMap string maps every
    /// one of its values through the outer string).
    pub fn value_map(&self, src: &str) -> ValueMap {
        let mapping = match &self.kind {
            NodeKind::Scalar(scalar) => decode::scalar_mapping(src, self.span, scalar),
            _ => None,
        };
        ValueMap {
            node_span: self.span,
            mapping,
        }
    }
}

/// A scalar's decoded value mapped to its source bytes, built once by [`Node::value_map`].
#[derive(Clone, Debug)]
pub struct ValueMap {
    node_span: Span,
    mapping: Option<decode::Mapping>,
}

impl ValueMap {
    /// The source span of a byte range of the decoded value; the node's whole span when
    /// the value could not be mapped.
    pub fn span(&self, decoded: Range<usize>) -> Span {
        match &self.mapping {
            Some(mapping) => mapping.lookup(self.node_span.start as usize, decoded),
            None => self.node_span,
        }
    }
}
