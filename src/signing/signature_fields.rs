//! The received `Signature-Input` and `Signature` fields (RFC 8941 dictionaries, as RFC 9421
//! uses them), parsed in one pass each for the verifier.
//!
//! Each parser walks the header once, byte by byte, and keeps only what verification reads:
//! the parameters this crate's signatures carry (`created`, `expires`, `nonce`, `keyid`,
//! `tag`, and `alg`, which is refused) in fixed fields, and the covered components as a
//! summary against the fixed set. Nothing is allocated for a usual header. Everything is
//! checked as strictly as RFC 8941 asks for the items used here; anything else is a typed
//! [`VerifyError::Malformed`] naming the header.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::signing::base::{COMPONENTS, INNER_LIST};
use crate::signing::error::VerifyError;

/// One member of `Signature-Input`.
#[derive(Debug, Default, Clone, Copy)]
pub struct InputEntry<'a> {
    /// The label (`contrast`, `contrast-prev`, ...).
    pub label: &'a str,
    /// Everything after `label=`: the inner list and its parameters, as received (the
    /// `@signature-params` line of the base).
    pub serialized_params: &'a str,
    /// The covered components, compared with the fixed set.
    pub components: Components,
    /// `created`, as received.
    pub created: Option<&'a str>,
    /// `expires`, as received.
    pub expires: Option<&'a str>,
    /// `nonce`, as received (a quoted sf-string).
    pub nonce: Option<&'a str>,
    /// `keyid`, as received (a quoted sf-string).
    pub keyid: Option<&'a str>,
    /// `tag`, as received (a quoted sf-string).
    pub tag: Option<&'a str>,
    /// Whether an `alg` parameter is present (this scheme refuses one).
    pub alg: bool,
}

/// The covered components of one member, compared with [`COMPONENTS`] as they were read.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Components {
    /// Bit `i` set when `COMPONENTS[i]` is covered.
    present: u8,
    /// How many components are listed.
    count: usize,
    /// Whether every component listed so far is the fixed set's at its position.
    in_order: bool,
}

impl Components {
    fn new() -> Self {
        Components {
            present: 0,
            count: 0,
            in_order: true,
        }
    }

    /// The fixed set, in its order.
    fn fixed_set() -> Self {
        Components {
            present: (1 << COMPONENTS.len()) - 1,
            count: COMPONENTS.len(),
            in_order: true,
        }
    }

    fn add(&mut self, name: &str) {
        if self.count < COMPONENTS.len() && COMPONENTS[self.count] == name {
            self.present |= 1 << self.count;
        } else {
            self.in_order = false;
            if let Some(i) = COMPONENTS.iter().position(|c| *c == name) {
                self.present |= 1 << i;
            }
        }
        self.count += 1;
    }

    /// The first component of the fixed set that is not covered, if any.
    pub fn first_missing(&self) -> Option<&'static str> {
        (0..COMPONENTS.len())
            .find(|i| self.present & (1 << i) == 0)
            .map(|i| COMPONENTS[i])
    }

    /// How many components are listed.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether the list is exactly the fixed set, in its order.
    pub fn is_fixed_set(&self) -> bool {
        self.in_order && self.count == COMPONENTS.len()
    }
}

/// A list kept on the stack up to `N` items (what a signature of this crate has), moved to
/// the heap whole beyond that: parsing a usual header allocates nothing for it.
#[derive(Debug)]
pub struct SmallList<T: Default, const N: usize> {
    inline: [T; N],
    len: usize,
    heap: Vec<T>,
}

impl<T: Default, const N: usize> Default for SmallList<T, N> {
    fn default() -> Self {
        SmallList {
            inline: std::array::from_fn(|_| T::default()),
            len: 0,
            heap: Vec::new(),
        }
    }
}

impl<T: Default, const N: usize> SmallList<T, N> {
    fn push(&mut self, item: T) {
        if self.heap.is_empty() && self.len < N {
            self.inline[self.len] = item;
            self.len += 1;
            return;
        }
        if self.heap.is_empty() {
            self.heap
                .extend(self.inline[..self.len].iter_mut().map(std::mem::take));
        }
        self.heap.push(item);
    }
}

impl<T: Default, const N: usize> std::ops::Deref for SmallList<T, N> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        if self.heap.is_empty() {
            &self.inline[..self.len]
        } else {
            &self.heap
        }
    }
}

/// A signature's bytes: on the stack when they fit (an HMAC-SHA256 is 32), else on the heap.
#[derive(Debug)]
pub enum MacBytes {
    /// Up to 48 bytes and their length.
    Inline([u8; 48], usize),
    /// A longer value.
    Heap(Vec<u8>),
}

impl Default for MacBytes {
    fn default() -> Self {
        MacBytes::Inline([0; 48], 0)
    }
}

impl std::ops::Deref for MacBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            MacBytes::Inline(bytes, len) => &bytes[..*len],
            MacBytes::Heap(bytes) => bytes,
        }
    }
}

/// A position in a header being parsed. Every index it stops at is an ASCII byte or the end,
/// so every slice it takes is on a character boundary.
struct Cursor<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Cursor<'a> {
    /// A cursor at the start of `header`, which must be RFC 8941 text: a control character
    /// (other than the HTAB of OWS) is refused before anything is read.
    fn new(header: &'a str) -> Result<Self, &'static str> {
        // Printable ASCII and HTAB (the usual case) are checked byte-wise, anything else
        // char-wise (a pass without early exit, which the compiler vectorizes).
        let unusual = header
            .bytes()
            .fold(false, |seen, b| seen | !matches!(b, b' '..=b'~' | b'\t'));
        if unusual && header.chars().any(|c| c.is_control() && c != '\t') {
            return Err("contains a control character");
        }
        Ok(Cursor {
            text: header,
            at: 0,
        })
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn eat(&mut self, byte: u8) -> bool {
        let found = self.peek() == Some(byte);
        self.at += usize::from(found);
        found
    }

    fn skip_ows(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.at += 1;
        }
    }

    fn skip_spaces(&mut self) {
        while self.peek() == Some(b' ') {
            self.at += 1;
        }
    }

    /// The longest run of key characters from here (possibly empty); whether it is a key is
    /// the caller's check ([`starts_key`]).
    fn key(&mut self) -> &'a str {
        let start = self.at;
        while matches!(
            self.peek(),
            Some(b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-' | b'.' | b'*')
        ) {
            self.at += 1;
        }
        &self.text[start..self.at]
    }

    /// The sf-string starting here (at its `"`), quotes included, escapes kept as received;
    /// and whether it holds an escape.
    fn string(&mut self) -> Option<(&'a str, bool)> {
        let bytes = self.text.as_bytes();
        let start = self.at;
        let mut i = start + 1;
        let mut escaped = false;
        loop {
            i += bytes
                .get(i..)?
                .iter()
                .position(|&b| b == b'"' || b == b'\\')?;
            if bytes[i] == b'"' {
                self.at = i + 1;
                return Some((&self.text[start..self.at], escaped));
            }
            // A backslash escapes the byte after it.
            escaped = true;
            i += 2;
        }
    }

    /// A bare item's text from here to the next `;` or `,` (or the end), without the OWS
    /// before a `,` or the end.
    fn bare_value(&mut self) -> &'a str {
        let bytes = self.text.as_bytes();
        let start = self.at;
        while !matches!(bytes.get(self.at), None | Some(b';' | b',')) {
            self.at += 1;
        }
        let value = &self.text[start..self.at];
        if self.peek() == Some(b';') {
            value
        } else {
            value.trim_end_matches([' ', '\t'])
        }
    }

    /// After a member: OWS, then `,` (true: another member follows) or the end (false).
    fn member_end(&mut self, not_ended: &'static str) -> Result<bool, &'static str> {
        self.skip_ows();
        match self.peek() {
            None => Ok(false),
            Some(b',') => {
                self.at += 1;
                Ok(true)
            }
            Some(_) => Err(not_ended),
        }
    }

    /// A member's label and its `=`.
    fn label(&mut self) -> Result<&'a str, &'static str> {
        self.skip_ows();
        let label = self.key();
        if !self.eat(b'=') {
            return Err(match self.peek() {
                None | Some(b',') if label.is_empty() || starts_key(label) => "a member has no `=`",
                _ => "a label is not a valid key",
            });
        }
        if !starts_key(label) {
            return Err("a label is not a valid key");
        }
        Ok(label)
    }
}

/// Whether a run of key characters ([`Cursor::key`]) is an RFC 8941 `key`: it starts with a
/// lowercase letter or `*`.
fn starts_key(run: &str) -> bool {
    matches!(run.as_bytes().first(), Some(b'a'..=b'z' | b'*'))
}

/// Parses `Signature-Input`.
pub fn parse_inputs(header: &str) -> Result<SmallList<InputEntry<'_>, 2>, VerifyError> {
    parse_input_members(header).map_err(|reason| VerifyError::Malformed {
        part: "Signature-Input",
        reason,
    })
}

fn parse_input_members(header: &str) -> Result<SmallList<InputEntry<'_>, 2>, &'static str> {
    let mut cursor = Cursor::new(header)?;
    let mut out: SmallList<InputEntry<'_>, 2> = SmallList::default();
    loop {
        let label = cursor.label()?;
        if out.iter().any(|e| e.label == label) {
            return Err("a label appears twice");
        }
        let params_start = cursor.at;
        let mut entry = InputEntry {
            label,
            components: Components::new(),
            ..InputEntry::default()
        };
        // The inner list every signature of this scheme has, as its signers write it, is
        // recognized whole; any other is read component by component.
        if cursor.text[cursor.at..].starts_with(INNER_LIST) {
            cursor.at += INNER_LIST.len();
            entry.components = Components::fixed_set();
        } else if !cursor.eat(b'(') {
            return Err("a value is not an inner list");
        } else {
            read_components(&mut cursor, &mut entry.components)?;
        }
        let mut unknown: SmallList<&str, 2> = SmallList::default();
        while cursor.eat(b';') {
            cursor.skip_spaces();
            let name = cursor.key();
            if !starts_key(name) {
                return Err("a parameter name is not a valid key");
            }
            let value = if cursor.eat(b'=') {
                if cursor.peek() == Some(b'"') {
                    cursor.string().ok_or("a quoted string is not closed")?.0
                } else {
                    cursor.bare_value()
                }
            } else {
                "?1"
            };
            let slot = match name {
                "created" => &mut entry.created,
                "expires" => &mut entry.expires,
                "nonce" => &mut entry.nonce,
                "keyid" => &mut entry.keyid,
                "tag" => &mut entry.tag,
                "alg" if !entry.alg => {
                    entry.alg = true;
                    continue;
                }
                "alg" => return Err("a parameter appears twice"),
                _ if unknown.contains(&name) => return Err("a parameter appears twice"),
                _ => {
                    unknown.push(name);
                    continue;
                }
            };
            if slot.replace(value).is_some() {
                return Err("a parameter appears twice");
            }
        }
        entry.serialized_params =
            cursor.text[params_start..cursor.at].trim_end_matches([' ', '\t']);
        let more = cursor.member_end("parameters must be separated by `;`")?;
        out.push(entry);
        if !more {
            return Ok(out);
        }
    }
}

/// The components of an inner list after its `(`, through its `)`.
fn read_components(
    cursor: &mut Cursor<'_>,
    components: &mut Components,
) -> Result<(), &'static str> {
    loop {
        cursor.skip_spaces();
        if cursor.eat(b')') {
            return Ok(());
        }
        if cursor.peek() != Some(b'"') {
            return Err(if cursor.peek().is_none() {
                "an inner list is not closed"
            } else {
                "a component is not a plain quoted string"
            });
        }
        let (quoted, escaped) = cursor.string().ok_or("an inner list is not closed")?;
        let name = &quoted[1..quoted.len() - 1];
        if escaped {
            return Err("a component name contains an escape");
        }
        components.add(name);
        if !matches!(cursor.peek(), Some(b' ' | b')')) {
            return Err("a component is followed by a parameter or junk");
        }
    }
}

/// Parses `Signature`: each label and its decoded bytes.
pub fn parse_signatures(header: &str) -> Result<SmallList<(&str, MacBytes), 2>, VerifyError> {
    parse_signature_members(header).map_err(|reason| VerifyError::Malformed {
        part: "Signature",
        reason,
    })
}

fn parse_signature_members(header: &str) -> Result<SmallList<(&str, MacBytes), 2>, &'static str> {
    let mut cursor = Cursor::new(header)?;
    let mut out: SmallList<(&str, MacBytes), 2> = SmallList::default();
    loop {
        let label = cursor.label()?;
        if out.iter().any(|(l, _)| *l == label) {
            return Err("a label appears twice");
        }
        let not_bytes = "a value is not a byte sequence (:...:)";
        if !cursor.eat(b':') {
            return Err(not_bytes);
        }
        let rest = &cursor.text[cursor.at..];
        let len = rest.find(':').ok_or(not_bytes)?;
        let bytes = decode_mac(&rest[..len]).map_err(|_| "a value is not standard base64")?;
        cursor.at += len + 1;
        let more = cursor.member_end(not_bytes)?;
        out.push((label, bytes));
        if !more {
            return Ok(out);
        }
    }
}

fn decode_mac(b64: &str) -> Result<MacBytes, base64::DecodeError> {
    let mut bytes = [0u8; 48];
    match STANDARD.decode_slice(b64, &mut bytes) {
        Ok(len) => Ok(MacBytes::Inline(bytes, len)),
        Err(base64::DecodeSliceError::OutputSliceTooSmall) => {
            STANDARD.decode(b64).map(MacBytes::Heap)
        }
        Err(base64::DecodeSliceError::DecodeError(e)) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIGNED: &str = r#"contrast=("@method" "@authority" "@path" "@query" "content-type" "content-digest");created=1767225600;expires=1767225900;nonce="AAECAwQFBgcICQoLDA0ODw";keyid="0123456789abcdef";tag="contrast-auth/v1""#;

    fn reason(header: &str) -> &'static str {
        parse_input_members(header).map(|_| ()).unwrap_err()
    }

    #[test]
    fn a_signed_header_gives_its_fields() {
        let inputs = parse_input_members(SIGNED).unwrap();
        assert_eq!(inputs.len(), 1);
        let e = inputs[0];
        assert_eq!(e.label, "contrast");
        assert_eq!(e.serialized_params, &SIGNED["contrast=".len()..]);
        assert!(e.components.is_fixed_set());
        assert_eq!(e.components.first_missing(), None);
        assert_eq!(e.created, Some("1767225600"));
        assert_eq!(e.expires, Some("1767225900"));
        assert_eq!(e.nonce, Some("\"AAECAwQFBgcICQoLDA0ODw\""));
        assert_eq!(e.keyid, Some("\"0123456789abcdef\""));
        assert_eq!(e.tag, Some("\"contrast-auth/v1\""));
        assert!(!e.alg);
    }

    #[test]
    fn params_allow_separators_inside_strings_and_reject_duplicates() {
        let inputs =
            parse_input_members(r#"a=();created=1;keyid="a;b,c=d";tag="x\"y";flag, b=()"#).unwrap();
        assert_eq!(inputs.len(), 2);
        let e = inputs[0];
        assert_eq!(e.created, Some("1"));
        assert_eq!(e.keyid, Some(r#""a;b,c=d""#));
        assert_eq!(e.tag, Some(r#""x\"y""#));
        assert_eq!(
            e.serialized_params,
            r#"();created=1;keyid="a;b,c=d";tag="x\"y";flag"#
        );
        assert_eq!(inputs[1].label, "b");
        assert_eq!(
            reason("a=();created=1;created=2"),
            "a parameter appears twice"
        );
        assert_eq!(reason("a=();x=1;y;x"), "a parameter appears twice");
        assert_eq!(reason("a=();alg=1;alg=2"), "a parameter appears twice");
        assert_eq!(
            reason(r#"a=();keyid="open"#),
            "a quoted string is not closed"
        );
        assert_eq!(
            reason("a=();Created=1"),
            "a parameter name is not a valid key"
        );
        assert_eq!(
            reason(r#"a=();k="v" ;b=1"#),
            "parameters must be separated by `;`"
        );
        assert!(parse_input_members("a=();alg=1").unwrap()[0].alg);
        // A bare value runs to the next `;` or `,`, OWS before a `,` or the end removed.
        let e = parse_input_members("a=();created=1 2 ;expires=3 \t, b=()").unwrap()[0];
        assert_eq!(e.created, Some("1 2 "));
        assert_eq!(e.expires, Some("3"));
        // More unknown parameters than kept inline: all are checked for duplicates.
        assert!(parse_input_members("a=();a=1;b=2;c=3;d=4").is_ok());
        assert_eq!(
            reason("a=();a=1;b=2;c=3;d=4;c"),
            "a parameter appears twice"
        );
    }

    #[test]
    fn components_are_compared_with_the_fixed_set() {
        let summary = |list: &str| parse_input_members(&format!("a={list}")).unwrap()[0].components;
        let missing = summary(r#"("@method" "@path")"#);
        assert_eq!(missing.first_missing(), Some("@authority"));
        assert_eq!(missing.len(), 2);
        let swapped =
            summary(r#"("@authority" "@method" "@path" "@query" "content-type" "content-digest")"#);
        assert_eq!(swapped.first_missing(), None);
        assert!(!swapped.is_fixed_set());
        let extra = summary(
            r#"("@method" "@authority" "@path" "@query" "content-type" "content-digest" "x")"#,
        );
        assert_eq!(extra.first_missing(), None);
        assert_eq!(extra.len(), 7);
        assert!(!extra.is_fixed_set());
        assert_eq!(summary("()").len(), 0);
        // The fixed set written otherwise (spaces inside) is read component by component, to
        // the same summary as the signers' form, which is recognized whole.
        let spaced = summary(
            r#"( "@method" "@authority"  "@path" "@query" "content-type" "content-digest" )"#,
        );
        assert_eq!(spaced, Components::fixed_set());
        assert_eq!(summary(INNER_LIST), Components::fixed_set());
        assert_eq!(
            reason(&format!("a={INNER_LIST}x")),
            "parameters must be separated by `;`"
        );
        assert_eq!(
            reason(r#"a=("x\"y")"#),
            "a component name contains an escape"
        );
        assert_eq!(
            reason(r#"a=("x";p=1)"#),
            "a component is followed by a parameter or junk"
        );
        assert_eq!(
            reason(r#"a=(x)"#),
            "a component is not a plain quoted string"
        );
        assert_eq!(reason(r#"a=("x" "#), "an inner list is not closed");
        assert_eq!(reason(r#"a=("x"#), "an inner list is not closed");
        assert_eq!(reason(r#"a="x""#), "a value is not an inner list");
    }

    #[test]
    fn members_are_split_outside_strings_and_keep_only_ows() {
        let inputs =
            parse_input_members("a=();k=\"1,2\" ,\tb=();k=1\t, c=(), d=(), e=(), f=()").unwrap();
        let labels: Vec<&str> = inputs.iter().map(|e| e.label).collect();
        assert_eq!(labels, ["a", "b", "c", "d", "e", "f"]);
        assert_eq!(inputs[0].serialized_params, "();k=\"1,2\"");
        assert_eq!(reason("a=(), b=(), a=()"), "a label appears twice");
        assert_eq!(reason("a=(), "), "a member has no `=`");
        assert_eq!(reason("a=()\n"), "contains a control character");
        assert_eq!(reason("a=()\u{85}"), "contains a control character");
        assert_eq!(
            reason("a=()\u{3000}"),
            "parameters must be separated by `;`"
        );
        assert_eq!(reason("A=()"), "a label is not a valid key");
        assert_eq!(reason("a b=()"), "a label is not a valid key");
        assert_eq!(reason("ab"), "a member has no `=`");
        assert_eq!(reason(""), "a member has no `=`");
    }

    #[test]
    fn signatures_give_labels_and_bytes() {
        let sigs = parse_signature_members(" a=:AAAA:, b=:AQID:,c=:/w==:\t").unwrap();
        let decoded: Vec<(&str, Vec<u8>)> = sigs.iter().map(|(l, m)| (*l, m.to_vec())).collect();
        assert_eq!(
            decoded,
            vec![("a", vec![0, 0, 0]), ("b", vec![1, 2, 3]), ("c", vec![255])]
        );
        // Longer than kept inline: on the heap, whole.
        let long = STANDARD.encode([7u8; 64]);
        let header = format!("a=:{long}:");
        let sigs = parse_signature_members(&header).unwrap();
        assert_eq!(&*sigs[0].1, &[7u8; 64][..]);
        let fails = |h: &str| parse_signature_members(h).map(|_| ()).unwrap_err();
        assert_eq!(fails("a=:AAAA:, a=:AAAA:"), "a label appears twice");
        assert_eq!(fails("a=AAAA"), "a value is not a byte sequence (:...:)");
        assert_eq!(fails("a=:AAAA"), "a value is not a byte sequence (:...:)");
        assert_eq!(fails("a=:AAAA:x"), "a value is not a byte sequence (:...:)");
        assert_eq!(fails("a=:A-A_:"), "a value is not standard base64");
        assert_eq!(fails("a=:AAAA:\r"), "contains a control character");
    }

    #[test]
    fn many_members_are_kept_whole_in_order() {
        let header: Vec<String> = (0..6).map(|i| format!("l{i}=();created={i}")).collect();
        let header = header.join(", ");
        let inputs = parse_input_members(&header).unwrap();
        let created: Vec<&str> = inputs.iter().filter_map(|e| e.created).collect();
        assert_eq!(created, ["0", "1", "2", "3", "4", "5"]);
    }
}
