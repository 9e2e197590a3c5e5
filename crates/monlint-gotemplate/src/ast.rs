//! The parsed form of a template, shaped for execution: every node keeps the
//! byte range it came from, and literals are already decoded.

use monlint_core::Span;

pub use crate::literal::NumberValue;

/// A parsed template: the main body plus the templates it defines with
/// `{{define}}` and `{{block}}`.
#[derive(Clone, Debug, PartialEq)]
pub struct Template {
    pub root: List,
    pub definitions: Vec<Definition>,
}

/// A named template from `{{define "name"}}...{{end}}` or `{{block "name" pipeline}}...{{end}}`.
#[derive(Clone, Debug, PartialEq)]
pub struct Definition {
    pub name: String,
    pub name_span: Span,
    pub body: List,
    pub kind: DefinitionKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DefinitionKind {
    Define,
    Block,
}

/// A sequence of nodes, such as the body of an `if`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct List {
    pub span: Span,
    pub nodes: Vec<Node>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    /// Literal text, already trimmed by any adjacent trim markers.
    Text {
        span: Span,
        text: String,
    },
    /// `{{pipeline}}`: the span covers the delimiters.
    Action {
        span: Span,
        pipeline: Pipeline,
    },
    If(Branch),
    Range(Branch),
    With(Branch),
    Break {
        span: Span,
    },
    Continue {
        span: Span,
    },
    /// `{{template "name" pipeline}}`, also what a `{{block}}` leaves in place.
    Template {
        span: Span,
        name: String,
        name_span: Span,
        pipeline: Option<Pipeline>,
    },
}

impl Node {
    pub fn span(&self) -> Span {
        match self {
            Node::Text { span, .. }
            | Node::Action { span, .. }
            | Node::Break { span }
            | Node::Continue { span }
            | Node::Template { span, .. } => *span,
            Node::If(branch) | Node::Range(branch) | Node::With(branch) => branch.span,
        }
    }
}

/// The shared shape of `if`, `range` and `with`. `{{else if}}` and
/// `{{else with}}` appear as an else list holding one nested branch.
#[derive(Clone, Debug, PartialEq)]
pub struct Branch {
    /// From the opening `{{` to the end of the closing `{{end}}`.
    pub span: Span,
    pub pipeline: Pipeline,
    pub list: List,
    pub else_list: Option<List>,
}

/// `$x := cmd | cmd`, or `$i, $e := cmd` in a range.
#[derive(Clone, Debug, PartialEq)]
pub struct Pipeline {
    pub span: Span,
    /// Variables declared (`:=`) or assigned (`=`) by this pipeline.
    pub declarations: Vec<Variable>,
    /// True for `=`, false for `:=`.
    pub is_assign: bool,
    pub commands: Vec<Command>,
}

/// One stage of a pipeline: a function or value followed by its arguments.
#[derive(Clone, Debug, PartialEq)]
pub struct Command {
    pub span: Span,
    pub args: Vec<Expr>,
}

/// A variable reference such as `$`, `$x` or `$labels.instance`.
#[derive(Clone, Debug, PartialEq)]
pub struct Variable {
    pub span: Span,
    /// The variable name including `$`.
    pub name: String,
    /// Fields accessed on it, without dots.
    pub fields: Vec<String>,
}

/// An operand of a command.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// `.`
    Dot {
        span: Span,
    },
    Nil {
        span: Span,
    },
    Bool {
        span: Span,
        value: bool,
    },
    /// A number or character constant; `text` is the literal as written.
    Number {
        span: Span,
        text: String,
        value: NumberValue,
    },
    /// A quoted or raw string; `value` is decoded.
    String {
        span: Span,
        value: String,
    },
    /// `.A.B`: fields of the cursor, without dots.
    Field {
        span: Span,
        fields: Vec<String>,
    },
    Variable(Variable),
    /// A function name.
    Identifier {
        span: Span,
        name: String,
    },
    /// `(pipeline)`; the span covers the parentheses.
    Pipeline {
        span: Span,
        pipeline: Box<Pipeline>,
    },
    /// Fields taken from a parenthesised pipeline or function result: `(x).A.B`.
    Chain {
        span: Span,
        base: Box<Expr>,
        fields: Vec<String>,
    },
}

impl Expr {
    pub fn span(&self) -> Span {
        match self {
            Expr::Dot { span }
            | Expr::Nil { span }
            | Expr::Bool { span, .. }
            | Expr::Number { span, .. }
            | Expr::String { span, .. }
            | Expr::Field { span, .. }
            | Expr::Identifier { span, .. }
            | Expr::Pipeline { span, .. }
            | Expr::Chain { span, .. } => *span,
            Expr::Variable(variable) => variable.span,
        }
    }
}

/// Where a chain of field accesses starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldRoot<'t> {
    /// `.A.B`
    Dot,
    /// `$labels.A`: the variable name with `$`.
    Variable(&'t str),
    /// `(pipeline).A` or `fn.A`: fields taken from a computed value.
    Computed,
}

/// One field access chain found in a template, such as `$labels.instance`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldChain<'t> {
    pub span: Span,
    pub root: FieldRoot<'t>,
    pub fields: &'t [String],
    /// Whether `.` here is the data the template was executed with: false inside the body
    /// of a `range` or `with` (which rebind `.` to their own value) and inside a
    /// `define`/`block` body (whose `.` is whatever the caller passed).
    pub dot_is_data: bool,
}

/// One function name used in a template.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FunctionCall<'t> {
    pub span: Span,
    pub name: &'t str,
}

impl Template {
    /// Calls `visit` for every node, depth first, in source order; the main
    /// body comes first, then each definition's body.
    pub fn walk_nodes<'t>(&'t self, visit: &mut impl FnMut(&'t Node)) {
        self.root.walk_nodes(visit);
        for definition in &self.definitions {
            definition.body.walk_nodes(visit);
        }
    }

    /// Calls `visit` for every operand, including those nested in
    /// parentheses, chains and declarations' pipelines, in source order.
    pub fn walk_exprs<'t>(&'t self, visit: &mut impl FnMut(&'t Expr)) {
        self.walk_nodes(&mut |node| {
            if let Some(pipeline) = node_pipeline(node) {
                pipeline.walk_exprs(visit);
            }
        });
    }

    /// Every field access chain: `.Labels.x`, `$labels.x`, `(f).x`.
    pub fn field_chains(&self) -> Vec<FieldChain<'_>> {
        let mut chains = Vec::new();
        self.root.collect_field_chains(true, &mut chains);
        for definition in &self.definitions {
            definition.body.collect_field_chains(false, &mut chains);
        }
        chains
    }

    /// Whether the template declares or assigns the variable `name` (with `$`) anywhere,
    /// which shadows or overwrites a prelude variable of the same name.
    pub fn declares_variable(&self, name: &str) -> bool {
        let mut declares = false;
        self.walk_nodes(&mut |node| {
            if let Some(pipeline) = node_pipeline(node) {
                declares |= pipeline.declarations.iter().any(|v| v.name == name);
            }
        });
        declares
    }

    /// Every function name used, with its span.
    pub fn function_calls(&self) -> Vec<FunctionCall<'_>> {
        let mut calls = Vec::new();
        self.walk_exprs(&mut |expr| {
            if let Expr::Identifier { span, name } = expr {
                calls.push(FunctionCall { span: *span, name });
            }
        });
        calls
    }

    /// Every variable reference (not declaration), such as `$value`.
    pub fn variable_uses(&self) -> Vec<&Variable> {
        let mut uses = Vec::new();
        self.walk_exprs(&mut |expr| {
            if let Expr::Variable(variable) = expr {
                uses.push(variable);
            }
        });
        uses
    }

    /// Whether the template contains any action, i.e. is more than literal text.
    pub fn has_actions(&self) -> bool {
        !self.definitions.is_empty()
            || self
                .root
                .nodes
                .iter()
                .any(|node| !matches!(node, Node::Text { .. }))
    }
}

fn node_pipeline(node: &Node) -> Option<&Pipeline> {
    match node {
        Node::Action { pipeline, .. } => Some(pipeline),
        Node::If(branch) | Node::Range(branch) | Node::With(branch) => Some(&branch.pipeline),
        Node::Template { pipeline, .. } => pipeline.as_ref(),
        Node::Text { .. } | Node::Break { .. } | Node::Continue { .. } => None,
    }
}

impl List {
    /// Calls `visit` for each node and, after it, the nodes nested inside it.
    pub fn walk_nodes<'t>(&'t self, visit: &mut impl FnMut(&'t Node)) {
        for node in &self.nodes {
            visit(node);
            if let Node::If(branch) | Node::Range(branch) | Node::With(branch) = node {
                branch.list.walk_nodes(visit);
                if let Some(else_list) = &branch.else_list {
                    else_list.walk_nodes(visit);
                }
            }
        }
    }
}

impl List {
    /// The field chains of this list's nodes, in source order; `dot_is_data` tells whether
    /// `.` at this level is the template's data.
    fn collect_field_chains<'t>(&'t self, dot_is_data: bool, chains: &mut Vec<FieldChain<'t>>) {
        for node in &self.nodes {
            if let Some(pipeline) = node_pipeline(node) {
                pipeline.collect_field_chains(dot_is_data, chains);
            }
            match node {
                // `range` and `with` rebind `.` in their body; their `else` keeps it.
                Node::Range(branch) | Node::With(branch) => {
                    branch.list.collect_field_chains(false, chains);
                    if let Some(else_list) = &branch.else_list {
                        else_list.collect_field_chains(dot_is_data, chains);
                    }
                }
                Node::If(branch) => {
                    branch.list.collect_field_chains(dot_is_data, chains);
                    if let Some(else_list) = &branch.else_list {
                        else_list.collect_field_chains(dot_is_data, chains);
                    }
                }
                _ => {}
            }
        }
    }
}

impl Pipeline {
    fn collect_field_chains<'t>(&'t self, dot_is_data: bool, chains: &mut Vec<FieldChain<'t>>) {
        self.walk_exprs(&mut |expr| {
            let (root, fields) = match expr {
                Expr::Field { fields, .. } => (FieldRoot::Dot, fields),
                Expr::Variable(v) if !v.fields.is_empty() => {
                    (FieldRoot::Variable(&v.name), &v.fields)
                }
                Expr::Chain { fields, .. } => (FieldRoot::Computed, fields),
                _ => return,
            };
            chains.push(FieldChain {
                span: expr.span(),
                root,
                fields,
                dot_is_data,
            });
        });
    }

    pub fn walk_exprs<'t>(&'t self, visit: &mut impl FnMut(&'t Expr)) {
        for command in &self.commands {
            for arg in &command.args {
                arg.walk(visit);
            }
        }
    }
}

impl Expr {
    /// Calls `visit` for this operand and then any operands nested in it.
    pub fn walk<'t>(&'t self, visit: &mut impl FnMut(&'t Expr)) {
        visit(self);
        match self {
            Expr::Pipeline { pipeline, .. } => pipeline.walk_exprs(visit),
            Expr::Chain { base, .. } => base.walk(visit),
            _ => {}
        }
    }
}
