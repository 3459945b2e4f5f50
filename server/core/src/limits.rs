//! Abuse limits: how often a visitor, an address or an account may repeat
//! something cheap to ask and costly to answer (a guess at a password, a mail
//! sent, a case opened).
//!
//! The counters live in PostgreSQL (`rate_limits`), not in the process: the
//! limits hold across several server processes and restarts, and one upsert
//! counts an attempt *before* the work is done, so a burst of parallel requests
//! cannot slip past (each sees its own count). A fixed window per key: the
//! first hit opens it, and it closes `per` later.

use crate::db::rate_limits;
use crate::Error;
use sqlx::PgExecutor;
use std::fmt;
use std::time::Duration;

/// Everything that is limited. Each has a name for `RAPPORT_LIMITS` and a default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Limit {
    /// Sign-in attempts for one account from one client address: what an
    /// attacker guessing one account hits first, while the owner elsewhere does not.
    SignInPair,
    /// Sign-in attempts for one account from anywhere (a distributed guess).
    SignInAccount,
    /// Sign-in attempts from one client address, for any account.
    SignInAddress,
    /// Registrations from one client address.
    Registration,
    /// Mails about registering to one address (confirmations and
    /// "someone tried to register"): a stranger's address cannot be flooded.
    RegistrationMail,
    /// Password reset requests from one client address.
    ResetAddress,
    /// Password reset mails to one account's address.
    ResetAccount,
    /// Address change requests by one person (each mails two addresses).
    AddressChange,
    /// Two-factor codes tried for one account.
    TwoFactorCode,
    /// New cases by one person.
    NewCase,
    /// Replies and notes by one person.
    Reply,
    /// Invitations sent by one person.
    Invitation,
    /// Article votes by one person or visitor address.
    Vote,
    /// Searches written to the search log per person or visitor address
    /// (searching itself is never refused; only the logging stops).
    SearchLog,
    /// Automatic answers to refused mail, per sender address (a day).
    AutoReplySender,
    /// Automatic answers to refused mail about one case (a day).
    AutoReplyCase,
    /// API tokens made by one person.
    NewApiToken,
    /// Calls to the REST API with one token. Unlike the others this one is
    /// counted in the process (`rapport-rest`'s door, by GCRA), not in
    /// PostgreSQL: it guards the database, so it must not cost a statement.
    /// With several server processes each allows this much.
    ApiToken,
}

impl Limit {
    pub const ALL: [Limit; 18] = [
        Limit::SignInPair,
        Limit::SignInAccount,
        Limit::SignInAddress,
        Limit::Registration,
        Limit::RegistrationMail,
        Limit::ResetAddress,
        Limit::ResetAccount,
        Limit::AddressChange,
        Limit::TwoFactorCode,
        Limit::NewCase,
        Limit::Reply,
        Limit::Invitation,
        Limit::Vote,
        Limit::SearchLog,
        Limit::AutoReplySender,
        Limit::AutoReplyCase,
        Limit::NewApiToken,
        Limit::ApiToken,
    ];

    /// The name in `RAPPORT_LIMITS` and in the counters' keys.
    pub fn name(self) -> &'static str {
        match self {
            Limit::SignInPair => "sign_in_pair",
            Limit::SignInAccount => "sign_in_account",
            Limit::SignInAddress => "sign_in_address",
            Limit::Registration => "registration",
            Limit::RegistrationMail => "registration_mail",
            Limit::ResetAddress => "reset_address",
            Limit::ResetAccount => "reset_account",
            Limit::AddressChange => "address_change",
            Limit::TwoFactorCode => "two_factor_code",
            Limit::NewCase => "new_case",
            Limit::Reply => "reply",
            Limit::Invitation => "invitation",
            Limit::Vote => "vote",
            Limit::SearchLog => "search_log",
            Limit::AutoReplySender => "auto_reply_sender",
            Limit::AutoReplyCase => "auto_reply_case",
            Limit::NewApiToken => "new_api_token",
            Limit::ApiToken => "api_token",
        }
    }

    fn default_rule(self) -> Rule {
        const MINUTE: u64 = 60;
        const HOUR: u64 = 60 * MINUTE;
        let (max, secs) = match self {
            Limit::SignInPair => (5, 15 * MINUTE),
            Limit::SignInAccount => (20, 15 * MINUTE),
            Limit::SignInAddress => (50, 15 * MINUTE),
            Limit::Registration => (10, HOUR),
            Limit::RegistrationMail => (3, HOUR),
            Limit::ResetAddress => (10, HOUR),
            Limit::ResetAccount => (3, HOUR),
            Limit::AddressChange => (3, HOUR),
            // Above the five wrong codes that end one sign-in step: this
            // bounds many steps, or parallel requests on one.
            Limit::TwoFactorCode => (10, 15 * MINUTE),
            Limit::NewCase => (20, HOUR),
            Limit::Reply => (60, 10 * MINUTE),
            Limit::Invitation => (20, HOUR),
            Limit::Vote => (30, HOUR),
            Limit::SearchLog => (60, HOUR),
            // Two mail robots answering each other stop after one exchange a day.
            Limit::AutoReplySender | Limit::AutoReplyCase => (1, 24 * HOUR),
            Limit::NewApiToken => (20, HOUR),
            Limit::ApiToken => (600, MINUTE),
        };
        Rule {
            max,
            per: Duration::from_secs(secs),
        }
    }
}

/// At most `max` hits per `per`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub max: u32,
    pub per: Duration,
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.per.as_secs();
        let (n, unit) = if secs.is_multiple_of(86_400) {
            (secs / 86_400, "d")
        } else if secs.is_multiple_of(3600) {
            (secs / 3600, "h")
        } else if secs.is_multiple_of(60) {
            (secs / 60, "m")
        } else {
            (secs, "s")
        };
        write!(f, "{}/{n}{unit}", self.max)
    }
}

/// The rule of every limit: the defaults, changed by `RAPPORT_LIMITS`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    rules: Vec<(Limit, Rule)>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            rules: Limit::ALL.iter().map(|l| (*l, l.default_rule())).collect(),
        }
    }
}

impl Limits {
    pub fn rule(&self, limit: Limit) -> Rule {
        self.rules
            .iter()
            .find(|(l, _)| *l == limit)
            .map(|(_, r)| *r)
            .unwrap_or_else(|| limit.default_rule())
    }

    /// The same limits with one rule changed (tests, and the parser).
    pub fn with(mut self, limit: Limit, rule: Rule) -> Limits {
        match self.rules.iter_mut().find(|(l, _)| *l == limit) {
            Some(slot) => slot.1 = rule,
            None => self.rules.push((limit, rule)),
        }
        self
    }

    /// The defaults changed by a list like `reply=100/10m,new_case=50/1h`
    /// (units `s`, `m`, `h`, `d`). The error names the entry to fix.
    pub fn parse(list: &str) -> Result<Limits, String> {
        let mut limits = Limits::default();
        for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let (name, rule) = entry.split_once('=').ok_or_else(|| {
                format!("{entry:?}: write it as name=count/period, e.g. reply=60/10m")
            })?;
            let limit = Limit::ALL
                .into_iter()
                .find(|l| l.name() == name.trim())
                .ok_or_else(|| {
                    let names: Vec<_> = Limit::ALL.iter().map(|l| l.name()).collect();
                    format!(
                        "{name:?} is not a limit; the limits are {}",
                        names.join(", ")
                    )
                })?;
            limits = limits.with(
                limit,
                parse_rule(rule.trim()).map_err(|e| format!("{entry:?}: {e}"))?,
            );
        }
        Ok(limits)
    }

    /// Every limit and its rule, for `--help` and the README.
    pub fn describe(&self) -> String {
        Limit::ALL
            .iter()
            .map(|l| format!("{}={}", l.name(), self.rule(*l)))
            .collect::<Vec<_>>()
            .join(",")
    }
}

fn parse_rule(rule: &str) -> Result<Rule, String> {
    let (max, period) = rule
        .split_once('/')
        .ok_or("write the rule as count/period, e.g. 60/10m")?;
    let max: u32 = max
        .trim()
        .parse()
        .map_err(|_| format!("{max:?} is not a whole number"))?;
    let period = period.trim();
    let split = period
        .find(|c: char| !c.is_ascii_digit())
        .ok_or("give the period a unit: s, m, h or d")?;
    let (count, unit) = period.split_at(split);
    let count: u64 = count
        .parse()
        .map_err(|_| format!("{period:?} does not start with a number"))?;
    let unit_secs = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(format!("{unit:?} is not a unit; use s, m, h or d")),
    };
    if max == 0 || count == 0 {
        return Err("the count and the period must be more than zero".into());
    }
    Ok(Rule {
        max,
        per: Duration::from_secs(count * unit_secs),
    })
}

/// Count one hit on each `(limit, key)` at once; refused (with the longest
/// wait) if any of them is over its rule. The hits are counted either way,
/// so someone who keeps trying keeps waiting.
pub async fn hit_all(
    db: impl PgExecutor<'_>,
    limits: &Limits,
    hits: &[(Limit, &str)],
) -> Result<(), Error> {
    let keys: Vec<String> = hits
        .iter()
        .map(|(limit, key)| format!("{}:{key}", limit.name()))
        .collect();
    let windows: Vec<f64> = hits
        .iter()
        .map(|(limit, _)| limits.rule(*limit).per.as_secs_f64())
        .collect();
    let counts = rate_limits::hit(db, &keys, &windows).await?;
    let mut wait = Duration::ZERO;
    for count in &counts {
        let Some((limit, _)) = hits
            .iter()
            .zip(&keys)
            .find(|(_, key)| **key == count.key)
            .map(|(hit, _)| hit)
        else {
            continue;
        };
        if count.hits > limits.rule(*limit).max as i32 {
            wait = wait.max(Duration::from_secs_f64(count.seconds_left.max(1.0)));
        }
    }
    if wait.is_zero() {
        Ok(())
    } else {
        Err(Error::RateLimited {
            retry_after: Duration::from_secs(wait.as_secs_f64().ceil() as u64),
        })
    }
}

/// Count one hit on `key` under `limit`; refused when it is over.
pub async fn hit(
    db: impl PgExecutor<'_>,
    limits: &Limits,
    limit: Limit,
    key: &str,
) -> Result<(), Error> {
    hit_all(db, limits, &[(limit, key)]).await
}

/// Forget the count of `key` (after a successful sign-in, a password reset).
pub async fn clear(db: impl PgExecutor<'_>, limit: Limit, key: &str) -> Result<(), Error> {
    rate_limits::clear(db, &format!("{}:{key}", limit.name())).await?;
    Ok(())
}

/// Take back one hit of `key` (a sign-in that succeeded: the limit is for
/// guesses, and an office behind one address signs in many times a day).
pub async fn take_back(db: impl PgExecutor<'_>, limit: Limit, key: &str) -> Result<(), Error> {
    rate_limits::take_back(db, &format!("{}:{key}", limit.name())).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_parse_and_print() {
        let limits = Limits::parse(" reply=100/10m , new_case=5/1h,vote=2/30s").unwrap();
        assert_eq!(
            limits.rule(Limit::Reply),
            Rule {
                max: 100,
                per: Duration::from_secs(600)
            }
        );
        assert_eq!(limits.rule(Limit::NewCase).to_string(), "5/1h");
        assert_eq!(limits.rule(Limit::Vote).to_string(), "2/30s");
        assert_eq!(
            limits.rule(Limit::SignInPair),
            Limit::SignInPair.default_rule()
        );
        assert_eq!(Limits::parse("").unwrap(), Limits::default());
        // What `describe` prints parses back to the same limits.
        assert_eq!(Limits::parse(&limits.describe()).unwrap(), limits);
    }

    #[test]
    fn bad_rules_name_the_entry() {
        for (bad, says) in [
            ("reply", "name=count/period"),
            ("replies=1/1h", "not a limit"),
            ("reply=x/1h", "not a whole number"),
            ("reply=1/1w", "not a unit"),
            ("reply=1/h", "does not start with a number"),
            ("reply=0/1h", "more than zero"),
            ("reply=5", "count/period"),
        ] {
            let err = Limits::parse(bad).unwrap_err();
            assert!(err.contains(says), "{bad}: {err}");
        }
    }
}
