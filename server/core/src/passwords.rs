//! How hard a new password is to guess. The length rule is the type's
//! (`rapport_types::Password`); here the `zxcvbn` estimator, told who the
//! person is, refuses what is easy to guess: `aaaaaaaaaa`, `1234567890`,
//! `password12`, the person's own address or name.

use crate::Error;
use rapport_types::Password;

/// The least zxcvbn score accepted: "safely unguessable: moderate
/// protection from an offline attack" (about 10^10 guesses).
const MIN_SCORE: zxcvbn::Score = zxcvbn::Score::Three;

/// zxcvbn's time grows with the length; beyond this the rest adds nothing to
/// the estimate that matters here.
const CHECKED_CHARS: usize = 64;

/// Parse a new password for `field` and refuse it when it is easy to guess.
/// `about_the_person`: their e-mail address, name, organization ...
pub fn strong_password(
    field: &str,
    input: &str,
    about_the_person: &[&str],
) -> Result<Password, Error> {
    let password = Password::parse(field, input)?;
    let mut hints: Vec<String> = Vec::new();
    for fact in about_the_person {
        let fact = fact.trim().to_lowercase();
        // The address, its parts, and each word of a name.
        hints.extend(
            fact.split(|c: char| !c.is_alphanumeric())
                .filter(|w| w.chars().count() >= 3)
                .map(str::to_owned),
        );
        hints.push(fact);
    }
    let lower = input.to_lowercase();
    if hints
        .iter()
        .any(|h| h.chars().count() >= 4 && lower.contains(h.as_str()))
    {
        return Err(Error::invalid(
            field,
            "This password contains your e-mail address, name or organization, \
             which are easy to guess. Choose something else.",
        ));
    }
    let checked: String = input.chars().take(CHECKED_CHARS).collect();
    let hints: Vec<&str> = hints.iter().map(String::as_str).collect();
    let estimate = zxcvbn::zxcvbn(&checked, &hints);
    if estimate.score() >= MIN_SCORE {
        return Ok(password);
    }
    let why = estimate
        .feedback()
        .and_then(|f| f.warning())
        .map(|w| format!(" {w}"))
        .unwrap_or_default();
    Err(Error::invalid(
        field,
        format!(
            "This password is too easy to guess.{why} Use a few unrelated words, \
             or a longer mix of words, numbers and signs."
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(input: &str) -> String {
        match strong_password(
            "password",
            input,
            &[
                "nora.keller@alpine-tools.example",
                "Nora Keller",
                "Alpine Tools",
            ],
        ) {
            Err(Error::Invalid(e)) => {
                assert_eq!(e.field, "password");
                e.message
            }
            other => panic!("{input:?} was not refused: {other:?}"),
        }
    }

    #[test]
    fn easy_passwords_are_refused_with_a_reason() {
        assert!(message("aaaaaaaaaa").contains("too easy to guess"));
        assert!(message("1234567890").contains("too easy to guess"));
        assert!(message("password12").contains("too easy to guess"));
        assert!(message("nora.keller@alpine-tools.example").contains("e-mail address"));
        assert!(message("NoraKeller2026!").contains("e-mail address, name"));
        assert!(message("alpinetools123").contains("name or organization"));
        // Too short is still the length rule's message.
        assert!(message("short").contains("at least 10"));
    }

    #[test]
    fn strong_passwords_pass() {
        for good in [
            "correct horse battery staple",
            "tangerine-kettle-orbit-42",
            "Vz8#qL2!mW9@tR",
        ] {
            assert!(
                strong_password("password", good, &["nora@example.com", "Nora"]).is_ok(),
                "{good}"
            );
        }
    }
}
