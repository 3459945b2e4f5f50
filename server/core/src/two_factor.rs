//! Two-factor sign-in with an authenticator app (TOTP, RFC 6238: SHA-1, six
//! digits, 30-second steps, one step of clock skew either way) and single-use
//! recovery codes; optional for everyone, required of staff when an admin
//! says so. The sign-in step itself (what the session holds meanwhile) is the
//! web layer's (`app::web::auth`); the rules are here, the SQL in
//! `db::two_factor`.
//!
//! A code is accepted once: the time step of the last accepted code is kept,
//! and only a later one is taken (atomically, so two requests with one code
//! cannot both pass).

use crate::db::{self, audit, two_factor as store};
use crate::policy::{Action, Permit};
use crate::sign_in::verify_password;
use crate::Error;
use rand::Rng;
use rapport_types::views::two_factor::{StaffSignInRule, TwoFactorSetup, TwoFactorView};
use rapport_types::{
    format_recovery_code, Role, SecondFactor, RECOVERY_ALPHABET, RECOVERY_CODE_LEN,
};
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use totp_rs::{Algorithm, TOTP};

/// The name authenticator apps list the account under.
pub const ISSUER: &str = "Rapport";
const STEP_SECONDS: u64 = 30;
/// Bytes of a new secret: 160 bits, as RFC 4226 recommends.
const SECRET_BYTES: usize = 20;
/// Recovery codes made at a time.
pub const RECOVERY_CODES: usize = 10;

/// The field the code is typed into, at sign-in and on the account page.
pub const CODE_FIELD: &str = "code";

fn authenticator(secret: Vec<u8>, account: &str) -> Result<TOTP, Error> {
    TOTP::new(
        Algorithm::SHA1,
        6,
        0,
        STEP_SECONDS,
        secret,
        Some(ISSUER.to_string()),
        account.to_string(),
    )
    .map_err(|e| Error::internal(format!("authenticator: {e:?}")))
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// How a typed app code compares with the codes of the steps around `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CodeMatch {
    /// The code of this step, not used before.
    Fresh(i64),
    /// The code of a step already used.
    Used,
    Wrong,
}

fn match_code(totp: &TOTP, code: &str, now: u64, last_used_step: i64) -> CodeMatch {
    let current = now / STEP_SECONDS;
    let mut used = false;
    for step in current.saturating_sub(1)..=current + 1 {
        if totp.check(code, step * STEP_SECONDS) {
            if step as i64 > last_used_step {
                return CodeMatch::Fresh(step as i64);
            }
            used = true;
        }
    }
    if used {
        CodeMatch::Used
    } else {
        CodeMatch::Wrong
    }
}

fn wrong_code() -> Error {
    Error::invalid(
        CODE_FIELD,
        "That code is not right. Enter the 6 digits your authenticator app shows now.",
    )
}

fn used_code() -> Error {
    Error::invalid(
        CODE_FIELD,
        "That code was used already. Wait for the next code in your app and enter that one.",
    )
}

fn hash_recovery_code(code: &str) -> String {
    hex::encode(Sha256::digest(code.as_bytes()))
}

/// Ten new recovery codes: (as shown, their hashes).
fn new_recovery_codes() -> (Vec<String>, Vec<String>) {
    let mut rng = rand::thread_rng();
    let codes: Vec<String> = (0..RECOVERY_CODES)
        .map(|_| {
            (0..RECOVERY_CODE_LEN)
                .map(|_| RECOVERY_ALPHABET[rng.gen_range(0..RECOVERY_ALPHABET.len())] as char)
                .collect()
        })
        .collect();
    let hashes = codes.iter().map(|c| hash_recovery_code(c)).collect();
    (
        codes.iter().map(|c| format_recovery_code(c)).collect(),
        hashes,
    )
}

/// The secret and QR code to show for setting up an app.
fn setup_view(secret: Vec<u8>, email: &str) -> Result<TwoFactorSetup, Error> {
    let totp = authenticator(secret, email)?;
    let base32 = totp.get_secret_base32();
    let grouped = base32
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ");
    let png = totp.get_qr_base64().map_err(Error::internal)?;
    Ok(TwoFactorSetup {
        secret: grouped,
        qr_code: format!("data:image/png;base64,{png}"),
    })
}

fn new_secret() -> Vec<u8> {
    let mut secret = vec![0u8; SECRET_BYTES];
    rand::thread_rng().fill(&mut secret[..]);
    secret
}

async fn check_password(pool: &PgPool, user_id: i64, password: &str) -> Result<(), Error> {
    let stored = db::users::password_hash(pool, user_id)
        .await?
        .ok_or(Error::NotFound)?;
    if password.is_empty() {
        return Err(Error::invalid("password", "Enter your password."));
    }
    if !verify_password(password, Some(&stored)).await? {
        return Err(Error::invalid("password", "That password is not right."));
    }
    Ok(())
}

async fn state(pool: &PgPool, user_id: i64) -> Result<store::State, Error> {
    store::state(pool, user_id).await?.ok_or(Error::NotFound)
}

fn required_of(state: &store::State) -> bool {
    state.staff_required && Role::parse(&state.role).is_some_and(Role::is_staff)
}

/// What a sign-in with the right password needs before it becomes a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterPassword {
    /// Nothing more: start the session.
    Done,
    /// A code from the app or a recovery code.
    Code,
    /// The site requires two factors of this person and they have none yet:
    /// set up an app first.
    SetUp,
}

/// The step that follows the right password for `user_id`
/// (`sign_in::check_sign_in` said so).
pub async fn after_password(pool: &PgPool, user_id: i64) -> Result<AfterPassword, Error> {
    let state = state(pool, user_id).await?;
    Ok(if state.enabled {
        AfterPassword::Code
    } else if required_of(&state) {
        AfterPassword::SetUp
    } else {
        AfterPassword::Done
    })
}

/// The second step of a sign-in: a code from the app, or a recovery code
/// (used up). `user_id` is the person whose password was right moments ago.
pub async fn check_at_sign_in(
    pool: &PgPool,
    user_id: i64,
    typed: &str,
    ip: &str,
) -> Result<(), Error> {
    let state = state(pool, user_id).await?;
    if state.disabled || !state.enabled {
        return Err(Error::Unauthenticated);
    }
    let result = check_second_factor(pool, user_id, &state.email, typed, ip).await;
    if let Err(Error::Invalid(_)) = &result {
        audit::record(
            pool,
            audit::Event {
                kind: audit::TWO_FACTOR_FAILED,
                subject_user_id: Some(user_id),
                email: Some(&state.email),
                ip: Some(ip),
                ..Default::default()
            },
        )
        .await?;
    }
    result
}

/// Check (and use up) a code of a person with two factors on.
async fn check_second_factor(
    pool: &PgPool,
    user_id: i64,
    email: &str,
    typed: &str,
    ip: &str,
) -> Result<(), Error> {
    match SecondFactor::parse(CODE_FIELD, typed)? {
        SecondFactor::AppCode(code) => {
            let found = store::find(pool, user_id)
                .await?
                .filter(|a| a.enabled)
                .ok_or(Error::Unauthenticated)?;
            let totp = authenticator(found.secret, email)?;
            match match_code(&totp, &code, unix_now(), found.last_used_step) {
                CodeMatch::Fresh(step) => {
                    if store::use_step(pool, user_id, step, true).await? {
                        Ok(())
                    } else {
                        Err(used_code())
                    }
                }
                CodeMatch::Used => Err(used_code()),
                CodeMatch::Wrong => Err(wrong_code()),
            }
        }
        SecondFactor::RecoveryCode(code) => {
            let mut tx = pool.begin().await?;
            if !store::use_recovery_code(&mut *tx, user_id, &hash_recovery_code(&code)).await? {
                return Err(Error::invalid(
                    CODE_FIELD,
                    "That recovery code is not right, or it was used already. Each recovery code works once.",
                ));
            }
            audit::record(
                &mut *tx,
                audit::Event {
                    kind: audit::RECOVERY_CODE_USED,
                    actor_user_id: Some(user_id),
                    subject_user_id: Some(user_id),
                    email: Some(email),
                    ip: Some(ip),
                    ..Default::default()
                },
            )
            .await?;
            tx.commit().await?;
            Ok(())
        }
    }
}

/// The app to set up at sign-in, for a person the site requires it of: the
/// setup under way, or a new one.
pub async fn setup_at_sign_in(pool: &PgPool, user_id: i64) -> Result<TwoFactorSetup, Error> {
    let state = state(pool, user_id).await?;
    if state.disabled {
        return Err(Error::Unauthenticated);
    }
    if state.enabled {
        return Err(Error::Conflict(
            "Two-factor sign-in is already on for this account.".into(),
        ));
    }
    let secret = match store::find(pool, user_id).await? {
        Some(pending) => pending.secret,
        None => {
            let secret = new_secret();
            store::start_setup(pool, user_id, &secret).await?;
            secret
        }
    };
    setup_view(secret, &state.email)
}

/// Switch two factors on with the first code from the newly set up app.
/// Returns the recovery codes, to be shown this once.
async fn confirm(pool: &PgPool, user_id: i64, typed: &str, ip: &str) -> Result<Vec<String>, Error> {
    let code = SecondFactor::parse_app_code(CODE_FIELD, typed)?;
    let state = state(pool, user_id).await?;
    let pending = store::find(pool, user_id)
        .await?
        .filter(|a| !a.enabled)
        .ok_or_else(|| {
            Error::Conflict(if state.enabled {
                "Two-factor sign-in is already on.".into()
            } else {
                "Start setting up two-factor sign-in first.".into()
            })
        })?;
    let totp = authenticator(pending.secret, &state.email)?;
    let step = match match_code(&totp, &code, unix_now(), pending.last_used_step) {
        CodeMatch::Fresh(step) => step,
        CodeMatch::Used => return Err(used_code()),
        CodeMatch::Wrong => {
            return Err(Error::invalid(
                CODE_FIELD,
                "That code is not right. Check that the app shows Rapport with your e-mail address, and enter the 6 digits it shows now.",
            ))
        }
    };
    let (codes, hashes) = new_recovery_codes();
    let mut tx = pool.begin().await?;
    if !store::use_step(&mut *tx, user_id, step, false).await? {
        return Err(used_code());
    }
    store::enable(&mut *tx, user_id).await?;
    store::replace_recovery_codes(&mut tx, user_id, &hashes).await?;
    audit::record(
        &mut *tx,
        audit::Event {
            kind: audit::TWO_FACTOR_ENABLED,
            actor_user_id: Some(user_id),
            subject_user_id: Some(user_id),
            email: Some(&state.email),
            ip: Some(ip),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(codes)
}

/// `confirm` at sign-in, for a person the site requires two factors of.
pub async fn confirm_at_sign_in(
    pool: &PgPool,
    user_id: i64,
    typed: &str,
    ip: &str,
) -> Result<Vec<String>, Error> {
    if state(pool, user_id).await?.disabled {
        return Err(Error::Unauthenticated);
    }
    confirm(pool, user_id, typed, ip).await
}

// ---------------------------------------------------------------------------
// One's own account (the account page).

/// The account page's section. `new_recovery_codes` are those made just now
/// (the web layer keeps them in the session until shown once).
pub async fn status(
    permit: &Permit,
    pool: &PgPool,
    new_recovery_codes: Vec<String>,
) -> Result<TwoFactorView, Error> {
    permit.check(&Action::ManageOwnAccount)?;
    let user_id = permit.signed_in()?.user_id;
    let state = state(pool, user_id).await?;
    let setup = match store::find(pool, user_id).await? {
        Some(pending) if !pending.enabled => Some(setup_view(pending.secret, &state.email)?),
        _ => None,
    };
    Ok(TwoFactorView {
        enabled: state.enabled,
        setup,
        recovery_codes_left: state.recovery_codes_left,
        new_recovery_codes: if state.enabled {
            new_recovery_codes
        } else {
            Vec::new()
        },
        required: required_of(&state),
    })
}

/// Begin setting up an app (asks for the password): a new secret, shown until
/// the first code from the app switches two factors on.
pub async fn begin_setup(permit: &Permit, pool: &PgPool, password: &str) -> Result<(), Error> {
    permit.check(&Action::ManageOwnAccount)?;
    let user_id = permit.signed_in()?.user_id;
    check_password(pool, user_id, password).await?;
    if !store::start_setup(pool, user_id, &new_secret()).await? {
        return Err(Error::Conflict("Two-factor sign-in is already on.".into()));
    }
    Ok(())
}

/// Forget a setup that was not finished.
pub async fn cancel_setup(permit: &Permit, pool: &PgPool) -> Result<(), Error> {
    permit.check(&Action::ManageOwnAccount)?;
    store::cancel_setup(pool, permit.signed_in()?.user_id).await?;
    Ok(())
}

/// Finish setting up with the first code from the app; the recovery codes.
pub async fn finish_setup(
    permit: &Permit,
    pool: &PgPool,
    typed: &str,
    ip: &str,
) -> Result<Vec<String>, Error> {
    permit.check(&Action::ManageOwnAccount)?;
    confirm(pool, permit.signed_in()?.user_id, typed, ip).await
}

/// Switch two factors off, with the password or a code (from the app or a
/// recovery code). Not while the site requires them of this person.
pub async fn switch_off(
    permit: &Permit,
    pool: &PgPool,
    password: &str,
    typed: &str,
    ip: &str,
) -> Result<(), Error> {
    permit.check(&Action::ManageOwnAccount)?;
    let user_id = permit.signed_in()?.user_id;
    let state = state(pool, user_id).await?;
    if !state.enabled {
        return Err(Error::Conflict("Two-factor sign-in is not on.".into()));
    }
    if required_of(&state) {
        return Err(Error::Conflict(
            "Two-factor sign-in is required for staff on this site, so it cannot be switched off."
                .into(),
        ));
    }
    match (password.is_empty(), typed.trim().is_empty()) {
        (false, _) => check_password(pool, user_id, password).await?,
        (true, false) => check_second_factor(pool, user_id, &state.email, typed, ip).await?,
        (true, true) => {
            return Err(Error::invalid(
                "password",
                "Enter your password, or a code from your authenticator app.",
            ))
        }
    }
    let mut tx = pool.begin().await?;
    store::remove(&mut tx, user_id).await?;
    audit::record(
        &mut *tx,
        audit::Event {
            kind: audit::TWO_FACTOR_DISABLED,
            actor_user_id: Some(user_id),
            subject_user_id: Some(user_id),
            email: Some(&state.email),
            ip: Some(ip),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Replace the recovery codes by ten new ones (asks for the password).
pub async fn renew_recovery_codes(
    permit: &Permit,
    pool: &PgPool,
    password: &str,
    ip: &str,
) -> Result<Vec<String>, Error> {
    permit.check(&Action::ManageOwnAccount)?;
    let user_id = permit.signed_in()?.user_id;
    let state = state(pool, user_id).await?;
    if !state.enabled {
        return Err(Error::Conflict("Two-factor sign-in is not on.".into()));
    }
    check_password(pool, user_id, password).await?;
    let (codes, hashes) = new_recovery_codes();
    let mut tx = pool.begin().await?;
    store::replace_recovery_codes(&mut tx, user_id, &hashes).await?;
    audit::record(
        &mut *tx,
        audit::Event {
            kind: audit::RECOVERY_CODES_RENEWED,
            actor_user_id: Some(user_id),
            subject_user_id: Some(user_id),
            email: Some(&state.email),
            ip: Some(ip),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(codes)
}

// ---------------------------------------------------------------------------
// The site's setting (admins).

pub async fn staff_setting(permit: &Permit, pool: &PgPool) -> Result<StaffSignInRule, Error> {
    permit.check(&Action::RequireStaffTwoFactor)?;
    Ok(StaffSignInRule {
        required: store::staff_required(pool).await?,
    })
}

/// Require two factors of staff (agents, trainers, admins), or stop requiring
/// them. Staff without them set an app up at their next sign-in.
pub async fn set_staff_setting(
    permit: &Permit,
    pool: &PgPool,
    required: bool,
    ip: &str,
) -> Result<(), Error> {
    permit.check(&Action::RequireStaffTwoFactor)?;
    let admin = permit.signed_in()?.user_id;
    let mut tx = pool.begin().await?;
    store::set_staff_required(&mut *tx, required).await?;
    audit::record(
        &mut *tx,
        audit::Event {
            kind: audit::STAFF_TWO_FACTOR_SETTING,
            actor_user_id: Some(admin),
            ip: Some(ip),
            detail: if required { "required" } else { "optional" },
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238's SHA-1 test key and its vectors (the last six digits of its
    /// eight-digit codes).
    fn rfc_authenticator() -> TOTP {
        authenticator(b"12345678901234567890".to_vec(), "test@example.com").unwrap()
    }

    #[test]
    fn codes_follow_rfc_6238() {
        let totp = rfc_authenticator();
        assert_eq!(totp.generate(59), "287082");
        assert_eq!(totp.generate(1111111109), "081804");
        assert_eq!(totp.generate(1234567890), "005924");
    }

    #[test]
    fn a_code_is_taken_one_step_either_way_and_once() {
        let totp = rfc_authenticator();
        let now = 1_234_567_890;
        let step = (now / STEP_SECONDS) as i64;
        let code = totp.generate(now);
        assert_eq!(match_code(&totp, &code, now, 0), CodeMatch::Fresh(step));
        // The phone's clock 30 s behind or ahead.
        let before = totp.generate(now - STEP_SECONDS);
        let after = totp.generate(now + STEP_SECONDS);
        assert_eq!(
            match_code(&totp, &before, now, 0),
            CodeMatch::Fresh(step - 1)
        );
        assert_eq!(
            match_code(&totp, &after, now, 0),
            CodeMatch::Fresh(step + 1)
        );
        // Two steps off is too far.
        let far = totp.generate(now + 2 * STEP_SECONDS);
        assert_eq!(match_code(&totp, &far, now, 0), CodeMatch::Wrong);
        // A step used already, or one before it, is not taken again.
        assert_eq!(match_code(&totp, &code, now, step), CodeMatch::Used);
        assert_eq!(match_code(&totp, &before, now, step), CodeMatch::Used);
        assert_eq!(
            match_code(&totp, &after, now, step),
            CodeMatch::Fresh(step + 1)
        );
        assert_eq!(match_code(&totp, "000000", now, 0), CodeMatch::Wrong);
    }

    #[test]
    fn recovery_codes_are_ten_different_and_parse_back() {
        let (codes, hashes) = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let mut unique = hashes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), RECOVERY_CODES);
        for (shown, hash) in codes.iter().zip(&hashes) {
            let SecondFactor::RecoveryCode(tidy) = SecondFactor::parse("code", shown).unwrap()
            else {
                panic!("{shown} is not a recovery code");
            };
            assert_eq!(&hash_recovery_code(&tidy), hash);
        }
    }

    #[test]
    fn the_setup_shows_a_qr_code_and_the_secret_in_groups() {
        let setup = setup_view(b"12345678901234567890".to_vec(), "a@example.com").unwrap();
        assert!(setup.qr_code.starts_with("data:image/png;base64,iVBOR"));
        assert_eq!(setup.secret, "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ");
    }
}
