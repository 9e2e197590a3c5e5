//! amtool's rendering of a route tree (`config routes show`) and of the routes an alert
//! takes (`config routes test --tree`), byte for byte.

use crate::matcher::{Matcher, format_matchers};
use crate::model::Route;
use crate::routing::{LabelSet, RouteOptions, matchers_match};

/// A node of a printed tree.
struct Branch {
    text: String,
    children: Vec<Branch>,
}

fn slug(route: &Route, options: &RouteOptions, show_continue: bool, show_receiver: bool) -> String {
    let mut text = if route.matchers.is_empty() {
        "default-route".to_owned()
    } else {
        let matchers: Vec<Matcher> = route.matchers.iter().map(|m| m.matcher.clone()).collect();
        format_matchers(&matchers)
    };
    if show_continue && route.continue_matching {
        text.push_str("  continue: true");
    }
    if show_receiver {
        text.push_str("  receiver: ");
        text.push_str(&options.receiver);
    }
    text
}

fn full_tree(route: &Route, parent: &RouteOptions) -> Branch {
    let options = parent.inherit(route);
    Branch {
        text: slug(route, &options, true, true),
        children: route
            .routes
            .iter()
            .map(|child| full_tree(child, &options))
            .collect(),
    }
}

fn matching_tree(route: &Route, parent: &RouteOptions, labels: &LabelSet) -> Branch {
    let options = parent.inherit(route);
    let mut children = Vec::new();
    for child in &route.routes {
        // amtool looks at each child's own matchers only, not at whether its subtree matches.
        if matchers_match(&child.matchers, labels) {
            children.push(matching_tree(child, &options, labels));
            if !child.continue_matching {
                break;
            }
        }
    }
    let text = slug(route, &options, false, children.is_empty());
    Branch { text, children }
}

/// treeprint's layout: a `.` root, `├── ` / `└── ` before each node, and below a node
/// with a later sibling `│` followed by two no-break spaces and a space (treeprint's
/// bytes), else four spaces.
fn render(root: &Branch) -> String {
    fn go(children: &[Branch], prefix: &str, out: &mut String) {
        for (index, child) in children.iter().enumerate() {
            let last = index + 1 == children.len();
            out.push_str(prefix);
            out.push_str(if last { "└── " } else { "├── " });
            out.push_str(&child.text);
            out.push('\n');
            let deeper = format!("{prefix}{}", if last { "    " } else { "│\u{a0}\u{a0} " });
            go(&child.children, &deeper, out);
        }
    }
    let mut out = String::from(".\n");
    go(std::slice::from_ref(root), "", &mut out);
    out
}

/// What `amtool config routes show` prints.
pub fn routes_show(root: &Route) -> String {
    let tree = full_tree(root, &RouteOptions::default());
    format!("Routing tree:\n{}\n", render(&tree))
}

/// What `amtool config routes test --tree` prints before the receivers.
pub fn routes_test_tree(root: &Route, labels: &LabelSet) -> String {
    let tree = matching_tree(root, &RouteOptions::default(), labels);
    format!("Matching routes:\n{}\n\n", render(&tree))
}
