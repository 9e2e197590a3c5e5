//! Executes parsed templates as Go's `text/template` does with the
//! `missingkey=zero` option and Prometheus' template functions.

use std::rc::Rc;

use monlint_core::{Span, Version};

use crate::ast::{Branch, Command, Expr, List, Node, Pipeline, Template, Variable};
use crate::format::quote;
use crate::functions::{call_function, signature};
use crate::prometheus::{ALERT_TEMPLATE_NAME_PREFIX, check_prometheus_alert_template};
use crate::value::{AlertData, Value};

/// One sample of a query result, as Prometheus' `query` function returns it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sample {
    pub labels: crate::value::Labels,
    pub value: f64,
}

/// What a template can reach outside its data: the query engine.
pub trait Environment {
    /// Evaluates `expression` at the alert's evaluation time.
    fn query(&self, expression: &str) -> Result<Vec<Sample>, String>;
}

/// An environment without a query engine: `query` fails.
pub struct NoQueries;

impl Environment for NoQueries {
    fn query(&self, _expression: &str) -> Result<Vec<Sample>, String> {
        Err("query is not supported yet".to_owned())
    }
}

/// A failed execution; `message` is Go's full error text, such as
/// `template: __alert_X:1:128: executing "__alert_X" at <humanize "x">: error calling humanize: ...`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecError {
    pub message: String,
}

impl std::fmt::Display for ExecError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ExecError {}

/// Nested `{{template}}` calls and control structures allowed before
/// execution stops with Go's `exceeded maximum template depth` error. Go
/// allows 100000 nested templates; counting control structures as well keeps
/// a hostile template from exhausting the stack.
pub const MAX_EXEC_DEPTH: usize = 256;
/// Nodes and commands executed before execution stops, so that templates
/// calling each other many times cannot run for ever.
const MAX_STEPS: usize = 1_000_000;
/// Output size at which execution stops.
const MAX_OUTPUT: usize = 1 << 20;

/// The Prometheus prelude: where each variable's value comes from.
const PRELUDE: &[(&str, &str)] = &[
    ("$labels", "Labels"),
    ("$externalLabels", "ExternalLabels"),
    ("$externalURL", "ExternalURL"),
    ("$value", "Value"),
];

/// Where a template's source came from, for Go's `name:line:column` positions.
pub struct Source<'a> {
    /// The template's name, e.g. `__alert_HighLatency`.
    pub name: &'a str,
    /// The text the spans index.
    pub text: &'a str,
    /// Bytes of text Go saw before `text` on its first line (Prometheus' prelude).
    pub first_line_offset: usize,
}

impl Template {
    /// Runs the template with `data` as `.` and `$`, and `variables` declared
    /// before the body, e.g. the Prometheus prelude.
    pub fn execute(
        &self,
        source: &Source<'_>,
        data: &Value,
        variables: &[(String, Value)],
        env: &dyn Environment,
    ) -> Result<String, ExecError> {
        let mut state = State {
            template: self,
            source,
            env,
            executing: source.name.to_owned(),
            variables: vec![("$".to_owned(), data.clone())],
            depth: 0,
            steps: 0,
            output: String::new(),
        };
        state.variables.extend(variables.iter().cloned());
        state.walk_list(&self.root, data)?;
        Ok(state.output)
    }
}

/// Expands an alert label or annotation as Prometheus does: on failure the
/// result is the `<error expanding template: ...>` text Prometheus stores.
pub fn expand_alert_template(
    alert_name: &str,
    text: &str,
    data: &AlertData,
    version: Version,
    env: &dyn Environment,
) -> String {
    AlertTemplate::new(alert_name, text, version).expand(data, env)
}

/// An alert label or annotation template, parsed once for expanding at every rule
/// evaluation.
pub struct AlertTemplate {
    name: String,
    text: String,
    version: Version,
    parsed: Parsed,
}

enum Parsed {
    /// No action: the text is its own expansion (most static labels).
    Plain,
    Template(Template),
    /// The `<error expanding template: ...>` text of a parse error.
    Error(String),
}

impl AlertTemplate {
    pub fn new(alert_name: &str, text: &str, version: Version) -> Self {
        let name = format!("{ALERT_TEMPLATE_NAME_PREFIX}{alert_name}");
        let parsed = if !text.contains("{{") {
            Parsed::Plain
        } else {
            match check_prometheus_alert_template(text, version) {
                Ok(template) => Parsed::Template(template),
                Err(error) => Parsed::Error(format!(
                    "<error expanding template: error parsing template {name}: {}>",
                    error.go_text(&name)
                )),
            }
        };
        AlertTemplate {
            name,
            text: text.to_owned(),
            version,
            parsed,
        }
    }

    /// The expansion for one alert; a failure yields Prometheus' error text.
    pub fn expand(&self, data: &AlertData, env: &dyn Environment) -> String {
        let template = match &self.parsed {
            Parsed::Plain => return self.text.clone(),
            Parsed::Error(text) => return text.clone(),
            Parsed::Template(template) => template,
        };
        let with_url = self.version >= Version::new(2, 28);
        let prelude: Vec<&(&str, &str)> = PRELUDE
            .iter()
            .filter(|(variable, _)| with_url || *variable != "$externalURL")
            .collect();
        let first_line_offset = prelude
            .iter()
            .map(|(variable, field)| format!("{{{{{variable} := .{field}}}}}").len())
            .sum();
        let data = Rc::new(data.clone());
        let variables: Vec<(String, Value)> = prelude
            .iter()
            .map(|(variable, field)| {
                let value = data_field(&data, field).unwrap_or(Value::Nil);
                ((*variable).to_owned(), value)
            })
            .collect();
        let source = Source {
            name: &self.name,
            text: &self.text,
            first_line_offset,
        };
        match template.execute(&source, &Value::Data(data.clone()), &variables, env) {
            Ok(expanded) => expanded,
            Err(error) => format!(
                "<error expanding template: error executing template {}: {}>",
                self.name, error.message
            ),
        }
    }
}

fn data_field(data: &Rc<AlertData>, field: &str) -> Option<Value> {
    Some(match field {
        "Labels" => Value::Labels(Rc::new(data.labels.clone())),
        "ExternalLabels" => Value::Labels(Rc::new(data.external_labels.clone())),
        "ExternalURL" => Value::String(data.external_url.clone()),
        "Value" => Value::Float(data.value),
        _ => return None,
    })
}

enum Flow {
    Normal,
    Break,
    Continue,
}

struct State<'a> {
    template: &'a Template,
    source: &'a Source<'a>,
    env: &'a dyn Environment,
    /// The name of the template being executed, for error texts.
    executing: String,
    variables: Vec<(String, Value)>,
    depth: usize,
    steps: usize,
    output: String,
}

impl State<'_> {
    /// Go's `template: name:line:col: executing "name" at <node>: message`.
    fn error_at(&self, span: Span, message: impl std::fmt::Display) -> ExecError {
        let node: String = self
            .source_text(span)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        self.error_with_context(span, &node, message)
    }

    /// Like [`Self::error_at`], with Go's rendering of the node given.
    fn error_with_context(
        &self,
        span: Span,
        node: &str,
        message: impl std::fmt::Display,
    ) -> ExecError {
        let text = self.source.text;
        let start = usize::try_from(span.start).unwrap_or(0).min(text.len());
        let before = text.get(..start).unwrap_or_default();
        let line = before.matches('\n').count() + 1;
        let column = match before.rfind('\n') {
            Some(newline) => start - newline - 1,
            None => start + self.source.first_line_offset,
        };
        ExecError {
            message: format!(
                "template: {}:{line}:{column}: executing {} at <{node}>: {message}",
                self.source.name,
                quote(&self.executing)
            ),
        }
    }

    fn step(&mut self, span: Span) -> Result<(), ExecError> {
        self.steps += 1;
        if self.steps > MAX_STEPS || self.output.len() > MAX_OUTPUT {
            return Err(self.error_at(span, "template execution exceeded its budget"));
        }
        Ok(())
    }

    fn enter(&mut self, span: Span) -> Result<(), ExecError> {
        if self.depth >= MAX_EXEC_DEPTH {
            let message = format!("exceeded maximum template depth ({MAX_EXEC_DEPTH})");
            return Err(self.error_at(span, message));
        }
        self.depth += 1;
        Ok(())
    }

    fn walk_list(&mut self, list: &List, dot: &Value) -> Result<Flow, ExecError> {
        let mark = self.variables.len();
        let mut flow = Flow::Normal;
        for node in &list.nodes {
            flow = self.walk_node(node, dot)?;
            if !matches!(flow, Flow::Normal) {
                break;
            }
        }
        self.variables.truncate(mark);
        Ok(flow)
    }

    fn walk_node(&mut self, node: &Node, dot: &Value) -> Result<Flow, ExecError> {
        self.step(node.span())?;
        match node {
            Node::Text { text, .. } => self.output.push_str(text),
            Node::Action { pipeline, .. } => {
                let value = self.eval_pipeline(pipeline, dot)?;
                if pipeline.declarations.is_empty() {
                    self.print_value(&value);
                }
            }
            Node::If(branch) | Node::With(branch) | Node::Range(branch) => {
                self.enter(branch.span)?;
                let flow = match node {
                    Node::Range(_) => self.walk_range(branch, dot),
                    _ => self.walk_if_or_with(branch, dot, matches!(node, Node::With(_))),
                };
                self.depth -= 1;
                return flow;
            }
            Node::Break { .. } => return Ok(Flow::Break),
            Node::Continue { .. } => return Ok(Flow::Continue),
            Node::Template {
                span,
                name,
                pipeline,
                name_span,
            } => self.walk_template(*span, *name_span, name, pipeline.as_ref(), dot)?,
        }
        Ok(Flow::Normal)
    }

    fn print_value(&mut self, value: &Value) {
        match value {
            Value::Nil => self.output.push_str("<no value>"),
            other => self.output.push_str(&other.go_string()),
        }
    }

    fn walk_if_or_with(
        &mut self,
        branch: &Branch,
        dot: &Value,
        is_with: bool,
    ) -> Result<Flow, ExecError> {
        let mark = self.variables.len();
        let value = self.eval_pipeline(&branch.pipeline, dot)?;
        let flow = if value.is_true() {
            let inner_dot = if is_with { &value } else { dot };
            self.walk_list(&branch.list, inner_dot)?
        } else if let Some(else_list) = &branch.else_list {
            self.walk_list(else_list, dot)?
        } else {
            Flow::Normal
        };
        self.variables.truncate(mark);
        Ok(flow)
    }

    fn walk_range(&mut self, branch: &Branch, dot: &Value) -> Result<Flow, ExecError> {
        let mark = self.variables.len();
        let value = self.eval_pipeline(&branch.pipeline, dot)?;
        let items: Vec<(Value, Value)> = match &value {
            Value::Nil => Vec::new(),
            Value::Labels(labels) => labels
                .iter()
                .map(|(k, v)| (Value::String(k.clone()), Value::String(v.clone())))
                .collect(),
            Value::Samples(samples) => samples
                .iter()
                .enumerate()
                .map(|(index, sample)| {
                    let index = i64::try_from(index).unwrap_or(i64::MAX);
                    (Value::Int(index), Value::Sample(Rc::new(sample.clone())))
                })
                .collect(),
            other => {
                let message = format!("range can't iterate over {}", other.go_string());
                return Err(self.error_at(branch.pipeline.span, message));
            }
        };
        if items.is_empty() {
            if let Some(else_list) = &branch.else_list {
                let flow = self.walk_list(else_list, dot)?;
                self.variables.truncate(mark);
                return Ok(flow);
            }
        }
        for (key, element) in items {
            self.step(branch.span)?;
            // The pipeline declared its variables with the range value; they
            // now take each element (one variable) or each key and element.
            match branch.pipeline.declarations.len() {
                0 => {}
                1 => self.set_declared(mark, 0, element.clone()),
                _ => {
                    self.set_declared(mark, 0, key);
                    self.set_declared(mark, 1, element.clone());
                }
            }
            if let Flow::Break = self.walk_list(&branch.list, &element)? {
                break;
            }
        }
        self.variables.truncate(mark);
        Ok(Flow::Normal)
    }

    fn set_declared(&mut self, mark: usize, index: usize, value: Value) {
        if let Some(slot) = self.variables.get_mut(mark + index) {
            slot.1 = value;
        }
    }

    fn walk_template(
        &mut self,
        span: Span,
        name_span: Span,
        name: &str,
        pipeline: Option<&Pipeline>,
        dot: &Value,
    ) -> Result<(), ExecError> {
        let definition = self
            .template
            .definitions
            .iter()
            .rev()
            .find(|d| d.name == name);
        let Some(definition) = definition else {
            // Go places the node at its name and prints it in canonical form.
            let node = match pipeline {
                Some(pipeline) => format!(
                    "{{{{template {} {}}}}}",
                    quote(name),
                    self.source_text(pipeline.span).trim()
                ),
                None => format!("{{{{template {}}}}}", quote(name)),
            };
            let message = format!("template {} not defined", quote(name));
            return Err(self.error_with_context(name_span, &node, message));
        };
        let new_dot = match pipeline {
            Some(pipeline) => self.eval_pipeline(pipeline, dot)?,
            None => Value::Nil,
        };
        let saved_variables =
            std::mem::replace(&mut self.variables, vec![("$".to_owned(), new_dot.clone())]);
        let saved_name = std::mem::replace(&mut self.executing, name.to_owned());
        self.enter(span)?;
        let result = self.walk_list(&definition.body, &new_dot);
        self.depth -= 1;
        self.executing = saved_name;
        self.variables = saved_variables;
        result.map(|_| ())
    }

    fn eval_pipeline(&mut self, pipeline: &Pipeline, dot: &Value) -> Result<Value, ExecError> {
        let mut value: Option<Value> = None;
        for command in &pipeline.commands {
            value = Some(self.eval_command(command, dot, value)?);
        }
        let value = value.unwrap_or(Value::Nil);
        for (index, variable) in pipeline.declarations.iter().enumerate() {
            if pipeline.is_assign {
                let slot = self
                    .variables
                    .iter_mut()
                    .rev()
                    .find(|(name, _)| *name == variable.name);
                match slot {
                    Some(slot) => slot.1 = value.clone(),
                    None => {
                        let message = format!("undefined variable: {}", variable.name);
                        return Err(self.error_at(variable.span, message));
                    }
                }
            } else if index == 0 || pipeline.declarations.len() == 1 {
                self.variables.push((variable.name.clone(), value.clone()));
            } else {
                // The second variable of `$k, $v := range ...` is filled per element.
                self.variables.push((variable.name.clone(), Value::Nil));
            }
        }
        Ok(value)
    }

    fn eval_command(
        &mut self,
        command: &Command,
        dot: &Value,
        piped: Option<Value>,
    ) -> Result<Value, ExecError> {
        self.step(command.span)?;
        let Some(first) = command.args.first() else {
            return Ok(Value::Nil);
        };
        if let Expr::Identifier { name, .. } = first {
            return self.call(name, command, dot, piped);
        }
        if command.args.len() > 1 || piped.is_some() {
            let message = format!(
                "can't give argument to non-function {}",
                self.source_text(first.span())
            );
            return Err(self.error_at(command.span, message));
        }
        if let Expr::Nil { .. } = first {
            return Err(self.error_at(command.span, "nil is not a command"));
        }
        self.eval_arg(first, dot)
    }

    fn source_text(&self, span: Span) -> &str {
        let start = usize::try_from(span.start).unwrap_or(0);
        let end = usize::try_from(span.end).unwrap_or(0);
        self.source.text.get(start..end).unwrap_or_default()
    }

    fn call(
        &mut self,
        name: &str,
        command: &Command,
        dot: &Value,
        piped: Option<Value>,
    ) -> Result<Value, ExecError> {
        let operands = command.args.get(1..).unwrap_or_default();
        let count = operands.len() + usize::from(piped.is_some());
        let signature = signature(name);
        // Go checks the count before evaluating anything, and reports it at the name.
        let count_fits = if signature.variadic {
            count >= signature.fixed
        } else {
            count == signature.fixed
        };
        if !count_fits {
            let at_least = if signature.variadic { "at least " } else { "" };
            let message = format!(
                "wrong number of args for {name}: want {at_least}{} got {count}",
                signature.fixed
            );
            let name_span = command.args.first().map_or(command.span, Expr::span);
            return Err(self.error_at(name_span, message));
        }
        // `and` and `or` evaluate their operands only as far as needed.
        if name == "and" || name == "or" {
            let mut last = Value::Nil;
            let mut values = operands.iter().map(Some).chain(std::iter::once(None));
            for _ in 0..count {
                last = match values.next().flatten() {
                    Some(expr) => self.eval_arg(expr, dot)?,
                    None => piped.clone().unwrap_or(Value::Nil),
                };
                if last.is_true() == (name == "or") {
                    return Ok(last);
                }
            }
            return Ok(last);
        }
        let mut args = Vec::with_capacity(count);
        for (index, operand) in operands.iter().enumerate() {
            let wants_string = signature.string_params.contains(&index);
            if wants_string {
                if let Expr::Number { .. } | Expr::Bool { .. } = operand {
                    let message = format!(
                        "expected string; found {}",
                        self.source_text(operand.span())
                    );
                    return Err(self.error_at(operand.span(), message));
                }
            }
            let value = self.eval_arg(operand, dot)?;
            if wants_string && !matches!(value, Value::String(_)) {
                let message = format!(
                    "wrong type for value; expected string; got {}",
                    value.go_type_name()
                );
                return Err(self.error_at(operand.span(), message));
            }
            args.push(value);
        }
        if let Some(piped) = piped {
            if signature.string_params.contains(&operands.len())
                && !matches!(piped, Value::String(_))
            {
                let message = format!(
                    "wrong type for value; expected string; got {}",
                    piped.go_type_name()
                );
                return Err(self.error_at(command.span, message));
            }
            args.push(piped);
        }
        let context = FunctionContext { env: self.env, dot };
        call_function(name, &args, &context).map_err(|error| self.error_at(command.span, error))
    }

    fn eval_arg(&mut self, expr: &Expr, dot: &Value) -> Result<Value, ExecError> {
        match expr {
            Expr::Dot { .. } => Ok(dot.clone()),
            Expr::Nil { .. } => Ok(Value::Nil),
            Expr::Bool { value, .. } => Ok(Value::Bool(*value)),
            Expr::Number { text, value, span } => {
                // Go's choice of type for an untyped constant passed as `any`.
                let unsigned = text.trim_start_matches(['+', '-']);
                let is_hex_int = (unsigned.starts_with("0x") || unsigned.starts_with("0X"))
                    && !unsigned.contains(['p', 'P']);
                let is_float_syntax = !is_hex_int
                    && !unsigned.starts_with('\'')
                    && unsigned.contains(['.', 'e', 'E', 'p', 'P']);
                if value.complex.is_some() {
                    let message = format!("complex constant {text} is not supported");
                    return Err(self.error_at(*span, message));
                }
                match (value.int, value.uint, value.float) {
                    (_, _, Some(float)) if is_float_syntax => Ok(Value::Float(float)),
                    (Some(int), _, _) => Ok(Value::Int(int)),
                    (None, Some(_), _) => {
                        Err(self.error_at(*span, format!("{text} overflows int")))
                    }
                    // Go yields no value for a constant that fits none of its types.
                    _ => Ok(Value::Nil),
                }
            }
            Expr::String { value, .. } => Ok(Value::String(value.clone())),
            Expr::Field { span, fields } => {
                Self::eval_fields(dot.clone(), fields).map_err(|error| self.error_at(*span, error))
            }
            Expr::Variable(variable) => self.eval_variable(variable),
            Expr::Identifier { name, span } => {
                let command = Command {
                    span: *span,
                    args: vec![expr.clone()],
                };
                self.call(name, &command, dot, None)
            }
            Expr::Pipeline { pipeline, .. } => {
                let mark = self.variables.len();
                let value = self.eval_pipeline(pipeline, dot);
                self.variables.truncate(mark);
                value
            }
            Expr::Chain { span, base, fields } => {
                let base = self.eval_arg(base, dot)?;
                Self::eval_fields(base, fields).map_err(|error| self.error_at(*span, error))
            }
        }
    }

    fn eval_variable(&mut self, variable: &Variable) -> Result<Value, ExecError> {
        let value = self
            .variables
            .iter()
            .rev()
            .find(|(name, _)| *name == variable.name)
            .map(|(_, value)| value.clone());
        let Some(value) = value else {
            let message = format!("undefined variable: {}", variable.name);
            return Err(self.error_at(variable.span, message));
        };
        Self::eval_fields(value, &variable.fields).map_err(|error| {
            // Go places a variable's field chain at its first field.
            let name_length = u32::try_from(variable.name.len()).unwrap_or(0);
            let position = Span {
                start: variable.span.start.saturating_add(name_length),
                end: variable.span.end,
            };
            let node = self.source_text(variable.span).to_owned();
            self.error_with_context(position, &node, error)
        })
    }

    /// Takes `fields` from `value` in turn; the error is Go's message.
    fn eval_fields(mut value: Value, fields: &[String]) -> Result<Value, String> {
        for field in fields {
            value = match &value {
                Value::Labels(labels) => {
                    Value::String(labels.get(field).cloned().unwrap_or_default())
                }
                Value::Data(data) => match data_field(data, field) {
                    Some(value) => value,
                    None => {
                        let message = format!(
                            "can't evaluate field {field} in type {}",
                            value.go_type_name()
                        );
                        return Err(message);
                    }
                },
                Value::Sample(sample) => match field.as_str() {
                    "Labels" => Value::Labels(Rc::new(sample.labels.clone())),
                    "Value" => Value::Float(sample.value),
                    _ => {
                        let message =
                            format!("can't evaluate field {field} in type *template.sample");
                        return Err(message);
                    }
                },
                Value::Nil => {
                    let message = format!("nil pointer evaluating interface {{}}.{field}");
                    return Err(message);
                }
                other => {
                    let message = format!(
                        "can't evaluate field {field} in type {}",
                        other.go_type_name()
                    );
                    return Err(message);
                }
            };
        }
        Ok(value)
    }
}

/// What functions may use besides their arguments.
pub(crate) struct FunctionContext<'a> {
    pub env: &'a dyn Environment,
    pub dot: &'a Value,
}
