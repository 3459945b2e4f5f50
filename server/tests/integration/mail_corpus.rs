//! The mail corpus (`server/tests/mail/`, its README is the contract): the
//! README's small world is built, every `.eml` goes through
//! `mail_in::receive` in file-name order, and what it states in its `X-Test-*`
//! headers is checked against the database. All mismatches are listed at the
//! end, with the threading figure and the count of spoofs that got in.
//!
//! A second test, without a database, checks that every message is one the
//! parser reads as written: its From, Subject and the phrases it names.

use crate::common::fixtures::{self, Person};
use mail_parser::MessageParser;
use rapport_core::limits::{Limit, Limits, Rule};
use rapport_core::mail_in::{self, Source};
use rapport_core::reply_tokens::{self, ReplyClaims, ReplyKeys};
use rapport_core::{Backend, Config};
use rapport_types::Role;
use sqlx::PgPool;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

const OUR_ADDRESS: &str = "support@rapport.example";
const OUR_DOMAIN: &str = "rapport.example";

// ---------------------------------------------------------------- the corpus

/// What a message must become (its `X-Test-Expect`).
#[derive(Debug, Clone, PartialEq)]
enum Expect {
    /// A public message on fixture case `case` ("A") by `by`.
    Join {
        case: String,
        by: String,
    },
    /// A new e-mail case requested by `by` in `organization`.
    New {
        by: String,
        organization: String,
    },
    Refused,
    Ignored,
    /// A delivery-status report marking `address` as bouncing.
    Bounce(String),
}

/// One `.eml` file with what its `X-Test-*` headers state.
struct Sample {
    /// Its path under `server/tests/mail/`, e.g. `join/010-gmail-token.eml`.
    name: String,
    expect: Expect,
    texts: Vec<String>,
    quoted: Vec<String>,
    followers: Vec<String>,
    attachments: Option<usize>,
    /// The message without its `X-Test-*` headers, placeholders still in.
    raw: Vec<u8>,
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mail")
}

/// Every sample, in file-name order (the order of their paths).
fn corpus() -> Vec<Sample> {
    let mut paths = Vec::new();
    let mut folders = vec![corpus_dir()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "eml") {
                paths.push(path);
            }
        }
    }
    let mut samples: Vec<Sample> = paths
        .iter()
        .map(|path| {
            let name = path
                .strip_prefix(corpus_dir())
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let bytes = std::fs::read(path).unwrap();
            Sample::parse(name.clone(), &bytes).unwrap_or_else(|e| panic!("{name}: {e}"))
        })
        .collect();
    samples.sort_by(|a, b| a.name.cmp(&b.name));
    samples
}

impl Sample {
    /// Read the `X-Test-*` headers (the first must be `X-Test-Expect`) and
    /// take them out of the message.
    fn parse(name: String, bytes: &[u8]) -> Result<Sample, String> {
        let mut sample = Sample {
            name,
            expect: Expect::Ignored,
            texts: Vec::new(),
            quoted: Vec::new(),
            followers: Vec::new(),
            attachments: None,
            raw: Vec::with_capacity(bytes.len()),
        };
        let mut expect = None;
        let mut in_headers = true;
        let mut dropping = false;
        for (i, line) in bytes.split_inclusive(|b| *b == b'\n').enumerate() {
            let text = String::from_utf8_lossy(line);
            let text = text.trim_end_matches(['\r', '\n']);
            if in_headers && text.is_empty() {
                in_headers = false;
            }
            let continued = text.starts_with([' ', '\t']);
            if !in_headers || (continued && !dropping) {
                sample.raw.extend_from_slice(line);
                continue;
            }
            if continued {
                continue;
            }
            let Some(test) = text.strip_prefix("X-Test-") else {
                dropping = false;
                sample.raw.extend_from_slice(line);
                continue;
            };
            dropping = true;
            let (field, value) = test.split_once(':').ok_or("an X-Test header without ':'")?;
            let value = value.trim().to_string();
            match field {
                "Expect" if i == 0 => expect = Some(Expect::parse(&value)?),
                "Expect" => return Err("X-Test-Expect must be the first header, once".into()),
                "Text" => sample.texts.push(value),
                "Quoted" => sample.quoted.push(value),
                "Followers" => sample
                    .followers
                    .extend(value.split(',').map(|a| a.trim().to_ascii_lowercase())),
                "Attachments" => {
                    sample.attachments = Some(value.parse().map_err(|_| "Attachments: a count")?)
                }
                other => return Err(format!("unknown header X-Test-{other}")),
            }
        }
        sample.expect = expect.ok_or("no X-Test-Expect first")?;
        Ok(sample)
    }
}

impl Expect {
    fn parse(value: &str) -> Result<Expect, String> {
        let words: Vec<&str> = value.split_whitespace().collect();
        let address = |a: &str| a.to_ascii_lowercase();
        Ok(match words.as_slice() {
            ["join", case, "by", by] => Expect::Join {
                case: case.to_string(),
                by: address(by),
            },
            ["new", "by", by, "in", organization @ ..] if !organization.is_empty() => Expect::New {
                by: address(by),
                organization: organization.join(" "),
            },
            ["refused"] => Expect::Refused,
            ["ignored"] => Expect::Ignored,
            ["bounce", who] => Expect::Bounce(address(who)),
            _ => return Err(format!("X-Test-Expect: {value:?} is none of the README's")),
        })
    }

    fn kind(&self) -> &'static str {
        match self {
            Expect::Join { .. } => "join",
            Expect::New { .. } => "new",
            Expect::Refused => "refused",
            Expect::Ignored => "ignored",
            Expect::Bounce(_) => "bounce",
        }
    }
}

/// Replace every `{{name}}` by its value; a name without one is an error.
fn substitute(raw: &[u8], values: &HashMap<String, String>) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(raw.len() + 256);
    let mut rest = raw;
    while let Some(start) = rest.windows(2).position(|w| w == b"{{") {
        out.extend_from_slice(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after
            .windows(2)
            .position(|w| w == b"}}")
            .ok_or("an unclosed {{")?;
        let name = String::from_utf8_lossy(&after[..end]);
        let value = values
            .get(name.as_ref())
            .ok_or_else(|| format!("no value for placeholder {{{{{name}}}}}"))?;
        out.extend_from_slice(value.as_bytes());
        rest = &after[end + 2..];
    }
    out.extend_from_slice(rest);
    Ok(out)
}

/// A phrase of an `X-Test-*` header with its placeholders filled.
fn fill(phrase: &str, values: &HashMap<String, String>) -> String {
    let filled = substitute(phrase.as_bytes(), values).unwrap_or_else(|e| panic!("{phrase}: {e}"));
    String::from_utf8(filled).unwrap()
}

/// Text as the phrases are compared: quote marks at line starts gone,
/// whitespace (line breaks, no-break spaces) collapsed.
fn plain(text: &str) -> String {
    text.lines()
        .map(|line| line.trim_start_matches(|c: char| c == '>' || c.is_whitespace()))
        .collect::<Vec<_>>()
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn contains(haystack: &str, phrase: &str) -> bool {
    plain(haystack).contains(&plain(phrase))
}

// ----------------------------------------------------------------- the world

/// The README's world, and the values of its placeholders.
struct World {
    backend: Backend,
    /// Fixture case letter → (id, "C-1001").
    cases: BTreeMap<String, (i64, String)>,
    values: HashMap<String, String>,
    _folders: Vec<tempfile::TempDir>,
}

/// The mails we sent (case letter, recipient's local part) before the corpus.
const OUR_MAILS: [(&str, &str); 8] = [
    ("A", "nick"),
    ("A", "sam"),
    ("A", "alice"),
    ("A", "nora"),
    ("B", "carla"),
    ("B", "sam"),
    ("C", "nick"),
    ("D", "nick"),
];

impl World {
    async fn build(pool: PgPool) -> World {
        let generous = Rule {
            max: 10_000,
            per: std::time::Duration::from_secs(60),
        };
        let folders: Vec<tempfile::TempDir> =
            (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
        let config = Config {
            mail_from: format!("Rapport Support <{OUR_ADDRESS}>"),
            attachments_dir: folders[0].path().to_path_buf(),
            index_dir: folders[1].path().to_path_buf(),
            mail_transport: rapport_core::config::MailTransport::Folder(
                folders[2].path().to_path_buf(),
            ),
            // The corpus is days of mail in a second: the per-person budgets
            // for cases and replies (as on the portal) are not what it tests.
            limits: Limits::default()
                .with(Limit::NewCase, generous)
                .with(Limit::Reply, generous),
            ..Config::default()
        };
        let search = rapport_core::search_sync::open_and_refresh(&pool, &config.index_dir)
            .await
            .unwrap();
        let backend = Backend::new(config, pool.clone(), search);

        let northwind = fixtures::organization(&pool, "Northwind").await;
        let contoso = fixtures::organization(&pool, "Contoso").await;
        for (domain, organization) in [
            ("northwind.example", &northwind),
            ("contoso.example", &contoso),
        ] {
            sqlx::query(
                "INSERT INTO organization_domains (domain, organization_id) VALUES ($1, $2)",
            )
            .bind(domain)
            .bind(organization.id)
            .execute(&pool)
            .await
            .unwrap();
        }
        sqlx::query("UPDATE site_settings SET unknown_senders = 'refuse'")
            .execute(&pool)
            .await
            .unwrap();
        let mut people: HashMap<&str, Person> = HashMap::new();
        people.insert(
            "nick",
            northwind
                .customer(&pool, "nick@northwind.example", "Nick Northwind")
                .await,
        );
        people.insert(
            "nora",
            northwind
                .customer_admin(&pool, "nora@northwind.example", "Nora North")
                .await,
        );
        people.insert(
            "carla",
            contoso
                .customer(&pool, "carla@contoso.example", "Carla Contoso")
                .await,
        );
        people.insert(
            "sam",
            fixtures::staff(&pool, Role::Agent, "sam@rapport.example", "Sam Agent").await,
        );
        people.insert(
            "alice",
            fixtures::staff(&pool, Role::Admin, "alice@rapport.example", "Alice Admin").await,
        );

        let sam_asks = "Could you send a photo of the paper tray and tell me which firmware version the printer reports?";
        let fixture_cases = [
            ("A", fixtures::case("nick@northwind.example", "Printer jams on page two")
                .description("Our LaserJet in the second floor office jams on page two of every print job.")
                .status("open")
                .assignee("sam@rapport.example")
                .message("sam@rapport.example", sam_asks)),
            ("B", fixtures::case("carla@contoso.example", "Invoice 2026-118 is wrong")
                .description("Invoice 2026-118 bills twelve licences; we have ten.")
                .status("open")),
            ("C", fixtures::case("nick@northwind.example", "Cannot sign in")
                .description("The sign-in page says my password is wrong since this morning.")
                .message("sam@rapport.example", "I have reset your password; the link is in your mailbox.")
                .status("solved")),
            ("D", fixtures::case("nick@northwind.example", "Old delivery question")
                .description("When will the order of 40 toner cartridges arrive?")
                .message("sam@rapport.example", "It was delivered on Monday.")
                .status("closed")),
        ];
        let mut cases = BTreeMap::new();
        let mut values = HashMap::new();
        for (letter, builder) in fixture_cases {
            let case = builder.insert(&pool).await;
            sqlx::query("UPDATE cases SET channel = 'email' WHERE id = $1")
                .bind(case.id)
                .execute(&pool)
                .await
                .unwrap();
            // The requester's own mail that opened the case.
            let inbound = format!("<CAJ{}x7Qm+{letter}kP0vZ@mail.gmail.com>", case.id * 7919);
            record_message_id(&pool, &inbound, case.id, None, "in").await;
            values.insert(format!("inbound_id:{letter}"), inbound);
            values.insert(format!("number:{letter}"), case.number.clone());
            cases.insert(letter.to_string(), (case.id, case.number));
        }

        let keys = backend.reply_keys().await.unwrap().clone();
        for (letter, who) in OUR_MAILS {
            let case_id = cases[letter].0;
            let reported: Option<i64> = sqlx::query_scalar(
                "SELECT max(id) FROM case_messages WHERE case_id = $1 AND NOT internal",
            )
            .bind(case_id)
            .fetch_one(&pool)
            .await
            .unwrap();
            let token = keys.sign(ReplyClaims {
                case_id,
                user_id: people[who].id,
                message_id: reported.unwrap_or(0),
            });
            let address = reply_tokens::reply_address(OUR_ADDRESS, &token).unwrap();
            let message_id = reply_tokens::message_id(&token, OUR_DOMAIN);
            record_message_id(&pool, &message_id, case_id, reported, "out").await;
            values.insert(format!("reply_to:{letter}:{who}"), address);
            values.insert(format!("message_id:{letter}:{who}"), message_id);
        }
        // Right shape, same key id, but no key of ours signed it.
        let stranger_keys = ReplyKeys::new([(1, b"a key that is not in site_keys!!".to_vec())]);
        let forged = stranger_keys.sign(ReplyClaims {
            case_id: cases["A"].0,
            user_id: people["nick"].id,
            message_id: 0,
        });
        values.insert("forged_token".into(), forged);

        World {
            backend,
            cases,
            values,
            _folders: folders,
        }
    }

    /// The fixture letter of a case, or its number.
    async fn name_of(&self, case_id: i64) -> String {
        if let Some((letter, _)) = self.cases.iter().find(|(_, (id, _))| *id == case_id) {
            return letter.clone();
        }
        let number: i64 = sqlx::query_scalar("SELECT number FROM cases WHERE id = $1")
            .bind(case_id)
            .fetch_one(&self.backend.pool)
            .await
            .unwrap();
        format!("C-{number}")
    }
}

/// Message-IDs are kept with their angle brackets, as `reply_tokens::message_id`
/// makes them and as they go into `References`.
async fn record_message_id(
    pool: &PgPool,
    id: &str,
    case_id: i64,
    message: Option<i64>,
    direction: &str,
) {
    sqlx::query(
        "INSERT INTO mail_message_ids (message_id, case_id, case_message_id, direction)
         VALUES ($1, $2, $3, $4)",
    )
    .bind(id)
    .bind(case_id)
    .bind(message)
    .bind(direction)
    .execute(pool)
    .await
    .unwrap();
}

// --------------------------------------------------------------- the checker

/// What one message changed.
struct Outcome {
    state: String,
    new_cases: Vec<NewCase>,
    /// Public messages written on cases that existed before.
    replies: Vec<Reply>,
    /// The case of each attachment stored.
    attachments: Vec<i64>,
}

struct NewCase {
    id: i64,
    requester: String,
    organization: String,
    channel: String,
    description: String,
}

struct Reply {
    case_id: i64,
    author: String,
    body: String,
    quoted: String,
}

/// The highest ids before a message: what is above them is its doing.
async fn high_marks(pool: &PgPool) -> (i64, i64, i64) {
    sqlx::query_as(
        "SELECT (SELECT coalesce(max(id), 0) FROM cases),
                (SELECT coalesce(max(id), 0) FROM case_messages),
                (SELECT coalesce(max(id), 0) FROM case_attachments)",
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

async fn observe(pool: &PgPool, marks: (i64, i64, i64), inbound_id: i64) -> Outcome {
    let state = sqlx::query_scalar("SELECT state FROM inbound_mails WHERE id = $1")
        .bind(inbound_id)
        .fetch_one(pool)
        .await
        .unwrap();
    let new_cases = sqlx::query_as::<_, (i64, String, String, String, String)>(
        "SELECT c.id, u.email, o.name, c.channel, c.description
         FROM cases c JOIN users u ON u.id = c.requester_id
                      JOIN organizations o ON o.id = c.organization_id
         WHERE c.id > $1 ORDER BY c.id",
    )
    .bind(marks.0)
    .fetch_all(pool)
    .await
    .unwrap()
    .into_iter()
    .map(
        |(id, requester, organization, channel, description)| NewCase {
            id,
            requester,
            organization,
            channel,
            description,
        },
    )
    .collect();
    let replies = sqlx::query_as::<_, (i64, String, String, String)>(
        "SELECT m.case_id, u.email, m.body, m.quoted
         FROM case_messages m JOIN users u ON u.id = m.author_id
         WHERE m.id > $1 AND NOT m.internal AND m.case_id <= $2 ORDER BY m.id",
    )
    .bind(marks.1)
    .bind(marks.0)
    .fetch_all(pool)
    .await
    .unwrap()
    .into_iter()
    .map(|(case_id, author, body, quoted)| Reply {
        case_id,
        author,
        body,
        quoted,
    })
    .collect();
    let attachments = sqlx::query_scalar("SELECT case_id FROM case_attachments WHERE id > $1")
        .bind(marks.2)
        .fetch_all(pool)
        .await
        .unwrap();
    Outcome {
        state,
        new_cases,
        replies,
        attachments,
    }
}

/// The verdict on one message.
struct Verdict {
    /// Its `X-Test-Expect` held.
    threaded: bool,
    /// It got onto an existing case where it should not have.
    intruded: bool,
    problems: Vec<String>,
}

async fn check(world: &World, sample: &Sample, outcome: &Outcome) -> Verdict {
    let pool = &world.backend.pool;
    let mut got = String::new();
    for reply in &outcome.replies {
        got += &format!(
            "join {} by {}; ",
            world.name_of(reply.case_id).await,
            reply.author
        );
    }
    for case in &outcome.new_cases {
        got += &format!(
            "new {} by {} in {} (channel {}); ",
            world.name_of(case.id).await,
            case.requester,
            case.organization,
            case.channel
        );
    }
    got += &format!("state {}", outcome.state);

    let nothing = outcome.replies.is_empty() && outcome.new_cases.is_empty();
    let (threaded, case_id) = match &sample.expect {
        Expect::Join { case, by } => {
            let id = world.cases.get(case).map(|c| c.0);
            let ok = outcome.new_cases.is_empty()
                && outcome.replies.len() == 1
                && Some(outcome.replies[0].case_id) == id
                && outcome.replies[0].author.eq_ignore_ascii_case(by);
            (ok, id)
        }
        Expect::New { by, organization } => {
            let ok = outcome.replies.is_empty()
                && outcome.new_cases.len() == 1
                && outcome.new_cases[0].requester.eq_ignore_ascii_case(by)
                && outcome.new_cases[0].organization == *organization
                && outcome.new_cases[0].channel == "email";
            (ok, outcome.new_cases.first().map(|c| c.id))
        }
        Expect::Refused => (nothing && outcome.state == "refused", None),
        Expect::Ignored => (nothing && outcome.state == "ignored", None),
        Expect::Bounce(address) => {
            let marked: bool = sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM bouncing_addresses WHERE address = $1)",
            )
            .bind(address)
            .fetch_one(pool)
            .await
            .unwrap();
            if !marked {
                got += &format!(", {address} not marked bouncing");
            }
            (nothing && outcome.state == "ignored" && marked, None)
        }
    };
    let mut problems = Vec::new();
    let expected = described(&sample.expect);
    if !threaded {
        problems.push(format!("expected {expected}, got {got}"));
    }
    let intruded = outcome.replies.iter().any(|r| {
        !(threaded && matches!(sample.expect, Expect::Join { .. }) && Some(r.case_id) == case_id)
    });

    // The text: the reply's body, or the new case's description.
    let (text, quoted) = match (
        &sample.expect,
        outcome.replies.first(),
        outcome.new_cases.first(),
    ) {
        (Expect::Join { .. }, Some(reply), _) => {
            (Some(reply.body.as_str()), Some(reply.quoted.as_str()))
        }
        (Expect::New { .. }, _, Some(case)) => (Some(case.description.as_str()), None),
        _ => (None, None),
    };
    if threaded {
        let text = text.unwrap_or_default();
        for phrase in &sample.texts {
            let phrase = fill(phrase, &world.values);
            if !contains(text, &phrase) {
                problems.push(format!(
                    "expected the text to contain {phrase:?}, got {:?}",
                    clip(text)
                ));
            }
        }
        for phrase in &sample.quoted {
            let phrase = fill(phrase, &world.values);
            if contains(text, &phrase) {
                problems.push(format!(
                    "expected {phrase:?} cut off as quoted, got it in the text {:?}",
                    clip(text)
                ));
            } else if !quoted.is_some_and(|q| contains(q, &phrase)) {
                problems.push(format!(
                    "expected {phrase:?} in the quoted history, got {:?}",
                    clip(quoted.unwrap_or_default())
                ));
            }
        }
    }
    if let (true, Some(case_id)) = (threaded, case_id) {
        if !sample.followers.is_empty() {
            let followers: Vec<String> = sqlx::query_scalar(
                "SELECT lower(u.email) FROM case_followers f JOIN users u ON u.id = f.user_id
                 WHERE f.case_id = $1 ORDER BY 1",
            )
            .bind(case_id)
            .fetch_all(pool)
            .await
            .unwrap();
            for follower in &sample.followers {
                if !followers.contains(follower) {
                    problems.push(format!("expected follower {follower}, got {followers:?}"));
                }
            }
        }
        if let Some(count) = sample.attachments {
            let stored = outcome
                .attachments
                .iter()
                .filter(|c| **c == case_id)
                .count();
            if stored != count {
                problems.push(format!("expected {count} attachments, got {stored}"));
            }
        }
    }
    Verdict {
        threaded,
        intruded,
        problems,
    }
}

fn described(expect: &Expect) -> String {
    match expect {
        Expect::Join { case, by } => format!("join {case} by {by}"),
        Expect::New { by, organization } => format!("new by {by} in {organization}"),
        Expect::Refused => "refused".into(),
        Expect::Ignored => "ignored".into(),
        Expect::Bounce(address) => format!("bounce {address}"),
    }
}

fn clip(text: &str) -> String {
    let text = plain(text);
    match text.char_indices().nth(160) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text,
    }
}

// ----------------------------------------------------------------- the tests

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn every_corpus_message_does_what_it_states(pool: PgPool) {
    let samples = corpus();
    let world = World::build(pool.clone()).await;
    let mut mismatches = Vec::new();
    let (mut threaded, mut spoofs_in) = (0, 0);
    for sample in &samples {
        let raw = substitute(&sample.raw, &world.values)
            .unwrap_or_else(|e| panic!("{}: {e}", sample.name));
        let marks = high_marks(&pool).await;
        let receipt = match mail_in::receive(&world.backend, Source::Pipe, &raw).await {
            Ok(receipt) => receipt,
            Err(e) => {
                mismatches.push(format!("{}: receive failed: {e}", sample.name));
                continue;
            }
        };
        if !receipt.new {
            mismatches.push(format!(
                "{}: the same bytes as an earlier file",
                sample.name
            ));
            continue;
        }
        let outcome = observe(&pool, marks, receipt.inbound_id).await;
        let verdict = check(&world, sample, &outcome).await;
        threaded += usize::from(verdict.threaded);
        if verdict.intruded && sample.name.starts_with("spoof/") {
            spoofs_in += 1;
        }
        for problem in verdict.problems {
            mismatches.push(format!("{}: {problem}", sample.name));
        }
    }
    let total = samples.len();
    println!(
        "corpus: {total} messages, {threaded} threaded right ({:.1} %), spoofs accepted: {spoofs_in}",
        100.0 * threaded as f64 / total as f64
    );
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

/// Placeholder values of the right shape, for reading messages without a world.
fn sample_values() -> HashMap<String, String> {
    let keys = ReplyKeys::new([(1, b"thirty-two bytes of sample key!!".to_vec())]);
    let mut values = HashMap::new();
    for (n, letter) in ["A", "B", "C", "D"].into_iter().enumerate() {
        values.insert(format!("number:{letter}"), format!("C-{}", 1001 + n));
        values.insert(
            format!("inbound_id:{letter}"),
            format!("<CAJ{n}x7Qm@mail.gmail.com>"),
        );
    }
    for (n, (letter, who)) in OUR_MAILS.into_iter().enumerate() {
        let token = keys.sign(ReplyClaims {
            case_id: 1 + n as i64,
            user_id: 3,
            message_id: 9,
        });
        values.insert(
            format!("reply_to:{letter}:{who}"),
            reply_tokens::reply_address(OUR_ADDRESS, &token).unwrap(),
        );
        values.insert(
            format!("message_id:{letter}:{who}"),
            reply_tokens::message_id(&token, OUR_DOMAIN),
        );
    }
    values.insert(
        "forged_token".into(),
        keys.sign(ReplyClaims {
            case_id: 1,
            user_id: 1,
            message_id: 1,
        }),
    );
    values
}

#[test]
fn every_corpus_message_reads_as_written() {
    let samples = corpus();
    assert!(samples.len() >= 150, "only {} messages", samples.len());
    for kind in ["join", "new", "refused", "ignored", "bounce"] {
        assert!(
            samples.iter().any(|s| s.expect.kind() == kind),
            "no {kind} message"
        );
    }
    let values = sample_values();
    let mut problems = Vec::new();
    for sample in &samples {
        let raw =
            substitute(&sample.raw, &values).unwrap_or_else(|e| panic!("{}: {e}", sample.name));
        if raw.windows(7).any(|w| w.eq_ignore_ascii_case(b"x-test-")) {
            problems.push(format!("{}: an X-Test header is left in", sample.name));
        }
        let Some(message) = MessageParser::default().parse(&raw) else {
            problems.push(format!("{}: the parser cannot read it", sample.name));
            continue;
        };
        let from = message
            .from()
            .and_then(|f| f.first())
            .and_then(|a| a.address())
            .unwrap_or_default()
            .to_ascii_lowercase();
        if !from.contains('@') {
            problems.push(format!("{}: no From address", sample.name));
        }
        // A message may have no Subject at all; one it has must decode.
        if let Some(subject) = message.subject() {
            if subject.contains("=?") || subject.contains('\u{fffd}') {
                problems.push(format!("{}: subject {subject:?}", sample.name));
            }
        }
        match &sample.expect {
            Expect::Join { by, .. } | Expect::New { by, .. } if from != *by => {
                problems.push(format!(
                    "{}: From {from}, but the expectation names {by}",
                    sample.name
                ));
            }
            Expect::Bounce(address) => {
                let text = String::from_utf8_lossy(&raw).to_ascii_lowercase();
                if !text.contains(address) {
                    problems.push(format!(
                        "{}: the report does not name {address}",
                        sample.name
                    ));
                }
            }
            _ => {}
        }
        let body = message.body_text(0).unwrap_or_default();
        for phrase in sample.texts.iter().chain(&sample.quoted) {
            let phrase = fill(phrase, &values);
            if !contains(&body, &phrase) {
                problems.push(format!(
                    "{}: {phrase:?} is not in the body {:?}",
                    sample.name,
                    clip(&body)
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_corpus_reader_takes_out_test_headers_and_fills_placeholders() {
    let raw = b"X-Test-Expect: join A by Nick@Northwind.example\r\nX-Test-Text: hello\r\nX-Test-Followers: a@x.example, B@y.example\r\nFrom: nick@northwind.example\r\nTo: {{reply_to:A:nick}}\r\n\r\nX-Test-Text: in the body stays\r\n";
    let sample = Sample::parse("t.eml".into(), raw).unwrap();
    assert_eq!(
        sample.expect,
        Expect::Join {
            case: "A".into(),
            by: "nick@northwind.example".into()
        }
    );
    assert_eq!(sample.texts, ["hello"]);
    assert_eq!(sample.followers, ["a@x.example", "b@y.example"]);
    let values = HashMap::from([(
        "reply_to:A:nick".to_string(),
        "support+abc@rapport.example".to_string(),
    )]);
    assert_eq!(
        substitute(&sample.raw, &values).unwrap(),
        b"From: nick@northwind.example\r\nTo: support+abc@rapport.example\r\n\r\nX-Test-Text: in the body stays\r\n"
    );
    assert!(substitute(b"{{number:Z}}", &values).is_err());
    assert_eq!(
        Expect::parse("new by x@y.example in Unsorted")
            .unwrap()
            .kind(),
        "new"
    );
    assert!(Expect::parse("join A").is_err());
    assert!(Sample::parse("t.eml".into(), b"From: a@b\nX-Test-Expect: refused\n\n").is_err());
    assert_eq!(plain("> one\n>  two\u{a0}three\n"), "one two three");
}
