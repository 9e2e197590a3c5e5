//! Properties of the matcher parsers and of the implication proofs.

use monlint_alertmanager::implication::{implies, unsatisfiable_label};
use monlint_alertmanager::matcher::{
    MatchOp, Matcher, format_matchers, parse_classic_matchers, parse_utf8_matchers,
};
use proptest::prelude::*;

fn op() -> impl Strategy<Value = MatchOp> {
    prop_oneof![
        Just(MatchOp::Equal),
        Just(MatchOp::NotEqual),
        Just(MatchOp::Regex),
        Just(MatchOp::NotRegex)
    ]
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "[a-c]{1,3}",
        "[a-c]{1,2}\\|[a-c]{1,2}",
        Just("a.*".to_owned()),
        Just("(?s).*".to_owned()),
        "[ a\"\\\\,{}=~!\n]{0,6}",
    ]
}

fn matcher() -> impl Strategy<Value = Matcher> {
    ("[ab]", op(), value()).prop_filter_map("regex must compile", |(name, op, value)| {
        Matcher::new(&name, op, &value).ok()
    })
}

proptest! {
    /// Whatever the input, the parsers return a result; they never panic.
    #[test]
    fn parsers_never_panic(input in "\\PC{0,40}") {
        let _ = parse_classic_matchers(&input);
        let _ = parse_utf8_matchers(&input);
    }

    /// Alertmanager's rendering of matchers reads back as the same matchers in both syntaxes.
    #[test]
    fn rendering_round_trips(matchers in prop::collection::vec(matcher(), 1..4)) {
        let text = format_matchers(&matchers);
        prop_assert_eq!(parse_classic_matchers(&text).unwrap(), matchers.clone());
        prop_assert_eq!(parse_utf8_matchers(&text).unwrap(), matchers);
    }

    /// A proven implication holds for every label set tried; a proven contradiction
    /// admits none of them.
    #[test]
    fn proofs_are_sound(
        premise in prop::collection::vec(matcher(), 0..3),
        conclusion in matcher(),
        a in value(),
        b in value(),
    ) {
        let refs: Vec<&Matcher> = premise.iter().collect();
        let get = |name: &str| if name == "a" { a.as_str() } else { b.as_str() };
        let accepted = premise.iter().all(|m| m.matches(get(&m.name)));
        if accepted {
            prop_assert!(unsatisfiable_label(&refs).is_none());
            if implies(&refs, &conclusion) {
                prop_assert!(conclusion.matches(get(&conclusion.name)));
            }
        }
    }
}
