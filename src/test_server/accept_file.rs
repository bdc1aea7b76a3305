//! The test server's `--accept-file`: credentials to accept, one `USER:SERVICE_KEY:API_KEY`
//! per line; `#` comments and blank lines are skipped. Errors name the line, never a value.

use std::path::Path;

use super::{AcceptedCredentials, parse_accepted};

/// Reads the credentials of an accept file (see the module documentation).
pub fn read_accept_file(path: &Path) -> Result<Vec<AcceptedCredentials>, String> {
    let bytes =
        std::fs::read(path).map_err(|e| format!("cannot read {}: {}", path.display(), e.kind()))?;
    parse_accept_file(&bytes)
}

/// Parses the contents of an accept file.
pub fn parse_accept_file(bytes: &[u8]) -> Result<Vec<AcceptedCredentials>, String> {
    let mut accepted = Vec::new();
    for (index, raw) in bytes.split(|b| *b == b'\n').enumerate() {
        let number = index + 1;
        let line = std::str::from_utf8(raw).map_err(|_| format!("line {number}: not UTF-8"))?;
        let line = line
            .strip_suffix('\r')
            .unwrap_or(line)
            .trim_matches([' ', '\t']);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.chars().any(char::is_control) {
            return Err(format!("line {number}: contains a control character"));
        }
        let credentials =
            parse_accepted(line).map_err(|reason| format!("line {number}: {reason}"))?;
        accepted.push(credentials);
    }
    Ok(accepted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_and_blank_lines_are_skipped() {
        let text = b"# agents\n\nu1:SK1:AK1\r\n  u2:SK2:AK:2  \n#u3:x:y\n";
        assert_eq!(parse_accept_file(text).unwrap().len(), 2);
        assert!(parse_accept_file(b"").unwrap().is_empty());
    }

    #[test]
    fn a_bad_line_is_named_by_number_without_its_value() {
        for (text, line) in [
            (&b"u1:SK1:AK1\nSECRETONLY\n"[..], 2),
            (b"u1:SK1:AK1\n\nu2:SECRET2:\n", 3),
            (b"u1:SEC\x00RET:AK1\n", 1),
            (b"u1:SEC\xffRET:AK1\n", 1),
        ] {
            let error = parse_accept_file(text).unwrap_err();
            assert!(error.starts_with(&format!("line {line}:")), "{error}");
            assert!(!error.contains("SEC"), "{error}");
        }
    }
}
