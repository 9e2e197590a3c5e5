//! Groups with more rules than one evaluation should carry.

use monlint_core::{Category, Check, Diagnostic, Severity};

use super::RuleContext;

pub static CHECK: Check = Check {
    code: "S103",
    name: "group-too-large",
    category: Category::Style,
    default_severity: Severity::Info,
    enabled_by_default: false,
    summary: "A rule group has more than 20 rules.",
    doc: r#"## What it does
Reports a group with more than 20 rules, the limit the monitoring mixins keep to.

## Why is this bad?
The rules of a group run one after the other in one evaluation; a long group may not
finish within its interval, which skips evaluations, and it is hard to review. Groups
are also the unit of evaluation interval and of sharding in Thanos and Mimir rulers.

## Example
A group `node` with 35 alerts about CPU, memory, disks and network.

## Use instead
Split it by subject: `node.cpu`, `node.memory`, `node.disk`, `node.network`.
"#,
};

const MAX_RULES: usize = 20;

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    for group in &ctx.rules.groups {
        if group.rules.len() <= MAX_RULES {
            continue;
        }
        let span = group.name.as_ref().map_or(group.span, |name| name.span);
        out.push(
            Diagnostic::new(
                &CHECK,
                ctx.rules.file,
                span,
                format!(
                    "group {:?} has {} rules, more than {MAX_RULES}",
                    group.name(),
                    group.rules.len()
                ),
            )
            .with_help("split the group by subject"),
        );
    }
}
