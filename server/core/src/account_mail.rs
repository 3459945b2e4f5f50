//! The e-mails about an account: confirm a registration, someone tried to
//! register with your address, reset your password, welcome (choose a
//! password), confirm a new address, your address is changing. Each is
//! queued in the transaction of its change (`mail::queue`).
//!
//! They go to addresses only, never with a name a stranger typed: a
//! registration's name is not confirmed yet, and must not dress up a mail to
//! someone else.

use super::mail::{AutoSubmitted, OutgoingMail};
use crate::site::SiteLinks;

const SIGNATURE: &str = "\n\n-- \nRapport support portal. This message was sent automatically.\n";

/// What an account mail is about.
pub enum AccountMail<'a> {
    /// Confirm the address of a new registration.
    ConfirmRegistration { token: &'a str, hours: u64 },
    /// Someone registered with an address that already has an account.
    AlreadyRegistered,
    /// A password reset link the person (or an admin for them) asked for.
    ResetPassword {
        token: &'a str,
        minutes: u64,
        asked_by_admin: bool,
    },
    /// A new account made by an admin: choose your password.
    Welcome { token: &'a str, days: u64 },
    /// Confirm a new address (sent to the new one).
    ConfirmNewAddress { token: &'a str, hours: u64 },
    /// The address is about to change (sent to the old one).
    AddressChangeAsked { new_address: &'a str },
    /// The address changed (sent to the old one).
    AddressChanged { new_address: &'a str },
}

/// Compose the mail to `to`.
pub fn compose(links: &SiteLinks, to: &str, mail: &AccountMail<'_>) -> OutgoingMail {
    let reset_page = links.page("/forgot-password");
    let (subject, text) = match mail {
        AccountMail::ConfirmRegistration { token, hours } => (
            "Confirm your e-mail address".to_string(),
            format!(
                "Someone, hopefully you, created a Rapport account with this address.\n\n\
                 To confirm it and finish, open this link within {hours} hours and enter the \
                 password you chose:\n{}\n\n\
                 If it was not you, ignore this mail: without the link no account is made.",
                links.page(&format!("/register/confirm?token={token}"))
            ),
        ),
        AccountMail::AlreadyRegistered => (
            "Someone tried to register with your address".to_string(),
            format!(
                "Someone tried to create a new Rapport account with this address, which \
                 already has one. Nothing was changed.\n\n\
                 If it was you: sign in at {}\n\
                 Forgot your password? Ask for a new one at {reset_page}\n\n\
                 If it was not you, you can ignore this mail.",
                links.page("/sign-in")
            ),
        ),
        AccountMail::ResetPassword {
            token,
            minutes,
            asked_by_admin,
        } => (
            "Reset your password".to_string(),
            format!(
                "{}\n\nTo choose a new password, open this link within {minutes} minutes:\n{}\n\n\
                 It works once. Choosing a new password signs you out everywhere.\n\
                 If you did not ask for this, ignore this mail: your password stays as it is.",
                if *asked_by_admin {
                    "An administrator sent you a link to choose a new password for Rapport."
                } else {
                    "Someone, hopefully you, asked to reset the password of your Rapport account."
                },
                links.page(&format!("/reset-password?token={token}"))
            ),
        ),
        AccountMail::Welcome { token, days } => (
            "Your Rapport account".to_string(),
            format!(
                "An administrator created a Rapport account for you.\n\n\
                 Choose your password within {days} days with this link:\n{}\n\n\
                 Then sign in at {} with this address.",
                links.page(&format!("/reset-password?token={token}")),
                links.page("/sign-in")
            ),
        ),
        AccountMail::ConfirmNewAddress { token, hours } => (
            "Confirm your new e-mail address".to_string(),
            format!(
                "Someone asked to use this address for a Rapport account.\n\n\
                 To confirm it, open this link within {hours} hours:\n{}\n\n\
                 If it was not you, ignore this mail: nothing changes without the link.",
                links.page(&format!("/account/confirm-address?token={token}"))
            ),
        ),
        AccountMail::AddressChangeAsked { new_address } => (
            "Your e-mail address is about to change".to_string(),
            format!(
                "Someone asked to change the e-mail address of your Rapport account to \
                 {new_address}. It changes only when the link sent there is opened.\n\n\
                 If it was not you, reset your password now: {reset_page}"
            ),
        ),
        AccountMail::AddressChanged { new_address } => (
            "Your e-mail address was changed".to_string(),
            format!(
                "The e-mail address of your Rapport account is now {new_address}; this address \
                 gets no more mail from us.\n\n\
                 If it was not you, contact your administrator or our support at once."
            ),
        ),
    };
    OutgoingMail {
        to: to.to_string(),
        subject,
        body: format!("{text}{SIGNATURE}"),
        // Automatic, as every mail of ours: no auto-responder answers it.
        auto_submitted: AutoSubmitted::Generated,
        ..OutgoingMail::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_carry_the_token_to_the_right_page() {
        let links = SiteLinks::new("https://support.example.com");
        let mail = compose(
            &links,
            "ann@example.com",
            &AccountMail::ResetPassword {
                token: "abc",
                minutes: 30,
                asked_by_admin: false,
            },
        );
        assert_eq!(mail.to, "ann@example.com");
        assert!(mail
            .body
            .contains("https://support.example.com/reset-password?token=abc"));
        assert!(mail.body.contains("30 minutes"));
        let mail = compose(
            &links,
            "ann@example.com",
            &AccountMail::ConfirmRegistration {
                token: "xyz",
                hours: 24,
            },
        );
        assert!(mail
            .body
            .contains("https://support.example.com/register/confirm?token=xyz"));
    }
}
