//! The text/template parser. It follows the structure of Go's parser, with the
//! same three-item lookahead, because which token was read last decides the
//! line number Go prints in its errors.

use std::collections::HashMap;

use monlint_core::Span;

use crate::ast::{
    Branch, Command, Definition, DefinitionKind, Expr, List, Node, Pipeline, Template, Variable,
};
use crate::lexer::{Item, ItemKind, Lexer, describe};
use crate::literal::{go_quote, parse_char_constant, parse_complex, parse_number, unquote_string};
use crate::{ParseConfig, TemplateError};

/// How deeply parentheses, control structures and blocks may nest, together.
/// Go only limits parentheses (to 10000); this bound keeps the parser's
/// recursion under about 1 MiB of stack even in debug builds (about 150 KiB
/// in release), well inside a default 2 MiB thread stack.
pub const MAX_NESTING: u32 = 64;
/// Go's limit on the number of commands in one pipeline.
const MAX_PIPELINE_COMMANDS: usize = 100_000;

type ParseResult<T> = Result<T, TemplateError>;

/// The variables in scope, innermost last. Lookups are hashed so that
/// inputs with many declarations stay linear.
struct Scope {
    names: Vec<String>,
    counts: HashMap<String, u32>,
}

impl Scope {
    fn new(names: impl IntoIterator<Item = String>) -> Self {
        let mut scope = Scope {
            names: Vec::new(),
            counts: HashMap::new(),
        };
        for name in names {
            scope.declare(name);
        }
        scope
    }

    fn declare(&mut self, name: String) {
        *self.counts.entry(name.clone()).or_default() += 1;
        self.names.push(name);
    }

    fn contains(&self, name: &str) -> bool {
        self.counts.contains_key(name)
    }

    fn len(&self) -> usize {
        self.names.len()
    }

    /// Ends the scope of every variable declared after the first `len`.
    fn truncate(&mut self, len: usize) {
        while self.names.len() > len {
            let Some(name) = self.names.pop() else { break };
            if let Some(count) = self.counts.get_mut(&name) {
                *count -= 1;
                if *count == 0 {
                    self.counts.remove(&name);
                }
            }
        }
    }
}

/// Parser state that Go keeps per template tree: `{{define}}` and `{{block}}`
/// bodies start afresh, with only `$` declared and no enclosing range.
struct TreeState {
    lookahead: [Item; 3],
    peek_count: usize,
    variables: Scope,
    /// Where the action being parsed starts, for "started at" error notes.
    action_start: Option<u32>,
    range_depth: u32,
}

impl TreeState {
    fn new(variables: Scope) -> Self {
        let eof = Item {
            kind: ItemKind::Eof,
            span: Span::default(),
        };
        TreeState {
            lookahead: [eof; 3],
            peek_count: 0,
            variables,
            action_start: None,
            range_depth: 0,
        }
    }
}

/// How a list of nodes ended.
enum ListEnd {
    End(Span),
    Else(Span),
}

/// What one text-or-action step produced.
enum Parsed {
    Node(Node),
    End(Span),
    Else(Span),
}

pub(crate) struct Parser<'a, 'c> {
    input: &'a str,
    lexer: Lexer<'a>,
    functions: &'c [&'c str],
    tree: TreeState,
    nesting: u32,
    definitions: Vec<Definition>,
    /// Index into `definitions` by name.
    definition_index: HashMap<String, usize>,
}

pub(crate) fn parse_template(input: &str, config: &ParseConfig) -> ParseResult<Template> {
    if u32::try_from(input.len()).is_err() {
        return Err(TemplateError {
            span: Span::default(),
            message: "template is too large".to_owned(),
            line: 1,
            action_start_line: None,
        });
    }
    let predeclared = config.variables.iter().map(|v| (*v).to_owned());
    let variables = Scope::new(std::iter::once("$".to_owned()).chain(predeclared));
    let parser = Parser {
        input,
        lexer: Lexer::new(input),
        functions: config.functions,
        tree: TreeState::new(variables),
        nesting: 0,
        definitions: Vec::new(),
        definition_index: HashMap::new(),
    };
    parser.parse()
}

fn is_empty_list(list: &List) -> bool {
    list.nodes
        .iter()
        .all(|node| matches!(node, Node::Text { text, .. } if text.trim().is_empty()))
}

impl<'a> Parser<'a, '_> {
    fn text(&self, item: Item) -> &'a str {
        &self.input[item.span.range()]
    }

    fn end_of_input(&self) -> Span {
        Span::from_usize(self.input.len(), self.input.len())
    }

    fn line_of(&self, offset: u32) -> u32 {
        let before = self
            .input
            .as_bytes()
            .get(..offset as usize)
            .unwrap_or_default();
        let newlines = before.iter().filter(|&&b| b == b'\n').count();
        1 + u32::try_from(newlines).unwrap_or(u32::MAX - 1)
    }

    /// An error at `span`, on the line of the most recently scanned item, as Go reports it.
    fn error_at(&self, span: Span, message: impl Into<String>) -> TemplateError {
        TemplateError {
            span,
            message: message.into(),
            line: self.line_of(self.tree.lookahead[0].span.start),
            action_start_line: None,
        }
    }

    fn unexpected(&self, item: Item, context: &str) -> TemplateError {
        if item.kind == ItemKind::Error {
            let mut error = self.error_at(item.span, self.lexer.error_message());
            if let Some(start) = self.tree.action_start {
                let action_line = self.line_of(start);
                if action_line != self.line_of(item.span.start) {
                    error.action_start_line = Some(action_line);
                }
            }
            return error;
        }
        let found = describe(item, self.input, self.lexer.error_message());
        self.error_at(item.span, format!("unexpected {found} in {context}"))
    }

    // Token lookahead, exactly as Go's parser does it.

    fn next(&mut self) -> Item {
        let tree = &mut self.tree;
        if tree.peek_count > 0 {
            tree.peek_count -= 1;
        } else {
            tree.lookahead[0] = self.lexer.next_item();
        }
        tree.lookahead[tree.peek_count]
    }

    fn backup(&mut self) {
        self.tree.peek_count = (self.tree.peek_count + 1).min(3);
    }

    fn backup2(&mut self, first: Item) {
        self.tree.lookahead[1] = first;
        self.tree.peek_count = 2;
    }

    fn backup3(&mut self, first: Item, second: Item) {
        self.tree.lookahead[1] = second;
        self.tree.lookahead[2] = first;
        self.tree.peek_count = 3;
    }

    fn peek(&mut self) -> Item {
        let tree = &mut self.tree;
        if tree.peek_count > 0 {
            return tree.lookahead[tree.peek_count - 1];
        }
        tree.peek_count = 1;
        tree.lookahead[0] = self.lexer.next_item();
        tree.lookahead[0]
    }

    fn next_non_space(&mut self) -> Item {
        loop {
            let item = self.next();
            if item.kind != ItemKind::Space {
                return item;
            }
        }
    }

    /// Returns the next non-space item without consuming it (spaces before it are consumed).
    fn peek_non_space(&mut self) -> Item {
        let item = self.next_non_space();
        self.backup();
        item
    }

    fn expect(&mut self, kind: ItemKind, context: &str) -> ParseResult<Item> {
        let item = self.next_non_space();
        if item.kind != kind {
            return Err(self.unexpected(item, context));
        }
        Ok(item)
    }

    fn enter_nesting(&mut self, span: Span) -> ParseResult<()> {
        if self.nesting >= MAX_NESTING {
            return Err(self.error_at(span, "max expression depth exceeded"));
        }
        self.nesting += 1;
        Ok(())
    }

    fn leave_nesting(&mut self) {
        self.nesting = self.nesting.saturating_sub(1);
    }

    // Grammar.

    fn parse(mut self) -> ParseResult<Template> {
        let start = self.peek().span.start;
        let mut nodes = Vec::new();
        while self.peek().kind != ItemKind::Eof {
            if self.peek().kind == ItemKind::LeftDelim {
                let delim = self.next();
                if self.next_non_space().kind == ItemKind::Define {
                    self.definition()?;
                    continue;
                }
                self.backup2(delim);
            }
            match self.text_or_action()? {
                Parsed::Node(node) => nodes.push(node),
                Parsed::End(span) => return Err(self.error_at(span, "unexpected {{end}}")),
                Parsed::Else(span) => return Err(self.error_at(span, "unexpected {{else}}")),
            }
        }
        let end = self.end_of_input().end;
        Ok(Template {
            root: List {
                span: Span::new(start, end),
                nodes,
            },
            definitions: self.definitions,
        })
    }

    /// Parses the rest of `{{define "name"}}...{{end}}` as its own tree.
    fn definition(&mut self) -> ParseResult<()> {
        let parent =
            std::mem::replace(&mut self.tree, TreeState::new(Scope::new(["$".to_owned()])));
        let result = self.definition_in_child_tree();
        self.tree = parent;
        result
    }

    fn definition_in_child_tree(&mut self) -> ParseResult<()> {
        const CONTEXT: &str = "define clause";
        let name_item = self.next_non_space();
        if !matches!(name_item.kind, ItemKind::String | ItemKind::RawString) {
            return Err(self.unexpected(name_item, CONTEXT));
        }
        let name =
            unquote_string(self.text(name_item)).map_err(|m| self.error_at(name_item.span, m))?;
        self.expect(ItemKind::RightDelim, CONTEXT)?;
        let (body, end) = self.item_list()?;
        if let ListEnd::Else(span) = end {
            return Err(self.error_at(span, format!("unexpected {{{{else}}}} in {CONTEXT}")));
        }
        self.add_definition(Definition {
            name,
            name_span: name_item.span,
            body,
            kind: DefinitionKind::Define,
        })
    }

    /// Records a named template; Go refuses a second non-empty definition of a name.
    fn add_definition(&mut self, definition: Definition) -> ParseResult<()> {
        match self.definition_index.get(&definition.name).copied() {
            None => {
                self.definition_index
                    .insert(definition.name.clone(), self.definitions.len());
                self.definitions.push(definition);
            }
            Some(index) if is_empty_list(&self.definitions[index].body) => {
                self.definitions[index] = definition
            }
            Some(_) if is_empty_list(&definition.body) => {}
            Some(_) => {
                let message = format!(
                    "template: multiple definition of template {}",
                    go_quote(&definition.name)
                );
                return Err(self.error_at(definition.name_span, message));
            }
        }
        Ok(())
    }

    /// Nodes up to the `{{end}}` or `{{else}}` that closes them.
    fn item_list(&mut self) -> ParseResult<(List, ListEnd)> {
        let start = self.peek_non_space().span.start;
        let mut nodes = Vec::new();
        while self.peek_non_space().kind != ItemKind::Eof {
            let (span, end) = match self.text_or_action()? {
                Parsed::Node(node) => {
                    nodes.push(node);
                    continue;
                }
                Parsed::End(span) => (span, ListEnd::End(span)),
                Parsed::Else(span) => (span, ListEnd::Else(span)),
            };
            return Ok((
                List {
                    span: Span::new(start, span.start.max(start)),
                    nodes,
                },
                end,
            ));
        }
        Err(self.error_at(self.end_of_input(), "unexpected EOF"))
    }

    fn text_or_action(&mut self) -> ParseResult<Parsed> {
        let item = self.next_non_space();
        match item.kind {
            ItemKind::Text => {
                let text = self.text(item).to_owned();
                Ok(Parsed::Node(Node::Text {
                    span: item.span,
                    text,
                }))
            }
            ItemKind::LeftDelim => {
                self.tree.action_start = Some(item.span.start);
                let parsed = self.action(item);
                self.tree.action_start = None;
                parsed
            }
            _ => Err(self.unexpected(item, "input")),
        }
    }

    fn action(&mut self, delim: Item) -> ParseResult<Parsed> {
        let start = delim.span.start;
        let keyword = self.next_non_space();
        let node = match keyword.kind {
            ItemKind::Block => self.block_control(start)?,
            ItemKind::Break => self.loop_control(start, "break")?,
            ItemKind::Continue => self.loop_control(start, "continue")?,
            ItemKind::Else => return self.else_control(start),
            ItemKind::End => {
                let close = self.expect(ItemKind::RightDelim, "end")?;
                return Ok(Parsed::End(Span::new(start, close.span.end)));
            }
            ItemKind::If => Node::If(self.parse_control("if", start)?),
            ItemKind::Range => Node::Range(self.parse_control("range", start)?),
            ItemKind::With => Node::With(self.parse_control("with", start)?),
            ItemKind::Template => self.template_control(start)?,
            _ => {
                self.backup();
                let (pipeline, close) = self.pipeline("command", ItemKind::RightDelim)?;
                Node::Action {
                    span: Span::new(start, close.span.end),
                    pipeline,
                }
            }
        };
        Ok(Parsed::Node(node))
    }

    fn loop_control(&mut self, start: u32, keyword: &str) -> ParseResult<Node> {
        let close = self.next_non_space();
        if close.kind != ItemKind::RightDelim {
            return Err(self.unexpected(close, &format!("{{{{{keyword}}}}}")));
        }
        let span = Span::new(start, close.span.end);
        if self.tree.range_depth == 0 {
            return Err(self.error_at(span, format!("{{{{{keyword}}}}} outside {{{{range}}}}")));
        }
        Ok(if keyword == "break" {
            Node::Break { span }
        } else {
            Node::Continue { span }
        })
    }

    fn else_control(&mut self, start: u32) -> ParseResult<Parsed> {
        let peeked = self.peek_non_space();
        if matches!(peeked.kind, ItemKind::If | ItemKind::With) {
            // "{{else if ...": the if is parsed by the enclosing control.
            return Ok(Parsed::Else(Span::new(start, peeked.span.start)));
        }
        let close = self.expect(ItemKind::RightDelim, "else")?;
        Ok(Parsed::Else(Span::new(start, close.span.end)))
    }

    /// `if`, `range` and `with`: the keyword has been read. Variables declared
    /// in the control's pipeline or body go out of scope at its `{{end}}`.
    fn parse_control(&mut self, context: &'static str, start: u32) -> ParseResult<Branch> {
        let declared = self.tree.variables.len();
        self.enter_nesting(Span::new(start, start))?;
        let branch = self.control_body(context, start);
        self.leave_nesting();
        self.tree.variables.truncate(declared);
        branch
    }

    fn control_body(&mut self, context: &'static str, start: u32) -> ParseResult<Branch> {
        let is_range = context == "range";
        let (pipeline, _) = self.pipeline(context, ItemKind::RightDelim)?;
        if is_range {
            self.tree.range_depth += 1;
        }
        let (list, end) = self.item_list()?;
        if is_range {
            self.tree.range_depth -= 1;
        }
        let (else_list, end_span) = match end {
            ListEnd::End(span) => (None, span),
            ListEnd::Else(else_span) => {
                let chained = match self.peek().kind {
                    ItemKind::If if context == "if" => Some(("if", Node::If as fn(Branch) -> Node)),
                    ItemKind::With if context == "with" => {
                        Some(("with", Node::With as fn(Branch) -> Node))
                    }
                    _ => None,
                };
                if let Some((keyword, make_node)) = chained {
                    self.next();
                    let nested = self.parse_control(keyword, else_span.start)?;
                    let span = nested.span;
                    (
                        Some(List {
                            span,
                            nodes: vec![make_node(nested)],
                        }),
                        span,
                    )
                } else {
                    match self.item_list()? {
                        (list, ListEnd::End(span)) => (Some(list), span),
                        (_, ListEnd::Else(span)) => {
                            return Err(self.error_at(span, "expected end; found {{else}}"));
                        }
                    }
                }
            }
        };
        Ok(Branch {
            span: Span::new(start, end_span.end),
            pipeline,
            list,
            else_list,
        })
    }

    fn template_name(&mut self, item: Item, context: &str) -> ParseResult<String> {
        match item.kind {
            ItemKind::String | ItemKind::RawString => {
                unquote_string(self.text(item)).map_err(|m| self.error_at(item.span, m))
            }
            _ => Err(self.unexpected(item, context)),
        }
    }

    fn template_control(&mut self, start: u32) -> ParseResult<Node> {
        const CONTEXT: &str = "template clause";
        let name_item = self.next_non_space();
        let name = self.template_name(name_item, CONTEXT)?;
        let after = self.next_non_space();
        let (pipeline, end) = if after.kind == ItemKind::RightDelim {
            (None, after.span.end)
        } else {
            self.backup();
            let (pipeline, close) = self.pipeline(CONTEXT, ItemKind::RightDelim)?;
            (Some(pipeline), close.span.end)
        };
        Ok(Node::Template {
            span: Span::new(start, end),
            name,
            name_span: name_item.span,
            pipeline,
        })
    }

    /// `{{block "name" pipeline}}body{{end}}`: defines the body as a template and calls it.
    fn block_control(&mut self, start: u32) -> ParseResult<Node> {
        const CONTEXT: &str = "block clause";
        let name_item = self.next_non_space();
        let name = self.template_name(name_item, CONTEXT)?;
        let (pipeline, close) = self.pipeline(CONTEXT, ItemKind::RightDelim)?;

        self.enter_nesting(Span::new(start, close.span.end))?;
        let parent =
            std::mem::replace(&mut self.tree, TreeState::new(Scope::new(["$".to_owned()])));
        let body = self.item_list();
        let child = std::mem::replace(&mut self.tree, parent);
        self.leave_nesting();
        let (body, end) = body?;
        if let ListEnd::Else(span) = end {
            return Err(self.error_at(span, format!("unexpected {{{{else}}}} in {CONTEXT}")));
        }
        let definition = Definition {
            name: name.clone(),
            name_span: name_item.span,
            body,
            kind: DefinitionKind::Block,
        };
        let parent = std::mem::replace(&mut self.tree, child);
        let added = self.add_definition(definition);
        self.tree = parent;
        added?;
        Ok(Node::Template {
            span: Span::new(start, close.span.end),
            name,
            name_span: name_item.span,
            pipeline: Some(pipeline),
        })
    }

    /// `declarations? command ('|' command)*` up to `end`, which is consumed and returned.
    fn pipeline(&mut self, context: &str, end: ItemKind) -> ParseResult<(Pipeline, Item)> {
        let first = self.peek_non_space();
        let mut declarations = Vec::new();
        let mut is_assign = false;
        loop {
            let variable = self.peek_non_space();
            if variable.kind != ItemKind::Variable {
                break;
            }
            self.next();
            // "$x foo" needs three items of lookahead to tell from "$x := foo".
            let after_variable = self.peek();
            let next = self.peek_non_space();
            let declared = Variable {
                span: variable.span,
                name: self.text(variable).to_owned(),
                fields: Vec::new(),
            };
            match next.kind {
                ItemKind::Assign | ItemKind::Declare => {
                    is_assign = next.kind == ItemKind::Assign;
                    self.next_non_space();
                    self.tree.variables.declare(declared.name.clone());
                    declarations.push(declared);
                    break;
                }
                ItemKind::Char if self.text(next) == "," => {
                    self.next_non_space();
                    self.tree.variables.declare(declared.name.clone());
                    declarations.push(declared);
                    if context == "range" && declarations.len() < 2 {
                        let following = self.peek_non_space();
                        if matches!(
                            following.kind,
                            ItemKind::Variable | ItemKind::RightDelim | ItemKind::RightParen
                        ) {
                            continue;
                        }
                        return Err(
                            self.error_at(following.span, "range can only initialize variables")
                        );
                    }
                    return Err(
                        self.error_at(next.span, format!("too many declarations in {context}"))
                    );
                }
                _ if after_variable.kind == ItemKind::Space => {
                    self.backup3(variable, after_variable);
                    break;
                }
                _ => {
                    self.backup2(variable);
                    break;
                }
            }
        }
        let mut commands: Vec<Command> = Vec::new();
        loop {
            let item = self.next_non_space();
            if item.kind == end {
                self.check_pipeline(&commands, context, item)?;
                let span_end = commands.last().map_or(first.span.end, |c| c.span.end);
                let span = Span::new(first.span.start, span_end.max(first.span.start));
                return Ok((
                    Pipeline {
                        span,
                        declarations,
                        is_assign,
                        commands,
                    },
                    item,
                ));
            }
            match item.kind {
                ItemKind::Bool
                | ItemKind::CharConstant
                | ItemKind::Complex
                | ItemKind::Dot
                | ItemKind::Field
                | ItemKind::Identifier
                | ItemKind::Number
                | ItemKind::Nil
                | ItemKind::RawString
                | ItemKind::String
                | ItemKind::Variable
                | ItemKind::LeftParen => {
                    self.backup();
                    commands.push(self.command()?);
                    if commands.len() > MAX_PIPELINE_COMMANDS {
                        return Err(self.error_at(item.span, "pipeline too long"));
                    }
                }
                _ => return Err(self.unexpected(item, context)),
            }
        }
    }

    fn check_pipeline(&self, commands: &[Command], context: &str, end: Item) -> ParseResult<()> {
        if commands.is_empty() {
            return Err(self.error_at(end.span, format!("missing value for {context}")));
        }
        // Only the first stage may be a constant; later stages receive a value.
        for (index, command) in commands.iter().enumerate().skip(1) {
            if let Some(
                Expr::Bool { .. }
                | Expr::Dot { .. }
                | Expr::Nil { .. }
                | Expr::Number { .. }
                | Expr::String { .. },
            ) = command.args.first()
            {
                let message = format!("non executable command in pipeline stage {}", index + 1);
                return Err(self.error_at(command.span, message));
            }
        }
        Ok(())
    }

    /// Space-separated operands up to a `|` (consumed) or a closing delimiter or paren (not consumed).
    fn command(&mut self) -> ParseResult<Command> {
        let start = self.peek_non_space().span.start;
        let mut args = Vec::new();
        loop {
            self.peek_non_space();
            if let Some(operand) = self.operand()? {
                args.push(operand);
            }
            let item = self.next();
            match item.kind {
                ItemKind::Space => continue,
                ItemKind::RightDelim | ItemKind::RightParen => self.backup(),
                ItemKind::Pipe => {}
                _ => return Err(self.unexpected(item, "operand")),
            }
            break;
        }
        let (Some(first), Some(last)) = (args.first(), args.last()) else {
            return Err(self.error_at(Span::point(start), "empty command"));
        };
        let span = Span::new(first.span().start, last.span().end);
        Ok(Command { span, args })
    }

    /// A term followed by any number of `.Field` accesses.
    fn operand(&mut self) -> ParseResult<Option<Expr>> {
        let Some(term) = self.term()? else {
            return Ok(None);
        };
        if self.peek().kind != ItemKind::Field {
            return Ok(Some(term));
        }
        let mut fields = Vec::new();
        let mut end = term.span().end;
        while self.peek().kind == ItemKind::Field {
            let field = self.next();
            fields.push(self.text(field)[1..].to_owned());
            end = field.span.end;
        }
        let span = Span::new(term.span().start, end);
        Ok(Some(match term {
            Expr::Field {
                fields: mut base, ..
            } => {
                base.extend(fields);
                Expr::Field { span, fields: base }
            }
            Expr::Variable(mut variable) => {
                variable.fields.extend(fields);
                variable.span = span;
                Expr::Variable(variable)
            }
            Expr::Bool { .. }
            | Expr::String { .. }
            | Expr::Number { .. }
            | Expr::Nil { .. }
            | Expr::Dot { .. } => {
                let written = &self.input[term.span().range()];
                return Err(self.error_at(
                    span,
                    format!("unexpected . after term {}", go_quote(written)),
                ));
            }
            base => Expr::Chain {
                span,
                base: Box::new(base),
                fields,
            },
        }))
    }

    /// A literal, function name, `.`, field, variable or parenthesised pipeline;
    /// `None` (with nothing consumed) when the next item is none of these.
    fn term(&mut self) -> ParseResult<Option<Expr>> {
        let item = self.next_non_space();
        let span = item.span;
        let text = self.text(item);
        let expr = match item.kind {
            ItemKind::Identifier => {
                if !self.functions.contains(&text) {
                    return Err(
                        self.error_at(span, format!("function {} not defined", go_quote(text)))
                    );
                }
                Expr::Identifier {
                    span,
                    name: text.to_owned(),
                }
            }
            ItemKind::Dot => Expr::Dot { span },
            ItemKind::Nil => Expr::Nil { span },
            ItemKind::Variable => {
                if !self.tree.variables.contains(text) {
                    return Err(
                        self.error_at(span, format!("undefined variable {}", go_quote(text)))
                    );
                }
                Expr::Variable(Variable {
                    span,
                    name: text.to_owned(),
                    fields: Vec::new(),
                })
            }
            ItemKind::Field => Expr::Field {
                span,
                fields: vec![text[1..].to_owned()],
            },
            ItemKind::Bool => Expr::Bool {
                span,
                value: text == "true",
            },
            ItemKind::CharConstant | ItemKind::Complex | ItemKind::Number => {
                let value = match item.kind {
                    ItemKind::CharConstant => parse_char_constant(text),
                    ItemKind::Complex => parse_complex(text),
                    _ => parse_number(text),
                };
                let value = value.map_err(|m| self.error_at(span, m))?;
                Expr::Number {
                    span,
                    text: text.to_owned(),
                    value,
                }
            }
            ItemKind::LeftParen => {
                self.enter_nesting(span)?;
                let inner = self.pipeline("parenthesized pipeline", ItemKind::RightParen);
                self.leave_nesting();
                let (pipeline, close) = inner?;
                Expr::Pipeline {
                    span: Span::new(span.start, close.span.end),
                    pipeline: Box::new(pipeline),
                }
            }
            ItemKind::String | ItemKind::RawString => {
                let value = unquote_string(text).map_err(|m| self.error_at(span, m))?;
                Expr::String { span, value }
            }
            _ => {
                self.backup();
                return Ok(None);
            }
        };
        Ok(Some(expr))
    }
}
