//! Property test of the expansion's offset map: whatever the mix of text and variable
//! syntaxes, every byte of copied text maps back to the same byte of the raw query,
//! every placeholder maps back to its whole reference, and the map never goes backwards.

use monlint_grafana::expand::{Context, Variables, expand};
use proptest::prelude::*;

/// Knows `a`, `bb` and `long_name`, with placeholders of other lengths than the names.
struct Known;

impl Variables for Known {
    fn placeholder(&self, name: &str, context: Context) -> Option<String> {
        let value = match (name, context) {
            ("a" | "bb" | "long_name", Context::Duration) => "15m",
            ("a", _) => "x",
            ("bb", _) => "placeholder_value",
            ("long_name", _) => "7",
            _ => return None,
        };
        Some(value.to_owned())
    }
}

fn piece() -> impl Strategy<Value = String> {
    let name = prop_oneof![
        Just("a"),
        Just("bb"),
        Just("long_name"),
        Just("unknown"),
        Just("__rate_interval"),
        Just("__range_s"),
        Just("1"),
    ];
    prop_oneof![
        "[a-z_(){},=~\" \\[\\]:0-9]{0,8}",
        name.clone().prop_map(|n| format!("${n}")),
        name.clone().prop_map(|n| format!("${{{n}}}")),
        name.clone().prop_map(|n| format!("${{{n}:regex}}")),
        name.prop_map(|n| format!("[[{n}]]")),
        Just("$".to_owned()),
        Just("[[".to_owned()),
        Just("${".to_owned()),
    ]
}

proptest! {
    #[test]
    fn offsets_map_back_to_the_raw_text(pieces in prop::collection::vec(piece(), 0..12)) {
        let raw: String = pieces.concat();
        let expansion = expand(&raw, &Known);
        let text = &expansion.text;
        prop_assert_eq!(expansion.raw_range(0..text.len()), 0..raw.len());
        let mut previous = 0;
        for offset in 0..text.len() {
            let mapped = expansion.raw_range(offset..offset + 1);
            prop_assert!(mapped.start >= previous, "the map went backwards at {}", offset);
            previous = mapped.start;
            if !expansion.touches_variable(offset..offset + 1) {
                prop_assert_eq!(&raw[mapped.clone()], &text[offset..offset + 1]);
            }
        }
        for reference in &expansion.references {
            let written = &raw[reference.raw.clone()];
            prop_assert!(written.starts_with('$') || written.starts_with("[["), "{}", written);
            prop_assert!(written.contains(reference.name.as_str()));
        }
    }
}
