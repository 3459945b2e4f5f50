//! Two-factor sign-in and the list of one's sessions, as the account page,
//! the two-factor step of signing in and the users page show them.

use serde::{Deserialize, Serialize};

/// The "Two-factor sign-in" section of the account page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TwoFactorView {
    /// Sign-in asks for a code from the app.
    pub enabled: bool,
    /// Being set up: what to add to the app. Only until it is switched on;
    /// afterwards the secret never leaves the server.
    pub setup: Option<TwoFactorSetup>,
    /// Unused recovery codes.
    pub recovery_codes_left: i64,
    /// Recovery codes made just now: shown this once, never again.
    pub new_recovery_codes: Vec<String>,
    /// The site requires two factors of this person (staff, when an admin
    /// switched that on): it cannot be switched off.
    pub required: bool,
}

/// What an authenticator app needs to be set up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TwoFactorSetup {
    /// The secret in base32, in groups of four, for typing it in by hand.
    pub secret: String,
    /// The QR code of the `otpauth://` address, as a `data:image/png` address.
    pub qr_code: String,
}

/// Where a sign-in stands after the right password, when it needs a second step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum SignInStep {
    /// Asks for a code from the app or a recovery code.
    Code,
    /// The site requires two factors of this person and they have none: set
    /// up an app first (nothing else is reachable until then).
    SetUp(TwoFactorSetup),
}

/// One signed-in session, as its owner sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionView {
    pub id: i64,
    /// Browser and system in plain words ("Firefox on Linux").
    pub device: String,
    /// The network address it signed in from.
    pub ip: String,
    pub signed_in: String,
    pub last_seen: String,
    /// The session of this very request.
    pub current: bool,
}

/// The site's sign-in setting for staff, on the users page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffSignInRule {
    pub required: bool,
}
