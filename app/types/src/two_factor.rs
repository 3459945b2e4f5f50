//! What a person types at the two-factor step: the 6-digit code of their
//! authenticator app, or one of their single-use recovery codes.

use crate::FieldError;

/// The letters and digits of recovery codes: none that are easily confused
/// (no 0/o, 1/l/i).
pub const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
/// Characters in a recovery code (shown as two groups of five: `abcde-23456`).
pub const RECOVERY_CODE_LEN: usize = 10;

/// A code typed at the two-factor step, tidied: spaces and dashes go, letters
/// are lower case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecondFactor {
    /// Six digits from the authenticator app.
    AppCode(String),
    /// A recovery code, without its dash.
    RecoveryCode(String),
}

impl SecondFactor {
    pub fn parse(field: &str, raw: &str) -> Result<SecondFactor, FieldError> {
        let tidy: String = raw
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .flat_map(char::to_lowercase)
            .collect();
        if tidy.is_empty() {
            return Err(FieldError::new(
                field,
                "Enter the 6-digit code from your authenticator app.",
            ));
        }
        if tidy.len() == 6 && tidy.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(SecondFactor::AppCode(tidy));
        }
        if tidy.len() == RECOVERY_CODE_LEN && tidy.bytes().all(|b| RECOVERY_ALPHABET.contains(&b)) {
            return Ok(SecondFactor::RecoveryCode(tidy));
        }
        Err(FieldError::new(
            field,
            "Enter the 6 digits your authenticator app shows now, or one of your recovery codes (such as abcde-23456).",
        ))
    }

    /// Only a code from the app (to confirm a new setup).
    pub fn parse_app_code(field: &str, raw: &str) -> Result<String, FieldError> {
        match SecondFactor::parse(field, raw)? {
            SecondFactor::AppCode(code) => Ok(code),
            SecondFactor::RecoveryCode(_) => Err(FieldError::new(
                field,
                "Enter the 6 digits your authenticator app shows now.",
            )),
        }
    }
}

/// A recovery code as shown: two groups of five.
pub fn format_recovery_code(code: &str) -> String {
    if code.len() == RECOVERY_CODE_LEN {
        format!("{}-{}", &code[..5], &code[5..])
    } else {
        code.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_tidied_and_told_apart() {
        let table = [
            ("123456", Some(SecondFactor::AppCode("123456".into()))),
            (" 123 456 ", Some(SecondFactor::AppCode("123456".into()))),
            (
                "ABCDE-23456",
                Some(SecondFactor::RecoveryCode("abcde23456".into())),
            ),
            (
                "abcde 23456",
                Some(SecondFactor::RecoveryCode("abcde23456".into())),
            ),
            ("", None),
            ("12345", None),
            ("1234567", None),
            ("12345a", None),
            // 0, 1, o, l and i are never in a recovery code.
            ("abcde01234", None),
            ("abcdefghijk", None),
        ];
        for (raw, want) in table {
            let got = SecondFactor::parse("code", raw);
            match want {
                Some(want) => assert_eq!(got, Ok(want), "{raw:?}"),
                None => assert_eq!(got.unwrap_err().field, "code", "{raw:?}"),
            }
        }
        assert!(SecondFactor::parse_app_code("code", "abcde-23456").is_err());
        assert_eq!(format_recovery_code("abcde23456"), "abcde-23456");
    }
}
