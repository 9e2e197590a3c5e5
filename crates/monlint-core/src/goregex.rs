//! Go's regular expressions (`regexp/syntax`, RE2 with Perl flags) for every
//! place a user's pattern is compiled: PromQL matchers and `label_replace`,
//! template functions, Alertmanager matchers.
//!
//! [`translate`] accepts and rejects exactly what Go's `syntax.Parse(pattern,
//! syntax.Perl)` does, with Go's error text, and returns a pattern for the
//! `regex` crate that matches the same strings. The differences it bridges:
//! a `{` that does not start a repeat is a literal in Go; Go's `\d`, `\w`,
//! `\s` and `\b` are ASCII; Go reads `\<`, `\Q..\E`, octal escapes, `(?ii)`,
//! `(?U)` its own way; Go limits repeat counts (1,000, multiplied through
//! nesting), tree height (1,000) and size. Anchoring (`^(?:...)$`) is the
//! caller's concatenation, as in Go, so error texts include it as Go's do.
//!
//! The scan is iterative: no input can exhaust the stack.

use std::fmt::Write as _;

/// The Go release that compiles the pattern: its syntax and Unicode tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GoRelease {
    /// Go 1.19 (Prometheus 2.x as Debian builds 2.42; Alertmanager 0.25).
    Go1_19,
    /// Go 1.22 and later (Prometheus 3.x): `(?<name>...)`, Unicode 15 scripts.
    Go1_22,
}

/// Go's largest count in `x{n,m}`, and of counts multiplied through nesting.
const MAX_REPEAT: u32 = 1000;
/// Go's largest parse-tree height.
const MAX_HEIGHT: u32 = 1000;
/// Go's largest compiled size, in instructions (128 MiB of 40-byte `Inst`s).
const MAX_SIZE: u64 = (128 << 20) / 40;

/// Go's `(*syntax.Error).Error()`.
fn error(code: &str, expr: &str) -> String {
    format!("error parsing regexp: {code}: `{expr}`")
}

/// Validates `pattern` as Go does and returns an equivalent `regex` crate pattern.
pub fn translate(pattern: &str, release: GoRelease) -> Result<String, String> {
    Parser::new(pattern, release).run()
}

/// [`translate`], then compiled. A pattern Go accepts but the `regex` crate cannot
/// build (its size limits) is refused with a text saying so.
pub fn compile(pattern: &str, release: GoRelease) -> Result<regex::Regex, String> {
    let translated = translate(pattern, release)?;
    regex::RegexBuilder::new(&translated)
        .size_limit(1 << 28)
        .nest_limit(4 * MAX_HEIGHT)
        .build()
        .map_err(|_| format!("regular expression too large to evaluate: `{pattern}`"))
}

/// Go's parse flags that change how the rest of a group reads.
#[derive(Clone, Copy, Default)]
struct Flags {
    fold_case: bool,
    multi_line: bool,
    dot_nl: bool,
    non_greedy: bool,
}

/// What Go's parse tree would hold for an item, for its limits.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// One literal character: Go merges a run of them into one literal string.
    Literal,
    /// A class: Go merges alternatives of these and of literals into one class.
    Char,
    /// Any other leaf (a literal string, an assertion, an empty match).
    Leaf,
    /// A zero-width assertion: wrapped in a group before a repeat.
    Assertion,
    Concat,
    Alternate,
    Other,
}

#[derive(Clone, Copy)]
struct Node {
    shape: Shape,
    height: u32,
    /// The largest product of repeat counts on a path down the tree (capped).
    repeats: u32,
    /// Go's `calcSize` (saturating).
    size: u64,
}

impl Node {
    fn is_char_like(self) -> bool {
        matches!(self.shape, Shape::Literal | Shape::Char)
    }

    const CHAR: Node = Node {
        shape: Shape::Char,
        height: 1,
        repeats: 1,
        size: 1,
    };
    const LITERAL: Node = Node {
        shape: Shape::Literal,
        ..Node::CHAR
    };
    const ASSERTION: Node = Node {
        shape: Shape::Assertion,
        ..Node::CHAR
    };
    const EMPTY: Node = Node {
        shape: Shape::Leaf,
        ..Node::CHAR
    };
}

/// An item of the concatenation being read, and where its text is in the output.
struct Item {
    node: Node,
    start: usize,
    end: usize,
}

/// An open group (or the whole pattern).
struct Frame {
    /// Where the group's text starts in the output.
    out_start: usize,
    flags_before: Flags,
    capture: bool,
    alternatives: Vec<Node>,
    items: Vec<Item>,
}

struct Parser<'a> {
    whole: &'a str,
    release: GoRelease,
    flags: Flags,
    out: String,
    frames: Vec<Frame>,
    names: Vec<String>,
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Go 1.19's `unicode.Categories` keys.
const CATEGORIES: &[&str] = &[
    "C", "Cc", "Cf", "Co", "Cs", "L", "Ll", "Lm", "Lo", "Lt", "Lu", "M", "Mc", "Me", "Mn", "N",
    "Nd", "Nl", "No", "P", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "S", "Sc", "Sk", "Sm", "So",
    "Z", "Zl", "Zp", "Zs",
];

/// `unicode.Scripts` keys of Unicode 13 (Go 1.19).
const SCRIPTS_13: &[&str] = &[
    "Adlam",
    "Ahom",
    "Anatolian_Hieroglyphs",
    "Arabic",
    "Armenian",
    "Avestan",
    "Balinese",
    "Bamum",
    "Bassa_Vah",
    "Batak",
    "Bengali",
    "Bhaiksuki",
    "Bopomofo",
    "Brahmi",
    "Braille",
    "Buginese",
    "Buhid",
    "Canadian_Aboriginal",
    "Carian",
    "Caucasian_Albanian",
    "Chakma",
    "Cham",
    "Cherokee",
    "Chorasmian",
    "Common",
    "Coptic",
    "Cuneiform",
    "Cypriot",
    "Cyrillic",
    "Deseret",
    "Devanagari",
    "Dives_Akuru",
    "Dogra",
    "Duployan",
    "Egyptian_Hieroglyphs",
    "Elbasan",
    "Elymaic",
    "Ethiopic",
    "Georgian",
    "Glagolitic",
    "Gothic",
    "Grantha",
    "Greek",
    "Gujarati",
    "Gunjala_Gondi",
    "Gurmukhi",
    "Han",
    "Hangul",
    "Hanifi_Rohingya",
    "Hanunoo",
    "Hatran",
    "Hebrew",
    "Hiragana",
    "Imperial_Aramaic",
    "Inherited",
    "Inscriptional_Pahlavi",
    "Inscriptional_Parthian",
    "Javanese",
    "Kaithi",
    "Kannada",
    "Katakana",
    "Kayah_Li",
    "Kharoshthi",
    "Khitan_Small_Script",
    "Khmer",
    "Khojki",
    "Khudawadi",
    "Lao",
    "Latin",
    "Lepcha",
    "Limbu",
    "Linear_A",
    "Linear_B",
    "Lisu",
    "Lycian",
    "Lydian",
    "Mahajani",
    "Makasar",
    "Malayalam",
    "Mandaic",
    "Manichaean",
    "Marchen",
    "Masaram_Gondi",
    "Medefaidrin",
    "Meetei_Mayek",
    "Mende_Kikakui",
    "Meroitic_Cursive",
    "Meroitic_Hieroglyphs",
    "Miao",
    "Modi",
    "Mongolian",
    "Mro",
    "Multani",
    "Myanmar",
    "Nabataean",
    "Nandinagari",
    "New_Tai_Lue",
    "Newa",
    "Nko",
    "Nushu",
    "Nyiakeng_Puachue_Hmong",
    "Ogham",
    "Ol_Chiki",
    "Old_Hungarian",
    "Old_Italic",
    "Old_North_Arabian",
    "Old_Permic",
    "Old_Persian",
    "Old_Sogdian",
    "Old_South_Arabian",
    "Old_Turkic",
    "Oriya",
    "Osage",
    "Osmanya",
    "Pahawh_Hmong",
    "Palmyrene",
    "Pau_Cin_Hau",
    "Phags_Pa",
    "Phoenician",
    "Psalter_Pahlavi",
    "Rejang",
    "Runic",
    "Samaritan",
    "Saurashtra",
    "Sharada",
    "Shavian",
    "Siddham",
    "SignWriting",
    "Sinhala",
    "Sogdian",
    "Sora_Sompeng",
    "Soyombo",
    "Sundanese",
    "Syloti_Nagri",
    "Syriac",
    "Tagalog",
    "Tagbanwa",
    "Tai_Le",
    "Tai_Tham",
    "Tai_Viet",
    "Takri",
    "Tamil",
    "Tangut",
    "Telugu",
    "Thaana",
    "Thai",
    "Tibetan",
    "Tifinagh",
    "Tirhuta",
    "Ugaritic",
    "Vai",
    "Wancho",
    "Warang_Citi",
    "Yezidi",
    "Yi",
    "Zanabazar_Square",
];

/// Scripts Unicode 14 and 15 added (Go 1.21 on).
const SCRIPTS_15: &[&str] = &[
    "Cypro_Minoan",
    "Kawi",
    "Nag_Mundari",
    "Old_Uyghur",
    "Tangsa",
    "Toto",
    "Vithkuqi",
];

const POSIX_CLASSES: &[&str] = &[
    "alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower", "print", "punct",
    "space", "upper", "word", "xdigit",
];

/// Go's Perl classes, spelled as ASCII class items.
fn perl_class_items(letter: u8) -> Option<(&'static str, bool)> {
    Some(match letter {
        b'd' => ("0-9", false),
        b'D' => ("0-9", true),
        b's' => (r"\t\n\x0C\r ", false),
        b'S' => (r"\t\n\x0C\r ", true),
        b'w' => ("0-9A-Za-z_", false),
        b'W' => ("0-9A-Za-z_", true),
        _ => return None,
    })
}

/// A character as a `regex` item that means only itself, in or out of a class.
fn push_literal(out: &mut String, c: char) {
    if c.is_alphanumeric() {
        out.push(c);
    } else {
        let _ = write!(out, "\\x{{{:X}}}", c as u32);
    }
}

/// `{n}`, `{n,}` or `{n,m}` at the start of `bytes`: (min, max or -1, length);
/// a count over 10^8 comes back as -1, as in Go.
fn parse_repeat(bytes: &[u8]) -> Option<(i64, i64, usize)> {
    let mut pos = 1;
    let mut min = parse_int(bytes, &mut pos)?;
    let max = if bytes.get(pos) == Some(&b',') {
        pos += 1;
        if bytes.get(pos) == Some(&b'}') {
            -1
        } else {
            let max = parse_int(bytes, &mut pos)?;
            if max < 0 {
                min = -1;
            }
            max
        }
    } else {
        min
    };
    (bytes.get(pos) == Some(&b'}')).then_some((min, max, pos + 1))
}

fn parse_int(bytes: &[u8], pos: &mut usize) -> Option<i64> {
    let start = *pos;
    if !bytes.get(start).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    if bytes[start] == b'0' && bytes.get(start + 1).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let mut value: i64 = 0;
    while let Some(digit) = bytes.get(*pos).filter(|b| b.is_ascii_digit()) {
        if value >= 100_000_000 {
            value = -1;
        } else if value >= 0 {
            value = value * 10 + i64::from(digit - b'0');
        }
        *pos += 1;
    }
    Some(value)
}

fn unhex(c: char) -> Option<u32> {
    c.to_digit(16)
}

impl<'a> Parser<'a> {
    fn new(whole: &'a str, release: GoRelease) -> Self {
        Parser {
            whole,
            release,
            flags: Flags::default(),
            out: String::with_capacity(whole.len() + 16),
            frames: vec![Frame {
                out_start: 0,
                flags_before: Flags::default(),
                capture: false,
                alternatives: Vec::new(),
                items: Vec::new(),
            }],
            names: Vec::new(),
        }
    }

    fn frame(&mut self) -> &mut Frame {
        self.frames
            .last_mut()
            .expect("the outermost frame is never popped")
    }

    fn check_limits(&self, node: Node) -> Result<Node, String> {
        if node.height > MAX_HEIGHT {
            return Err(error("expression nests too deeply", self.whole));
        }
        if node.size > MAX_SIZE {
            // Go 1.19's backport of the size limit reports it as an internal error.
            let code = match self.release {
                GoRelease::Go1_19 => "regexp/syntax: internal error",
                GoRelease::Go1_22 => "expression too large",
            };
            return Err(error(code, self.whole));
        }
        Ok(node)
    }

    /// Appends an item whose text was written to `out` from `start`.
    fn push_item(&mut self, node: Node, start: usize) -> Result<(), String> {
        let node = self.check_limits(node)?;
        let end = self.out.len();
        self.frame().items.push(Item { node, start, end });
        Ok(())
    }

    fn run(mut self) -> Result<String, String> {
        let s = self.whole;
        let bytes = s.as_bytes();
        let mut pos = 0;
        let mut last_repeat: Option<usize> = None;
        while pos < bytes.len() {
            let mut repeat_start = None;
            let start = self.out.len();
            match bytes[pos] {
                b'(' => {
                    if bytes.get(pos + 1) == Some(&b'?') {
                        pos = self.perl_flags(pos)?;
                    } else {
                        self.open_group(true, "(");
                        pos += 1;
                    }
                }
                b'|' => {
                    self.end_alternative()?;
                    self.out.push('|');
                    pos += 1;
                }
                b')' => {
                    self.close_group()?;
                    pos += 1;
                }
                b'^' | b'$' => {
                    self.out.push(char::from(bytes[pos]));
                    self.push_item(Node::ASSERTION, start)?;
                    pos += 1;
                }
                b'.' => {
                    self.out.push('.');
                    self.push_item(Node::CHAR, start)?;
                    pos += 1;
                }
                b'[' => {
                    pos = self.class(pos)?;
                    self.push_item(Node::CHAR, start)?;
                }
                b'*' | b'+' | b'?' => {
                    let after = pos + 1;
                    let after = self.repeat(pos, after, last_repeat, None)?;
                    repeat_start = Some(pos);
                    pos = after;
                }
                b'{' => match parse_repeat(&bytes[pos..]) {
                    Some((min, max, len)) => {
                        let after = pos + len;
                        let max_count = i64::from(MAX_REPEAT);
                        if min < 0 || min > max_count || max > max_count || (max >= 0 && min > max)
                        {
                            return Err(error("invalid repeat count", &s[pos..after]));
                        }
                        let after = self.repeat(pos, after, last_repeat, Some((min, max)))?;
                        repeat_start = Some(pos);
                        pos = after;
                    }
                    None => {
                        push_literal(&mut self.out, '{');
                        self.push_item(Node::LITERAL, start)?;
                        pos += 1;
                    }
                },
                b'\\' => pos = self.escape_outside_class(pos)?,
                _ => {
                    let c = s[pos..].chars().next().unwrap_or('\u{FFFD}');
                    push_literal(&mut self.out, c);
                    self.push_item(Node::LITERAL, start)?;
                    pos += c.len_utf8();
                }
            }
            last_repeat = repeat_start;
        }
        self.end_alternative()?;
        if self.frames.len() > 1 {
            return Err(error("missing closing )", s));
        }
        let root = self.frames.pop().expect("outermost frame");
        self.alternation(root.alternatives)?;
        Ok(self.out)
    }

    fn open_group(&mut self, capture: bool, text: &str) {
        let out_start = self.out.len();
        self.out.push_str(text);
        let flags_before = self.flags;
        self.frames.push(Frame {
            out_start,
            flags_before,
            capture,
            alternatives: Vec::new(),
            items: Vec::new(),
        });
    }

    /// Ends the concatenation being read: one alternative of the open group.
    fn end_alternative(&mut self) -> Result<(), String> {
        let items = std::mem::take(&mut self.frame().items);
        let node = match items.as_slice() {
            [] => Node::EMPTY,
            [single] => single.node,
            many if many.iter().all(|item| item.node.shape == Shape::Literal) => Node {
                shape: Shape::Leaf,
                size: many.len() as u64,
                ..Node::CHAR
            },
            many => {
                let mut node = Node {
                    shape: Shape::Concat,
                    height: 0,
                    repeats: 1,
                    size: 0,
                };
                for item in many {
                    let flattened = u32::from(item.node.shape == Shape::Concat);
                    node.height = node.height.max(item.node.height + 1 - flattened);
                    node.repeats = node.repeats.max(item.node.repeats);
                    node.size = node.size.saturating_add(item.node.size);
                }
                node.size = node.size.max(1);
                self.check_limits(node)?
            }
        };
        self.frame().alternatives.push(node);
        Ok(())
    }

    /// The node of a group's alternatives, as Go collapses them: runs of single
    /// characters and classes merge into one class.
    fn alternation(&self, alternatives: Vec<Node>) -> Result<Node, String> {
        let mut merged: Vec<Node> = Vec::with_capacity(alternatives.len());
        for node in alternatives {
            match merged.last() {
                Some(last) if last.is_char_like() && node.is_char_like() => {}
                _ => merged.push(node),
            }
        }
        if let [single] = merged.as_slice() {
            return Ok(*single);
        }
        let mut node = Node {
            shape: Shape::Alternate,
            height: 0,
            repeats: 1,
            size: merged.len() as u64 - 1,
        };
        for sub in &merged {
            let flattened = u32::from(sub.shape == Shape::Alternate);
            node.height = node.height.max(sub.height + 1 - flattened);
            node.repeats = node.repeats.max(sub.repeats);
            node.size = node.size.saturating_add(sub.size);
        }
        self.check_limits(node)
    }

    fn close_group(&mut self) -> Result<(), String> {
        if self.frames.len() < 2 {
            return Err(error("unexpected )", self.whole));
        }
        self.end_alternative()?;
        let frame = self.frames.pop().expect("checked above");
        let mut node = self.alternation(frame.alternatives)?;
        if frame.capture {
            node = Node {
                shape: Shape::Other,
                height: node.height + 1,
                repeats: node.repeats,
                size: node.size.saturating_add(2),
            };
        }
        self.flags = frame.flags_before;
        self.out.push(')');
        self.push_item(node, frame.out_start)
    }

    /// `*`, `+`, `?` (count `None`) or `{min,max}` at `start`, its text ending at
    /// `after`; returns where scanning continues.
    fn repeat(
        &mut self,
        start: usize,
        mut after: usize,
        last_repeat: Option<usize>,
        count: Option<(i64, i64)>,
    ) -> Result<usize, String> {
        let s = self.whole;
        let operator_end = after;
        let mut non_greedy = self.flags.non_greedy;
        if s.as_bytes().get(after) == Some(&b'?') {
            after += 1;
            non_greedy = !non_greedy;
        }
        if let Some(previous) = last_repeat {
            return Err(error(
                "invalid nested repetition operator",
                &s[previous..after],
            ));
        }
        let Some(item) = self.frame().items.pop() else {
            return Err(error(
                "missing argument to repetition operator",
                &s[start..after],
            ));
        };
        let sub = item.node;
        let node = match count {
            None => Node {
                shape: Shape::Other,
                height: sub.height + 1,
                repeats: sub.repeats,
                size: sub
                    .size
                    .saturating_add(if s.as_bytes()[start] == b'*' { 2 } else { 1 }),
            },
            Some((min, max)) => {
                let count = if max < 0 { min } else { max };
                let count = u32::try_from(count).unwrap_or(MAX_REPEAT);
                let repeats = if count == 0 {
                    1
                } else {
                    count.saturating_mul(sub.repeats).min(MAX_REPEAT + 1)
                };
                let (min, max) = (min.unsigned_abs(), max);
                let size = if max < 0 {
                    if min == 0 {
                        sub.size.saturating_add(2)
                    } else {
                        min.saturating_mul(sub.size).saturating_add(1)
                    }
                } else {
                    let max = max.unsigned_abs();
                    max.saturating_mul(sub.size).saturating_add(max - min)
                };
                Node {
                    shape: Shape::Other,
                    height: sub.height + 1,
                    repeats,
                    size: size.max(1),
                }
            }
        };
        let node = self.check_limits(node)?;
        if let Some((min, max)) = count {
            if (min >= 2 || max >= 2) && node.repeats > MAX_REPEAT {
                return Err(error("invalid repeat count", &s[start..after]));
            }
        }
        // Flag groups written after the item apply after the repeat too.
        let tail = self.out.split_off(item.end);
        if sub.shape == Shape::Assertion {
            self.out.insert_str(item.start, "(?:");
            self.out.push(')');
        }
        self.out.push_str(&s[start..operator_end]);
        if non_greedy {
            self.out.push('?');
        }
        let end = self.out.len();
        self.out.push_str(&tail);
        self.frame().items.push(Item {
            node,
            start: item.start,
            end,
        });
        Ok(after)
    }

    /// `(?` groups: named captures and flags. Returns where scanning continues.
    fn perl_flags(&mut self, start: usize) -> Result<usize, String> {
        let s = self.whole;
        let rest = &s[start..];
        let named_prefix = if rest.len() > 4 && rest.starts_with("(?P<") {
            Some(4)
        } else if self.release == GoRelease::Go1_22 && rest.len() > 3 && rest.starts_with("(?<") {
            Some(3)
        } else {
            None
        };
        if let Some(prefix) = named_prefix {
            let Some(end) = rest.find('>') else {
                return Err(error("invalid named capture", rest));
            };
            let name = &rest[prefix..end];
            if name.is_empty() || !name.chars().all(is_word_char) {
                return Err(error("invalid named capture", &rest[..=end]));
            }
            // The `regex` crate refuses a repeated name or one starting with a
            // digit; Go's `$name` expansion finds the first group of a name.
            let usable = !name.starts_with(|c: char| c.is_ascii_digit())
                && !self.names.iter().any(|n| n == name);
            if usable {
                self.names.push(name.to_owned());
                self.open_group(true, &format!("(?P<{name}>"));
            } else {
                self.open_group(true, "(");
            }
            return Ok(start + end + 1);
        }
        let mut pos = start + 2;
        let mut flags = self.flags;
        let mut negated = false;
        let mut saw_flag = false;
        let (mut set, mut cleared) = (String::new(), String::new());
        while let Some(c) = s[pos..].chars().next() {
            pos += c.len_utf8();
            let value = !negated;
            match c {
                'i' => flags.fold_case = value,
                'm' => flags.multi_line = value,
                's' => flags.dot_nl = value,
                'U' => flags.non_greedy = value,
                '-' if !negated => {
                    negated = true;
                    saw_flag = false;
                    continue;
                }
                ':' | ')' if !negated || saw_flag => {
                    for (letter, on) in [
                        ('i', flags.fold_case),
                        ('m', flags.multi_line),
                        ('s', flags.dot_nl),
                    ] {
                        let before = match letter {
                            'i' => self.flags.fold_case,
                            'm' => self.flags.multi_line,
                            _ => self.flags.dot_nl,
                        };
                        if on != before {
                            if on { &mut set } else { &mut cleared }.push(letter);
                        }
                    }
                    let mut text = String::from("(?");
                    text.push_str(&set);
                    if !cleared.is_empty() {
                        text.push('-');
                        text.push_str(&cleared);
                    }
                    if c == ':' {
                        text.push(':');
                        self.open_group(false, if text == "(?:" { "(?:" } else { &text });
                    } else if text != "(?" {
                        text.push(')');
                        self.out.push_str(&text);
                    }
                    self.flags = flags;
                    return Ok(pos);
                }
                _ => break,
            }
            saw_flag = true;
        }
        Err(error("invalid or unsupported Perl syntax", &s[start..pos]))
    }

    /// A backslash sequence outside a class; returns the position after it.
    fn escape_outside_class(&mut self, start: usize) -> Result<usize, String> {
        let s = self.whole;
        let out_start = self.out.len();
        let assertion = match s.as_bytes().get(start + 1) {
            Some(b'A') => Some(r"\A"),
            Some(b'z') => Some(r"\z"),
            Some(b'b') => Some(r"(?-u:\b)"),
            Some(b'B') => Some(r"(?-u:\B)"),
            Some(b'C') => return Err(error("invalid escape sequence", &s[start..start + 2])),
            Some(b'Q') => {
                let body_start = start + 2;
                let (body, end) = match s[body_start..].find("\\E") {
                    Some(close) => (&s[body_start..body_start + close], body_start + close + 2),
                    None => (&s[body_start..], s.len()),
                };
                for c in body.chars() {
                    let at = self.out.len();
                    push_literal(&mut self.out, c);
                    self.push_item(Node::LITERAL, at)?;
                }
                return Ok(end);
            }
            _ => None,
        };
        if let Some(text) = assertion {
            self.out.push_str(text);
            self.push_item(Node::ASSERTION, out_start)?;
            return Ok(start + 2);
        }
        if let Some(end) = self.class_escape(start, false)? {
            self.push_item(Node::CHAR, out_start)?;
            return Ok(end);
        }
        let (c, end) = self.escape(start)?;
        push_literal(&mut self.out, c);
        self.push_item(Node::LITERAL, out_start)?;
        Ok(end)
    }

    /// `\pL`, `\p{Greek}`, `\d`, `\w`, `\s` and their negations at `start`, written
    /// to `out` as a class (`in_class`: as items of the class being written).
    fn class_escape(&mut self, start: usize, in_class: bool) -> Result<Option<usize>, String> {
        let s = self.whole;
        let bytes = s.as_bytes();
        let Some(&letter) = bytes.get(start + 1) else {
            return Ok(None);
        };
        if let Some((items, negated)) = perl_class_items(letter) {
            match (in_class, negated) {
                (true, false) => self.out.push_str(items),
                (_, true) => {
                    let _ = write!(self.out, "[^{items}]");
                }
                (false, false) => {
                    let _ = write!(self.out, "[{items}]");
                }
            }
            return Ok(Some(start + 2));
        }
        if letter != b'p' && letter != b'P' {
            return Ok(None);
        }
        let mut negated = letter == b'P';
        let after = start + 2;
        let (mut name, end) = match s[after..].chars().next() {
            Some('{') => match s[start..].find('}') {
                Some(close) => (&s[after + 1..start + close], start + close + 1),
                None => return Err(error("invalid character class range", &s[start..])),
            },
            Some(c) => (&s[after..after + c.len_utf8()], after + c.len_utf8()),
            None => return Err(error("invalid character class range", &s[start..])),
        };
        if let Some(rest) = name.strip_prefix('^') {
            negated = !negated;
            name = rest;
        }
        let known = name == "Any"
            || CATEGORIES.contains(&name)
            || SCRIPTS_13.contains(&name)
            || (self.release == GoRelease::Go1_22 && SCRIPTS_15.contains(&name));
        if !known {
            return Err(error("invalid character class range", &s[start..end]));
        }
        let _ = write!(self.out, "\\{}{{{name}}}", if negated { 'P' } else { 'p' });
        Ok(Some(end))
    }

    /// A single-character escape at `start`: the character and the end.
    fn escape(&self, start: usize) -> Result<(char, usize), String> {
        let s = self.whole;
        let bytes = s.as_bytes();
        let Some(c) = s[start + 1..].chars().next() else {
            return Err(error("trailing backslash at end of expression", ""));
        };
        let mut pos = start + 1 + c.len_utf8();
        let is_octal = |b: Option<&u8>| matches!(b, Some(b'0'..=b'7'));
        let invalid = |end: usize| Err(error("invalid escape sequence", &s[start..end]));
        let value = match c {
            c if c.is_ascii() && !c.is_ascii_alphanumeric() => c,
            '1'..='7' if !is_octal(bytes.get(pos)) => return invalid(pos),
            '0'..='7' => {
                let mut value = c as u32 - u32::from(b'0');
                for _ in 0..2 {
                    if is_octal(bytes.get(pos)) {
                        value = value * 8 + u32::from(bytes[pos] - b'0');
                        pos += 1;
                    }
                }
                char::from_u32(value).unwrap_or('\0')
            }
            'x' => {
                let Some(first) = s[pos..].chars().next() else {
                    return invalid(pos);
                };
                pos += first.len_utf8();
                if first == '{' {
                    let mut value: u32 = 0;
                    let mut digits = 0;
                    loop {
                        let Some(d) = s[pos..].chars().next() else {
                            return invalid(pos);
                        };
                        pos += d.len_utf8();
                        if d == '}' {
                            break;
                        }
                        let Some(v) = unhex(d) else {
                            return invalid(pos);
                        };
                        value = value * 16 + v;
                        if value > 0x10FFFF {
                            return invalid(pos);
                        }
                        digits += 1;
                    }
                    if digits == 0 {
                        return invalid(pos);
                    }
                    // Go accepts surrogates; they can never match UTF-8 text.
                    char::from_u32(value).unwrap_or('\u{FFFD}')
                } else {
                    let Some(second) = s[pos..].chars().next() else {
                        return invalid(pos);
                    };
                    pos += second.len_utf8();
                    match (unhex(first), unhex(second)) {
                        (Some(high), Some(low)) => char::from_u32(high * 16 + low).unwrap_or('\0'),
                        _ => return invalid(pos),
                    }
                }
            }
            'a' => '\u{7}',
            'f' => '\u{C}',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'v' => '\u{B}',
            _ => return invalid(pos),
        };
        Ok((value, pos))
    }

    /// A bracketed class starting at `start`; returns the position after `]`.
    fn class(&mut self, start: usize) -> Result<usize, String> {
        let s = self.whole;
        let bytes = s.as_bytes();
        let mut pos = start + 1;
        self.out.push('[');
        if bytes.get(pos) == Some(&b'^') {
            self.out.push('^');
            pos += 1;
        }
        let mut first = true;
        loop {
            match bytes.get(pos) {
                None => return Err(error("missing closing ]", &s[start..])),
                Some(b']') if !first => {
                    self.out.push(']');
                    return Ok(pos + 1);
                }
                _ => {}
            }
            first = false;
            if s[pos..].starts_with("[:") {
                if let Some(close) = s[pos + 2..].find(":]") {
                    let name = &s[pos..pos + 2 + close + 2];
                    let inner = &name[2..name.len() - 2];
                    if !POSIX_CLASSES.contains(&inner.strip_prefix('^').unwrap_or(inner)) {
                        return Err(error("invalid character class range", name));
                    }
                    self.out.push_str(name);
                    pos += name.len();
                    continue;
                }
            }
            if bytes[pos] == b'\\' {
                if let Some(end) = self.class_escape(pos, true)? {
                    pos = end;
                    continue;
                }
            }
            let range_start = pos;
            let (low, next) = self.class_char(pos, start)?;
            pos = next;
            push_literal(&mut self.out, low);
            if bytes.get(pos) == Some(&b'-') && bytes.get(pos + 1).is_some_and(|&b| b != b']') {
                let (high, next) = self.class_char(pos + 1, start)?;
                pos = next;
                if high < low {
                    return Err(error("invalid character class range", &s[range_start..pos]));
                }
                self.out.push('-');
                push_literal(&mut self.out, high);
            }
        }
    }

    /// One class member character (possibly escaped): its value and end.
    fn class_char(&self, pos: usize, class_start: usize) -> Result<(char, usize), String> {
        let s = self.whole;
        let Some(c) = s[pos..].chars().next() else {
            return Err(error("missing closing ]", &s[class_start..]));
        };
        if c != '\\' {
            return Ok((c, pos + c.len_utf8()));
        }
        self.escape(pos)
    }
}

#[cfg(test)]
mod tests {
    use super::{GoRelease, compile, translate};

    fn go_error(pattern: &str) -> String {
        translate(pattern, GoRelease::Go1_19).expect_err(pattern)
    }

    fn matches(pattern: &str, text: &str) -> bool {
        compile(pattern, GoRelease::Go1_19)
            .unwrap_or_else(|e| panic!("{pattern}: {e}"))
            .is_match(text)
    }

    #[test]
    fn accepts_what_go_accepts() {
        for ok in [
            "",
            "a|b",
            "(?i)foo.*",
            "[a-z0-9_]+",
            "\\d{2,3}",
            "x{2,}",
            "a{,2}",
            "\\pL\\p{Greek}\\PN\\p{^Lu}",
            "[[:alpha:]-]",
            "(?P<n>a)(?P<n>b)(?P<1>c)",
            "\\.\\*\\x41\\x{263a}\\101\\0",
            "a*?b+?",
            "[^]a]",
            "\\Qa*\\E",
            "(?ii)a(?i-i)b(?)c",
            "^*$+\\b?",
            "{foo}",
            " {.*}$",
            "a{",
            "a{,3}",
            "(a{2}){500}",
            "[a&&b~~d[e-]",
            "\\<\\>",
        ] {
            if let Err(e) = compile(ok, GoRelease::Go1_19) {
                panic!("{ok}: {e}");
            }
        }
        assert!(translate("(?<n>a)", GoRelease::Go1_22).is_ok());
    }

    #[test]
    fn reports_go_error_texts() {
        let cases = [
            ("(", "missing closing ): `(`"),
            (")", "unexpected ): `)`"),
            ("*", "missing argument to repetition operator: `*`"),
            ("a**", "invalid nested repetition operator: `**`"),
            ("a*{2}", "invalid nested repetition operator: `*{2}`"),
            ("[a", "missing closing ]: `[a`"),
            ("\\q", "invalid escape sequence: `\\q`"),
            ("\\C", "invalid escape sequence: `\\C`"),
            ("a{2,1}", "invalid repeat count: `{2,1}`"),
            ("a{1001}", "invalid repeat count: `{1001}`"),
            ("(a{2}){501}", "invalid repeat count: `{501}`"),
            ("((a{10}b){10}){11}", "invalid repeat count: `{11}`"),
            ("[z-a]", "invalid character class range: `z-a`"),
            ("(?P<>a)", "invalid named capture: `(?P<>`"),
            ("[[:foo:]]", "invalid character class range: `[:foo:]`"),
            ("\\p{Foo}", "invalid character class range: `\\p{Foo}`"),
            ("\\p{greek}", "invalid character class range: `\\p{greek}`"),
            ("(?z)", "invalid or unsupported Perl syntax: `(?z`"),
            ("(?i-)", "invalid or unsupported Perl syntax: `(?i-)`"),
            ("a\\", "trailing backslash at end of expression: ``"),
            ("\\1", "invalid escape sequence: `\\1`"),
            ("\\x{}", "invalid escape sequence: `\\x{}`"),
        ];
        for (pattern, text) in cases {
            assert_eq!(
                go_error(pattern),
                format!("error parsing regexp: {text}"),
                "{pattern}"
            );
        }
        assert!(translate("(?<n>a)", GoRelease::Go1_19).is_err());
        let deep = format!("{}a{}", "(".repeat(1001), ")".repeat(1001));
        assert!(go_error(&deep).contains("expression nests too deeply"));
        let large = format!("^(?:{})$", "a{1000}".repeat(3356));
        assert!(go_error(&large).contains("regexp/syntax: internal error"));
        assert!(
            translate(
                &format!("^(?:{})$", "a{1000}".repeat(3355)),
                GoRelease::Go1_19
            )
            .is_ok()
        );
        let deep = format!("^(?:{}a{})$", "(".repeat(998), ")".repeat(998));
        assert!(translate(&deep, GoRelease::Go1_19).is_ok());
        let deeper = format!("^(?:{}a{})$", "(".repeat(999), ")".repeat(999));
        assert!(go_error(&deeper).contains("expression nests too deeply"));
        // Non-capturing groups add no height in Go's tree.
        let flat = format!("{}a{}", "(?:".repeat(1500), ")".repeat(1500));
        assert!(translate(&flat, GoRelease::Go1_19).is_ok());
    }

    #[test]
    fn matches_as_go_does() {
        assert!(matches("^(?: {.*}$)$", " {x}"));
        assert!(matches("^(?:a{,3})$", "a{,3}"));
        assert!(matches("^(?:[0-9]{3)$", "1{3"));
        assert!(!matches("^(?:\\d)$", "٣"));
        assert!(!matches("^(?:\\w)$", "é"));
        assert!(matches("^(?:\\s)$", "\u{C}"));
        assert!(!matches("^(?:\\s)$", "\u{B}"));
        assert!(!matches("\\bé", "é"));
        assert!(matches("\\bx", "éx"));
        assert!(matches("^(?:\\<)$", "<"));
        assert!(matches("^(?:\\Qa.b\\E)$", "a.b"));
        assert!(!matches("^(?:\\Qa.b\\E)$", "axb"));
        assert!(matches("^(?:\\101)$", "A"));
        assert!(matches("^(?:[a&&b])$", "&"));
        assert!(matches("^(?:[[])$", "["));
        assert!(matches("^(?:a(?i)*)$", "aaa"));
        assert!(matches("(?U)^(a+)", "aaa"));
        assert_eq!(
            compile("(?U)a+", GoRelease::Go1_19)
                .expect("valid")
                .find("aaa")
                .map(|m| m.as_str()),
            Some("a")
        );
        assert_eq!(
            compile("(?U)a+?", GoRelease::Go1_19)
                .expect("valid")
                .find("aaa")
                .map(|m| m.as_str()),
            Some("aaa")
        );
        assert!(matches("^(?:(?m)a$)", "a\nb"));
        assert!(!matches("^(?:a.b)$", "a\nb"));
        assert!(matches("^(?s:a.b)$", "a\nb"));
        assert!(matches("^(?:x*^*)$", ""));
    }
}
