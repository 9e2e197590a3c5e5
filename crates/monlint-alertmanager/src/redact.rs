//! Secret values found line by line, for a file whose YAML does not parse: with no tree
//! to read them from, the text after every key some level reads as a secret is masked,
//! and so are the lines of its block below it. It errs on masking too much.

use monlint_core::Span;

use crate::schema::is_secret_key;

/// The spans to mask in a broken YAML text: from after `key:` to the end of the line for
/// every secret key (quoted or not, in block or flow style, in comments too), and every
/// following line indented deeper than the key (a block value, a continued scalar).
pub fn secret_spans_in_text(text: &str) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut offset = 0;
    // The column of the secret key whose deeper lines are being masked.
    let mut block_column: Option<usize> = None;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        let indent = content.len() - content.trim_start_matches([' ', '\t']).len();
        let deeper = content.trim().is_empty() || block_column.is_some_and(|c| indent > c);
        if block_column.is_some() && deeper {
            spans.push(Span::from_usize(offset + indent, offset + content.len()));
        } else {
            block_column = None;
            if let Some((column, value_start)) = secret_key(content) {
                if value_start < content.len() {
                    spans.push(Span::from_usize(
                        offset + value_start,
                        offset + content.len(),
                    ));
                }
                block_column = Some(column);
            }
        }
        offset += line.len();
    }
    spans
}

/// The first secret key of a line: its column and where its value starts.
fn secret_key(line: &str) -> Option<(usize, usize)> {
    let bytes = line.as_bytes();
    for (colon, _) in line.match_indices(':') {
        let after = colon + 1;
        if bytes.get(after).is_some_and(|b| !b" \t".contains(b)) {
            continue;
        }
        let before = line[..colon].trim_end_matches([' ', '\t']);
        let unquoted = before.trim_end_matches(['"', '\'']);
        let start = unquoted
            .trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == '_')
            .len();
        let name = &unquoted[start..];
        let key_start = if start > 0 && matches!(bytes[start - 1], b'"' | b'\'') {
            start - 1
        } else {
            start
        };
        let separated = key_start == 0 || b" \t{[,-#".contains(&bytes[key_start - 1]);
        if !name.is_empty() && separated && is_secret_key(name) {
            return Some((key_start, after));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masked(text: &str) -> String {
        let mut bytes = text.as_bytes().to_vec();
        for span in secret_spans_in_text(text) {
            bytes[span.range()].fill(b'*');
        }
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn masks_values_after_secret_keys_whatever_the_syntax() {
        let text = "receivers:\n- name: pd\n  pagerduty_configs:\n  - routing_key: \"abc\n    severity: x\n  - {\"service_key\": def, x: 1}\n  # password: ghi\n";
        assert_eq!(
            masked(text),
            "receivers:\n- name: pd\n  pagerduty_configs:\n  - routing_key:*****\n    severity: x\n  - {\"service_key\":***********\n  # password:****\n"
        );
    }

    #[test]
    fn masks_the_block_below_a_secret_key() {
        let text = "  token:\n    - abc\n    - def\n  name: x\n  api_url: |\n    https://h/tok\n";
        assert_eq!(
            masked(text),
            "  token:\n    *****\n    *****\n  name: x\n  api_url:**\n    *************\n"
        );
    }

    #[test]
    fn leaves_other_keys_alone() {
        let text = "route:\n  receiver: tokens\n  my_token: x\n";
        assert_eq!(masked(text), text);
    }
}
