//! Builds the positional tree from saphyr's event stream, without recursion:
//! open collections live on an explicit stack bounded by [`Limits::max_depth`].

use std::collections::{HashMap, HashSet};

use saphyr_parser::{Event, Parser, ScalarStyle as SaphyrStyle, ScanError, Tag};

use super::text::{self, ByteCursor};
use super::{Document, Entry, Limits, Node, NodeKind, Scalar, ScalarStyle, Span, YamlError};

/// Parses every document of `src`. Documents read completely before an error
/// are returned along with it.
pub fn parse_stream(src: &str, limits: &Limits) -> (Vec<Document>, Option<YamlError>) {
    if u32::try_from(src.len()).is_err() {
        let error = YamlError {
            span: Span::point(0),
            message: "input is larger than 4 GiB".to_owned(),
        };
        return (Vec::new(), Some(error));
    }
    let mut builder = Builder::new(src, limits);
    let error = builder.run().err();
    let Some(forbidden) = first_forbidden_char(src) else {
        return (builder.documents, error);
    };
    // go-yaml's reader refuses the character as it reaches it: a syntax error before it
    // still comes first, and only documents that end before it were read.
    if error
        .as_ref()
        .is_some_and(|e| (e.span.start as usize) < forbidden)
    {
        return (builder.documents, error);
    }
    let mut documents = builder.documents;
    documents.retain(|document| (document.span.end as usize) <= forbidden);
    let char_len = src[forbidden..].chars().next().map_or(1, char::len_utf8);
    let error = YamlError {
        span: Span::from_usize(forbidden, forbidden + char_len),
        message: "control characters are not allowed".to_owned(),
    };
    (documents, Some(error))
}

/// The byte offset of the first character go-yaml's reader refuses: everything but tab,
/// line feed, carriage return, printable ASCII, NEL and the rest of Unicode outside the
/// C1 controls and U+FFFE/U+FFFF.
fn first_forbidden_char(src: &str) -> Option<usize> {
    src.char_indices()
        .find(|&(_, c)| {
            !matches!(c,
                '\t' | '\n' | '\r' | ' '..='~' | '\u{85}' | '\u{A0}'..='\u{D7FF}'
                | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
        })
        .map(|(offset, _)| offset)
}

/// A node that carries an anchor, kept for copying into aliases.
struct Anchored {
    node: Node,
    /// Nodes in its subtree, itself included.
    nodes: usize,
    /// Collection levels in its subtree (a scalar has 0).
    height: usize,
}

enum Collection {
    Sequence(Vec<Node>),
    Mapping {
        entries: Vec<Entry>,
        pending_key: Option<Node>,
    },
}

struct Frame {
    start: usize,
    anchor_id: usize,
    tag: Option<String>,
    collection: Collection,
    nodes_before: usize,
    height: usize,
}

struct Builder<'a> {
    src: &'a str,
    bytes: &'a [u8],
    parser: Parser<'a, saphyr_parser::StrInput<'a>>,
    cursor: ByteCursor<'a>,
    max_depth: usize,
    max_expanded_nodes: usize,
    documents: Vec<Document>,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Anchored>,
    expanded_nodes: usize,
    /// Nodes completed so far (copies included), to size anchored subtrees.
    completed_nodes: usize,
    /// `completed_nodes` and `expanded_nodes` when the current document
    /// started: the alias-ratio rule applies per document, as in go-yaml.
    document_base: (usize, usize),
    document_start: Option<usize>,
    root: Option<Node>,
    previous_event_end: usize,
}

impl<'a> Builder<'a> {
    fn new(src: &'a str, limits: &Limits) -> Self {
        Builder {
            src,
            bytes: src.as_bytes(),
            parser: Parser::new_from_str(src),
            cursor: ByteCursor::new(src),
            max_depth: limits.max_depth.min(Limits::HARD_MAX_DEPTH),
            max_expanded_nodes: limits.max_nodes,
            documents: Vec::new(),
            stack: Vec::new(),
            anchors: HashMap::new(),
            expanded_nodes: 0,
            completed_nodes: 0,
            document_base: (0, 0),
            document_start: None,
            root: None,
            previous_event_end: 0,
        }
    }

    fn run(&mut self) -> Result<(), YamlError> {
        while let Some(next) = self.parser.next_event() {
            let (event, span) = next.map_err(|error| self.scan_error(&error))?;
            let start = self.cursor.byte_offset(span.start.index());
            let end = self.cursor.byte_offset(span.end.index()).max(start);
            match event {
                Event::Nothing | Event::StreamStart => {}
                Event::StreamEnd => break,
                Event::DocumentStart(explicit) => {
                    self.document_start = explicit.then_some(start);
                    self.root = None;
                    self.anchors.clear();
                    self.document_base = (self.completed_nodes, self.expanded_nodes);
                }
                Event::DocumentEnd => self.finish_document(start, end),
                Event::Alias(anchor_id) => self.alias(anchor_id, Span::from_usize(start, end))?,
                Event::Scalar(value, style, anchor_id, tag) => {
                    let has_properties = anchor_id != 0 || tag.is_some();
                    let style = convert_style(style);
                    let node = Node {
                        span: self.scalar_span(style, start, end, has_properties),
                        kind: NodeKind::Scalar(Scalar {
                            value: value.into_owned(),
                            style,
                        }),
                        tag: tag.map(|tag| tag_name(&tag)),
                    };
                    self.completed_nodes += 1;
                    self.complete(node, anchor_id, 1, 0);
                }
                Event::SequenceStart(anchor_id, tag) => {
                    self.open(start, end, anchor_id, tag.map(|tag| tag_name(&tag)), false)?;
                }
                Event::MappingStart(anchor_id, tag) => {
                    self.open(start, end, anchor_id, tag.map(|tag| tag_name(&tag)), true)?;
                }
                Event::SequenceEnd | Event::MappingEnd => self.close(start, end)?,
            }
            self.previous_event_end = end;
        }
        Ok(())
    }

    fn scan_error(&mut self, error: &ScanError) -> YamlError {
        let offset = self.cursor.byte_offset(error.marker().index());
        let width = self.src[offset..]
            .chars()
            .next()
            .filter(|&c| c != '\n' && c != '\r')
            .map_or(0, char::len_utf8);
        YamlError {
            span: Span::from_usize(offset, offset + width),
            message: error.info().to_owned(),
        }
    }

    fn finish_document(&mut self, start: usize, end: usize) {
        let root = self.root.take().unwrap_or_else(|| Node {
            span: Span::from_usize(start, start),
            kind: NodeKind::Scalar(Scalar {
                value: String::new(),
                style: ScalarStyle::Plain,
            }),
            tag: None,
        });
        let document_start = self
            .document_start
            .take()
            .unwrap_or(root.span.start as usize);
        let explicit_end = self.bytes[start..end].starts_with(b"...");
        let document_end = if explicit_end {
            end
        } else {
            root.span.end as usize
        };
        let span = Span::from_usize(document_start, document_end.max(document_start));
        self.documents.push(Document { root, span });
    }

    /// Where a scalar's content starts and ends: after its anchor and tag, and
    /// for block scalars from the `|`/`>` indicator to the last content line.
    fn scalar_span(
        &self,
        style: ScalarStyle,
        start: usize,
        end: usize,
        has_properties: bool,
    ) -> Span {
        let content_start = if has_properties {
            text::skip_properties(self.bytes, start).min(end)
        } else {
            start
        };
        match style {
            ScalarStyle::Plain => return Span::from_usize(content_start, end),
            // saphyr's end can run on over a trailing comment.
            ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
                let closed =
                    text::closing_quote(self.bytes, content_start).map_or(end, |at| at + 1);
                return Span::from_usize(content_start, closed.min(end));
            }
            ScalarStyle::Literal | ScalarStyle::Folded => {}
        }
        let header = if has_properties {
            text::find_block_header(self.bytes, content_start, end)
        } else {
            self.find_header_before(start)
        };
        let Some(header) = header else {
            return Span::from_usize(content_start, end);
        };
        let mut content_end = end;
        while content_end > header + 1
            && matches!(self.bytes[content_end - 1], b' ' | b'\t' | b'\r' | b'\n')
        {
            content_end -= 1;
        }
        Span::from_usize(header, content_end.max(header + 1))
    }

    /// saphyr starts an unadorned block scalar's span at its first content
    /// character; its header is on the last non-blank line before that.
    fn find_header_before(&self, content_start: usize) -> Option<usize> {
        let previous = self.previous_event_end;
        if previous <= content_start {
            if let Some(header) = text::find_block_header(self.bytes, previous, content_start) {
                return Some(header);
            }
        }
        let mut line = text::line_start(self.bytes, content_start);
        while line > 0 {
            let mut before_break = line - 1;
            if before_break > 0
                && self.bytes[before_break] == b'\n'
                && self.bytes[before_break - 1] == b'\r'
            {
                before_break -= 1;
            }
            let previous_line = text::line_start(self.bytes, before_break);
            let blank = self.bytes[previous_line..before_break]
                .iter()
                .all(|&b| text::is_blank(b));
            if !blank {
                return text::find_block_header(self.bytes, previous_line, before_break).or_else(
                    || {
                        // The line may start with a key that is not itself the header.
                        (previous_line..before_break).find(|&pos| {
                            matches!(self.bytes[pos], b'|' | b'>')
                                && (pos == previous_line || text::is_blank(self.bytes[pos - 1]))
                        })
                    },
                );
            }
            line = previous_line;
        }
        None
    }

    fn open(
        &mut self,
        start: usize,
        end: usize,
        anchor_id: usize,
        tag: Option<String>,
        mapping: bool,
    ) -> Result<(), YamlError> {
        if self.stack.len() >= self.max_depth {
            return Err(self.depth_error(Span::from_usize(start, end)));
        }
        let content_start = if anchor_id != 0 || tag.is_some() {
            text::skip_properties(self.bytes, start)
        } else {
            start
        };
        let collection = if mapping {
            Collection::Mapping {
                entries: Vec::new(),
                pending_key: None,
            }
        } else {
            Collection::Sequence(Vec::new())
        };
        self.stack.push(Frame {
            start: content_start,
            anchor_id,
            tag,
            collection,
            nodes_before: self.completed_nodes,
            height: 1,
        });
        Ok(())
    }

    fn close(&mut self, start: usize, end: usize) -> Result<(), YamlError> {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        let flow = end > start;
        let mut node_start = frame.start;
        let (kind, last_child_end) = match frame.collection {
            Collection::Sequence(items) => {
                // saphyr starts a block sequence at its first item's content.
                if !flow {
                    node_start = self.dash_before(node_start);
                }
                let last = items.last().map(|item| item.span.end as usize);
                (NodeKind::Sequence(items), last)
            }
            Collection::Mapping { entries, .. } => {
                let last = entries.last().map(|entry| entry.value.span.end as usize);
                let entries = if entries.iter().any(|entry| is_merge_key(&entry.key)) {
                    merge_entries(entries)?
                } else {
                    entries
                };
                (NodeKind::Mapping(entries), last)
            }
        };
        // Flow collections end at their closing bracket; block ones at their last child.
        let node_end = if flow {
            end
        } else {
            last_child_end.unwrap_or(node_start)
        };
        let node = Node {
            span: Span::from_usize(node_start, node_end.max(node_start)),
            kind,
            tag: frame.tag,
        };
        self.completed_nodes += 1;
        let nodes = self.completed_nodes - frame.nodes_before;
        self.complete(node, frame.anchor_id, nodes, frame.height);
        Ok(())
    }

    /// The `-` indicator before `pos`, if only blanks separate them.
    fn dash_before(&self, pos: usize) -> usize {
        let mut before = pos;
        while before > 0 && text::is_blank(self.bytes[before - 1]) {
            before -= 1;
        }
        if before > 0 && self.bytes[before - 1] == b'-' {
            before - 1
        } else {
            pos
        }
    }

    fn alias(&mut self, anchor_id: usize, span: Span) -> Result<(), YamlError> {
        let Some(anchored) = self.anchors.get(&anchor_id) else {
            return Err(YamlError {
                span,
                message: "alias refers to a node that is not complete yet (recursive alias)"
                    .to_owned(),
            });
        };
        if self.stack.len() + anchored.height > self.max_depth {
            return Err(self.depth_error(span));
        }
        let expanded = self.expanded_nodes.saturating_add(anchored.nodes);
        if expanded > self.max_expanded_nodes {
            return Err(YamlError {
                span,
                message: format!(
                    "YAML alias expansion exceeds the limit of {} nodes (possible alias bomb)",
                    self.max_expanded_nodes
                ),
            });
        }
        let (base_nodes, base_expanded) = self.document_base;
        let document_nodes = self.completed_nodes + anchored.nodes - base_nodes;
        if excessive_aliasing(expanded - base_expanded, document_nodes) {
            return Err(YamlError {
                span,
                message: "document contains excessive aliasing (possible alias bomb)".to_owned(),
            });
        }
        self.expanded_nodes = expanded;
        let (nodes, height) = (anchored.nodes, anchored.height);
        let mut node = anchored.node.clone();
        node.span = span;
        self.completed_nodes += nodes;
        self.complete(node, 0, nodes, height);
        Ok(())
    }

    fn depth_error(&self, span: Span) -> YamlError {
        YamlError {
            span,
            message: format!(
                "YAML nesting exceeds the limit of {} levels",
                self.max_depth
            ),
        }
    }

    /// Attaches a finished node to its parent (or makes it the document root).
    fn complete(&mut self, node: Node, anchor_id: usize, nodes: usize, height: usize) {
        if anchor_id != 0 {
            let anchored = Anchored {
                node: node.clone(),
                nodes,
                height,
            };
            self.anchors.insert(anchor_id, anchored);
        }
        let Some(parent) = self.stack.last_mut() else {
            self.root = Some(node);
            return;
        };
        parent.height = parent.height.max(height + 1);
        match &mut parent.collection {
            Collection::Sequence(items) => items.push(node),
            Collection::Mapping {
                entries,
                pending_key,
            } => match pending_key.take() {
                Some(key) => entries.push(Entry { key, value: node }),
                None => *pending_key = Some(node),
            },
        }
    }
}

/// go-yaml's rule (so we refuse what Prometheus refuses): beyond 100 copied
/// nodes in a document of over 1000, at most 99% of the nodes may come from
/// aliases, falling linearly to 10% between 400k and 4M nodes.
fn excessive_aliasing(expanded: usize, total: usize) -> bool {
    const RATIO_RANGE_LOW: usize = 400_000;
    const RATIO_RANGE_HIGH: usize = 4_000_000;
    if expanded <= 100 || total <= 1000 {
        return false;
    }
    let allowed = if total <= RATIO_RANGE_LOW {
        0.99
    } else if total >= RATIO_RANGE_HIGH {
        0.10
    } else {
        let progress =
            (total - RATIO_RANGE_LOW) as f64 / (RATIO_RANGE_HIGH - RATIO_RANGE_LOW) as f64;
        0.99 - 0.89 * progress
    };
    expanded as f64 / total as f64 > allowed
}

fn convert_style(style: SaphyrStyle) -> ScalarStyle {
    match style {
        SaphyrStyle::Plain => ScalarStyle::Plain,
        SaphyrStyle::SingleQuoted => ScalarStyle::SingleQuoted,
        SaphyrStyle::DoubleQuoted => ScalarStyle::DoubleQuoted,
        SaphyrStyle::Literal => ScalarStyle::Literal,
        SaphyrStyle::Folded => ScalarStyle::Folded,
    }
}

fn tag_name(tag: &Tag) -> String {
    if tag.is_yaml_core_schema() {
        format!("!!{}", tag.suffix)
    } else {
        format!("{}{}", tag.handle, tag.suffix)
    }
}

/// A plain untagged `<<` key, or one tagged `!!merge`.
fn is_merge_key(key: &Node) -> bool {
    match (&key.kind, key.tag.as_deref()) {
        (NodeKind::Scalar(scalar), None) => {
            scalar.style == ScalarStyle::Plain && scalar.value == "<<"
        }
        (NodeKind::Scalar(_), Some(tag)) => tag == "!!merge",
        _ => false,
    }
}

/// Replaces each `<<` entry by the entries of the mapping(s) it names, unless
/// their key is written in the mapping itself or came from an earlier merge.
fn merge_entries(entries: Vec<Entry>) -> Result<Vec<Entry>, YamlError> {
    let mut seen: HashSet<String> = entries
        .iter()
        .filter(|entry| !is_merge_key(&entry.key))
        .filter_map(|entry| entry.key.as_str().map(str::to_owned))
        .collect();
    let mut merged = Vec::with_capacity(entries.len());
    for entry in entries {
        if !is_merge_key(&entry.key) {
            merged.push(entry);
            continue;
        }
        let value_span = entry.value.span;
        let sources = match entry.value.kind {
            NodeKind::Mapping(source) => vec![source],
            NodeKind::Sequence(items) => items
                .into_iter()
                .map(|item| match item.kind {
                    NodeKind::Mapping(source) => Ok(source),
                    _ => Err(merge_error(item.span)),
                })
                .collect::<Result<_, _>>()?,
            NodeKind::Scalar(_) => return Err(merge_error(value_span)),
        };
        for source_entry in sources.into_iter().flatten() {
            let new_key = source_entry
                .key
                .as_str()
                .is_none_or(|key| seen.insert(key.to_owned()));
            if new_key {
                merged.push(source_entry);
            }
        }
    }
    Ok(merged)
}

fn merge_error(span: Span) -> YamlError {
    YamlError {
        span,
        message: "map merge requires map or sequence of maps as the value".to_owned(),
    }
}
