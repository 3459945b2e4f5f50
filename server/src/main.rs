//! `rapport`: the Rapport web server and its administration commands.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use anyhow::Context;
use app::web::AppState;
use clap::{Args, Parser, Subcommand};
use rapport_core::config::{self, MailTransport};
use rapport_core::limits::Limits;
use rapport_core::mail::Mailer;
use rapport_core::mail_in::imap::{self, ImapSettings};
use rapport_core::search_sync as sync;
use rapport_core::{accounts, Backend, Config};
use rapport_search::SearchIndex;
use rapport_types::Role;
use std::io::{IsTerminal, Read};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Parser)]
#[command(
    name = "rapport",
    version,
    about = "Rapport: a self-service customer support portal",
    long_about = "Rapport: a self-service customer support portal.\n\n\
        Without a command, `rapport` serves the web application (the same as `rapport serve`).\n\
        Every setting can also be given as an environment variable, shown in [env: ...]."
)]
struct Cli {
    /// PostgreSQL connection URL, for example postgres://rapport:secret@localhost/rapport
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    database_url: Option<String>,

    #[command(subcommand)]
    command: Option<Command>,

    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web application (the default). Applies pending migrations first.
    Serve(Box<ServeArgs>),
    /// Apply the database migrations that have not been applied yet, measure
    /// the cases that have no report figures yet, then exit.
    Migrate,
    /// Create an account. The password is read from standard input when it is not
    /// a terminal; otherwise a strong one is generated and printed.
    CreateUser(CreateUserArgs),
    /// Import the knowledge base and training material from a content folder
    /// (Markdown files with front matter; see content/README.md). Safe to run
    /// again: unchanged files change nothing, a changed file becomes a new
    /// revision. Nothing is imported when any file has a mistake.
    ImportContent(ImportContentArgs),
    /// Import products, orders, invoices and deliveries from the order system
    /// (a .csv or .json file). Nothing is written when any row is wrong.
    #[command(long_about = IMPORT_ORDERS_HELP)]
    ImportOrders(ImportOrdersArgs),
    /// Rebuild the knowledge search index from PostgreSQL, with a progress bar.
    /// Stop the server first, or give it another folder: one writer per index.
    Reindex(IndexArgs),
    /// Compare the knowledge search index with PostgreSQL and report what is
    /// missing or out of date (the server repairs drift by itself on start).
    CheckIndex(IndexArgs),
    /// Take in one e-mail from standard input, as a mail server's pipe delivers
    /// it, and turn it into a case or a reply.
    #[command(long_about = MAIL_IN_HELP)]
    MailIn(MailInArgs),
}

const MAIL_IN_HELP: &str = "\
Take in one e-mail (an RFC 5322 message) from standard input and turn it into
a case or a reply, exactly as mail from the watched mailbox is.

Use it as the delivery command of your support address in the mail server,
for example in Postfix's /etc/aliases:

    support: \"|/usr/local/bin/rapport mail-in\"

(with DATABASE_URL, RAPPORT_MAIL_FROM and RAPPORT_ATTACHMENTS_DIR set for the
mail server's user, the same as for `rapport serve`), or test it by hand:

    rapport mail-in < message.eml

Every message is stored first, whatever happens next. A reply to one of our
mails joins its case; a known customer's new mail opens a case; mail from
strangers is refused with one automatic answer a day (or kept in the
\"Unsorted\" organization, if the admin settings say so); auto-replies, mailing
lists and our own mail coming back are ignored; bounces mark the address as
bouncing. Admins see the messages that were refused, ignored or could not be
processed under Admin > Incoming mail, with the reason, and can try them again.

The command exits with 0 once the message is stored, also when it was refused
or ignored (the mail server must not send it back), and with 1, saying why,
when the database or the attachments folder cannot be reached (the mail server
then keeps the message and tries again later). The same message given twice
makes one case or reply.";

#[derive(Args)]
struct MailInArgs {
    /// Our support address, as a name and an address: mail from it coming back is
    /// ignored, and replies to it are recognised by their signed reply addresses.
    #[arg(
        long,
        env = "RAPPORT_MAIL_FROM",
        default_value = config::DEFAULT_MAIL_FROM,
        value_name = "ADDRESS"
    )]
    mail_from: String,
    /// The address people open Rapport at; links in automatic answers start with it.
    #[arg(
        long,
        env = "RAPPORT_PUBLIC_URL",
        default_value = "http://127.0.0.1:3000",
        value_name = "URL"
    )]
    public_url: String,
    /// Folder where the files attached to cases are kept: the server's.
    #[arg(
        long,
        env = "RAPPORT_ATTACHMENTS_DIR",
        default_value = "attachments",
        value_name = "FOLDER"
    )]
    attachments_dir: PathBuf,
    /// Change abuse limits, as for `rapport serve` (e.g. "new_case=50/1h").
    #[arg(long, env = "RAPPORT_LIMITS", default_value = "", value_name = "LIST",
          value_parser = parse_limits, hide_default_value = true)]
    limits: Limits,
}

#[derive(Args)]
struct IndexArgs {
    /// The folder of the search index (the same as the server's).
    #[arg(long, env = "RAPPORT_INDEX_DIR", default_value = config::DEFAULT_INDEX_DIR, value_name = "FOLDER")]
    index_dir: PathBuf,
}

#[derive(Args)]
struct ImportContentArgs {
    /// The content folder: categories.toml and Markdown files in sub-folders.
    #[arg(default_value = "content", value_name = "FOLDER")]
    folder: PathBuf,
}

const IMPORT_ORDERS_HELP: &str = "\
Import products, orders, invoices and deliveries exported by your order system,
so customers see them in Rapport and can open cases about them.

A .csv file holds one kind of record, recognised by its header row: products,
orders (one row per order line), invoices (one row per invoice line) or
deliveries (one row per product carried). Import a set of them in that order:
products, orders, invoices, deliveries. A .json file may hold all four kinds at
once. The section \"Importing orders, invoices and deliveries\" of the README
describes every column and field; server/samples/orders/ has an example of each.

Every row is checked first. When any row is wrong, nothing of the file is
written: every problem is listed with its line number and field, and the
command ends with an error. Records are matched by their number (products by
SKU), so importing the same file again changes nothing, and a record that
changed in the file is updated. The organizations and the customers' e-mails
the orders name must already exist in Rapport.

Use --dry-run to check a file and see what it would change, without writing
anything.";

#[derive(Args)]
struct ImportOrdersArgs {
    /// The .csv or .json file to import.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Check the file and report what importing it would change, but write nothing.
    #[arg(long)]
    dry_run: bool,
}

#[derive(Args, Clone)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "RAPPORT_ADDR", default_value = "127.0.0.1:3000")]
    addr: SocketAddr,
    /// Folder with the built site (its pkg/ holds the wasm, JavaScript and CSS).
    #[arg(long, env = "RAPPORT_SITE_ROOT", default_value = "target/site")]
    site_root: PathBuf,
    /// Mark the session cookie Secure. Set this when Rapport is served over https.
    #[arg(long, env = "RAPPORT_SECURE_COOKIES")]
    secure_cookies: bool,
    /// Take the client address from X-Forwarded-For. Only behind a proxy you trust.
    #[arg(long, env = "RAPPORT_TRUST_FORWARDED_FOR")]
    trust_forwarded_for: bool,
    /// Let webhooks reach loopback and private-network addresses, for
    /// receivers on your own network. Off: only public internet addresses.
    #[arg(long, env = "RAPPORT_WEBHOOKS_TO_PRIVATE_NETWORKS")]
    webhooks_to_private_networks: bool,
    /// Minutes without a request after which a session ends.
    #[arg(long, env = "RAPPORT_SESSION_IDLE_MINUTES", default_value_t = 480)]
    session_idle_minutes: u64,
    /// Hours after sign-in after which a session ends, however active.
    #[arg(long, env = "RAPPORT_SESSION_MAX_HOURS", default_value_t = 168)]
    session_max_hours: u64,
    /// Seconds a connection has to send a request's headers, from its opening or
    /// the end of its previous response. Slow senders and idle keep-alive
    /// connections are closed after it.
    #[arg(long, env = "RAPPORT_HEADER_TIMEOUT_SECONDS", default_value_t = config::DEFAULT_HEADER_TIMEOUT_SECONDS)]
    header_timeout_seconds: u64,
    /// Folder where the files attached to cases are kept (created when missing). It is
    /// part of the data: back it up with the database, and give every server process
    /// the same folder.
    #[arg(
        long,
        env = "RAPPORT_ATTACHMENTS_DIR",
        default_value = "attachments",
        value_name = "FOLDER"
    )]
    attachments_dir: PathBuf,
    /// Send e-mail through this SMTP server. With TLS: smtps://USER:PASSWORD@mail.example.com
    /// (port 465), or smtp://USER:PASSWORD@mail.example.com:587?tls=required (STARTTLS).
    /// A relay on this machine without a password: smtp://localhost:25. Special characters
    /// in the user or password must be percent-encoded (@ as %40).
    #[arg(
        long,
        env = "RAPPORT_SMTP_URL",
        hide_env_values = true,
        value_name = "URL"
    )]
    smtp_url: Option<String>,
    /// Instead of sending e-mail, write each one as an .eml file into this folder (for
    /// development and trials). Without this and without --smtp-url, e-mail is written
    /// into the folder mail-outbox.
    #[arg(long, env = "RAPPORT_MAIL_DIR", value_name = "FOLDER")]
    mail_dir: Option<PathBuf>,
    /// The sender of every e-mail, as a name and an address.
    #[arg(
        long,
        env = "RAPPORT_MAIL_FROM",
        default_value = config::DEFAULT_MAIL_FROM,
        value_name = "ADDRESS"
    )]
    mail_from: String,
    /// The address people open Rapport at, as they type it in a browser; links in
    /// e-mails start with it. Example: https://support.example.com
    #[arg(
        long,
        env = "RAPPORT_PUBLIC_URL",
        default_value = "http://127.0.0.1:3000",
        value_name = "URL"
    )]
    public_url: String,
    /// Folder of the knowledge search index. It is rebuilt from PostgreSQL when it is
    /// missing, damaged or out of date, so it needs no backup; each server process
    /// keeps its own.
    #[arg(long, env = "RAPPORT_INDEX_DIR", default_value = config::DEFAULT_INDEX_DIR, value_name = "FOLDER")]
    index_dir: PathBuf,
    /// Days after which a solved case closes by itself. Until then the customer can
    /// still reopen it.
    #[arg(long, env = "RAPPORT_AUTO_CLOSE_DAYS", default_value_t = 7,
          value_parser = clap::value_parser!(i32).range(1..=3650), value_name = "DAYS")]
    auto_close_days: i32,
    /// Change abuse limits: a comma-separated list of NAME=COUNT/PERIOD (PERIOD in s, m,
    /// h or d), e.g. "reply=100/10m,new_case=50/1h". Limits not named keep their
    /// default; the README lists them all. Over a limit, people get a 429 that says
    /// how long to wait.
    #[arg(long, env = "RAPPORT_LIMITS", default_value = "", value_name = "LIST",
          value_parser = parse_limits, hide_default_value = true)]
    limits: Limits,
    /// Take mail in from this IMAP mailbox, watched with IDLE (polled when the server
    /// lacks it): imaps://USER:PASSWORD@mail.example.com:993/INBOX. Plain imap:// only
    /// to this machine. Special characters in the user or password must be
    /// percent-encoded (@ as %40). Without it, no mailbox is read.
    #[arg(
        long,
        env = "RAPPORT_IMAP_URL",
        hide_env_values = true,
        value_name = "URL"
    )]
    imap_url: Option<String>,
    /// Move handled mail into this IMAP folder (created when missing). Without it,
    /// handled mail is marked as read and only unread mail is taken.
    #[arg(long, env = "RAPPORT_IMAP_PROCESSED_FOLDER", value_name = "FOLDER")]
    imap_processed_folder: Option<String>,
    /// Seconds between looks at the mailbox when the server has no IDLE; with IDLE,
    /// how often it is renewed (at most every 25 minutes). Default 60.
    #[arg(long, env = "RAPPORT_IMAP_POLL_SECONDS", value_name = "SECONDS")]
    imap_poll_seconds: Option<String>,
}

fn parse_limits(list: &str) -> Result<Limits, String> {
    Limits::parse(list)
}

#[derive(Args)]
struct CreateUserArgs {
    /// The person's e-mail address; they sign in with it.
    #[arg(long)]
    email: String,
    /// The name shown to others.
    #[arg(long)]
    name: String,
    /// One of: customer, customer_admin, agent, trainer, admin.
    #[arg(long)]
    role: String,
    /// For customers: the organization's name (created when it does not exist yet).
    #[arg(long)]
    organization: Option<String>,
}

impl ServeArgs {
    fn config(&self) -> anyhow::Result<Config> {
        let mail_transport = match (&self.smtp_url, &self.mail_dir) {
            (Some(_), Some(_)) => anyhow::bail!(
                "both RAPPORT_SMTP_URL (--smtp-url) and RAPPORT_MAIL_DIR (--mail-dir) are set: \
                 set the first to send e-mail, or the second to write it into a folder"
            ),
            (Some(url), None) => MailTransport::Smtp(url.clone()),
            (None, Some(dir)) => MailTransport::Folder(dir.clone()),
            (None, None) => MailTransport::Folder(PathBuf::from(config::DEFAULT_MAIL_DIR)),
        };
        let imap = match &self.imap_url {
            Some(url) => Some(
                ImapSettings::parse(
                    url,
                    self.imap_processed_folder.as_deref(),
                    self.imap_poll_seconds.as_deref(),
                )
                .map_err(|e| anyhow::anyhow!("{}: {e}", e.field().unwrap_or(imap::URL_VAR)))?,
            ),
            None if self.imap_processed_folder.is_some() || self.imap_poll_seconds.is_some() => {
                anyhow::bail!(
                    "{} or {} is set but {} is not: set the mailbox's address too",
                    imap::PROCESSED_FOLDER_VAR,
                    imap::POLL_SECONDS_VAR,
                    imap::URL_VAR
                )
            }
            None => None,
        };
        Ok(Config {
            addr: self.addr,
            site_root: self.site_root.clone(),
            secure_cookies: self.secure_cookies,
            trust_forwarded_for: self.trust_forwarded_for,
            webhooks_to_private_networks: self.webhooks_to_private_networks,
            session_idle: Duration::from_secs(self.session_idle_minutes * 60),
            session_max_age: Duration::from_secs(self.session_max_hours * 3600),
            attachments_dir: self.attachments_dir.clone(),
            mail_transport,
            mail_from: self.mail_from.clone(),
            public_url: public_url(&self.public_url)?,
            auto_close_days: self.auto_close_days,
            index_dir: self.index_dir.clone(),
            limits: self.limits.clone(),
            header_timeout: Duration::from_secs(self.header_timeout_seconds.max(1)),
            imap,
            ..Config::default()
        })
    }
}

/// An http(s) address with a host, without the trailing `/`, so links are
/// built as `{public_url}/cases/...`.
fn public_url(raw: &str) -> anyhow::Result<String> {
    let trimmed = raw.trim().trim_end_matches('/');
    let uri: http::Uri = trimmed.parse().map_err(|_| {
        anyhow::anyhow!(
            "RAPPORT_PUBLIC_URL: {raw:?} is not an address like https://support.example.com"
        )
    })?;
    let web = matches!(uri.scheme_str(), Some("http") | Some("https"));
    if !web || uri.host().is_none() {
        anyhow::bail!(
            "RAPPORT_PUBLIC_URL: {raw:?} must start with https:// or http:// and name a host, \
             like https://support.example.com"
        );
    }
    Ok(trimmed.to_string())
}

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("RAPPORT_LOG")
                .unwrap_or_else(|_| "info,sqlx=warn,tower_sessions=warn".into()),
        )
        .init();
    if let Err(err) = run(Cli::parse()).await {
        eprintln!("rapport: {err:#}");
        std::process::exit(1);
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let database_url = cli.database_url.context(
        "no database given: set DATABASE_URL (or --database-url), for example \
         postgres://rapport:secret@localhost/rapport. `cargo xtask run` starts one for you.",
    )?;
    let pool = server::connect(&database_url).await?;
    match cli.command {
        None => serve(pool, cli.serve).await,
        Some(Command::Serve(args)) => serve(pool, *args).await,
        Some(Command::Migrate) => {
            server::migrate(&pool).await?;
            println!("The database is up to date.");
            Ok(())
        }
        Some(Command::CreateUser(args)) => create_user(&pool, args).await,
        Some(Command::ImportContent(args)) => {
            server::migrate(&pool).await?;
            let report = rapport_core::content_import::import_dir(&pool, &args.folder)
                .await
                .with_context(|| format!("importing {}", args.folder.display()))?;
            println!("Imported {}: {report}.", args.folder.display());
            Ok(())
        }
        Some(Command::ImportOrders(args)) => import_orders(&pool, args).await,
        Some(Command::Reindex(args)) => reindex(&pool, &args.index_dir).await,
        Some(Command::CheckIndex(args)) => check_index(&pool, &args.index_dir).await,
        Some(Command::MailIn(args)) => mail_in(pool, args).await,
    }
}

/// `rapport mail-in`: one message from standard input into the pipeline.
async fn mail_in(pool: sqlx::PgPool, args: MailInArgs) -> anyhow::Result<()> {
    use rapport_core::mail_in::{self, Source, MAX_MESSAGE_BYTES};
    let mut raw = Vec::new();
    std::io::stdin()
        .take(MAX_MESSAGE_BYTES as u64 + 1)
        .read_to_end(&mut raw)
        .context("reading the message from standard input")?;
    if raw.is_empty() {
        anyhow::bail!(
            "no message on standard input: pipe one in, e.g. rapport mail-in < message.eml"
        );
    }
    let config = Config {
        mail_from: args.mail_from,
        public_url: public_url(&args.public_url)?,
        attachments_dir: args.attachments_dir,
        limits: args.limits,
        ..Config::default()
    };
    // Mail in never searches the knowledge base: an index in memory leaves
    // the server's own folder (one writer at a time) alone.
    let search = SearchIndex::in_ram().context("making a search index in memory")?;
    let backend = Backend::new(config, pool, search);
    let receipt = mail_in::receive(&backend, Source::Pipe, &raw)
        .await
        .map_err(|e| anyhow::anyhow!("{}", e.chain()))?;
    let (state, outcome) = mail_in::outcome(&backend, receipt.inbound_id)
        .await
        .map_err(|e| anyhow::anyhow!("{}", e.chain()))?;
    let again = if receipt.new {
        ""
    } else {
        " (it had come before)"
    };
    println!("Message #{} {state}{again}: {outcome}", receipt.inbound_id);
    Ok(())
}

async fn serve(pool: sqlx::PgPool, args: ServeArgs) -> anyhow::Result<()> {
    let config = args.config()?;
    // Check the mail settings now, so a mistake stops the start with its name.
    Mailer::from_config(&config).map_err(|e| match e.field() {
        Some(field) => anyhow::anyhow!("{field}: {e}"),
        None => anyhow::anyhow!("{}", e.chain()),
    })?;
    if args.smtp_url.is_none() && args.mail_dir.is_none() {
        tracing::warn!(
            "no mail server is configured: e-mail is written as files into {} instead of \
             being sent. Set RAPPORT_SMTP_URL (e.g. smtps://user:password@mail.example.com) \
             to send it, or RAPPORT_MAIL_DIR to choose the folder.",
            std::path::absolute(config::DEFAULT_MAIL_DIR)
                .unwrap_or_else(|_| PathBuf::from(config::DEFAULT_MAIL_DIR))
                .display()
        );
    }
    // Settings are checked before the database is touched: a typo changes nothing.
    server::migrate(&pool).await?;
    // A folder that cannot be created stops the start, rather than the first upload.
    std::fs::create_dir_all(&config.attachments_dir).with_context(|| {
        format!(
            "RAPPORT_ATTACHMENTS_DIR: could not create the attachments folder {}",
            config.attachments_dir.display()
        )
    })?;
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .with_context(|| {
            format!(
                "could not listen on {} (is another server running there?)",
                config.addr
            )
        })?;
    let search = sync::open_and_refresh(&pool, &config.index_dir)
        .await
        .with_context(|| {
            format!(
                "RAPPORT_INDEX_DIR: could not open the search index in {}",
                config.index_dir.display()
            )
        })?;
    let state = AppState::new(Backend::new(config.clone(), pool, search));
    tracing::info!("Rapport is serving on http://{}", listener.local_addr()?);
    server::serve(state, listener, shutdown_signal()).await?;
    tracing::info!("Rapport stopped");
    Ok(())
}

/// Ctrl-C or SIGTERM: stop accepting, finish the requests in flight.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
    tracing::info!("shutting down");
}

async fn create_user(pool: &sqlx::PgPool, args: CreateUserArgs) -> anyhow::Result<()> {
    let role = Role::parse(&args.role).with_context(|| {
        format!(
            "unknown role {:?}: use customer, customer_admin, agent, trainer or admin",
            args.role
        )
    })?;
    let stdin = std::io::stdin();
    let (password, generated) = if stdin.is_terminal() {
        (generate_password(), true)
    } else {
        let mut input = String::new();
        stdin
            .lock()
            .read_to_string(&mut input)
            .context("reading the password from standard input")?;
        (input.trim_end_matches(['\r', '\n']).to_string(), false)
    };
    let id = accounts::create_user(
        pool,
        &args.email,
        &args.name,
        role,
        args.organization.as_deref(),
        &password,
    )
    .await
    .map_err(|e| match e.field() {
        Some(field) => anyhow::anyhow!("{field}: {e}"),
        None => anyhow::anyhow!("{}", e.chain()),
    })?;
    println!(
        "Created {} {} (user {id}).",
        role.label().to_lowercase(),
        args.email.trim()
    );
    if generated {
        println!("Password: {password}");
        println!("Give it to the person; they can change it under Account.");
    }
    Ok(())
}

/// 20 characters from an alphabet without look-alikes (no 0/O, 1/l/I).
fn generate_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    (0..20)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

/// `rapport import-orders`: one CSV or JSON file from the order system.
async fn import_orders(pool: &sqlx::PgPool, args: ImportOrdersArgs) -> anyhow::Result<()> {
    use rapport_core::order_import;
    server::migrate(pool).await?;
    let shown = args.file.display();
    let file = order_import::read_file(&args.file).with_context(|| format!("importing {shown}"))?;
    // A bar on a terminal only: in a CI log it would be a line per update.
    let bar = if std::io::stdout().is_terminal() {
        indicatif::ProgressBar::new(file.record_count())
    } else {
        indicatif::ProgressBar::hidden()
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} records  {eta} left")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let progress = bar.clone();
    let imported =
        order_import::import_records(pool, &file, args.dry_run, move |n| progress.set_position(n))
            .await;
    bar.finish_and_clear();
    let summary = imported.with_context(|| format!("importing {shown}"))?;
    if args.dry_run {
        println!("Dry run: nothing was written. Importing {shown} would give:");
    } else {
        println!("Imported {shown}:");
    }
    println!("{summary}");
    Ok(())
}

/// `rapport reindex`: every live article from PostgreSQL into the index.
async fn reindex(pool: &sqlx::PgPool, dir: &std::path::Path) -> anyhow::Result<()> {
    server::migrate(pool).await?;
    let folder = dir.to_path_buf();
    let (index, _) = tokio::task::spawn_blocking(move || SearchIndex::open_or_create(&folder))
        .await?
        .with_context(|| format!("opening the search index in {}", dir.display()))?;
    let total = rapport_core::db::search_docs::count_live(pool)
        .await?
        .max(0) as u64;
    let bar = indicatif::ProgressBar::new(total);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{bar:40} {pos}/{len} articles  {per_sec}  {eta} left",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let started = std::time::Instant::now();
    let progress = bar.clone();
    let indexed = sync::rebuild_from_db(pool, &index, move |n| progress.set_position(n)).await?;
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "Indexed {indexed} articles in {seconds:.1} s ({:.0} articles/s) into {}.",
        indexed as f64 / seconds.max(0.001),
        dir.display()
    );
    Ok(())
}

/// `rapport check-index`: what the index lacks or holds out of date.
async fn check_index(pool: &sqlx::PgPool, dir: &std::path::Path) -> anyhow::Result<()> {
    if !dir.exists() {
        anyhow::bail!(
            "there is no search index in {}: `rapport reindex` builds one (the server does on start)",
            dir.display()
        );
    }
    let folder = dir.to_path_buf();
    let (index, opened) =
        tokio::task::spawn_blocking(move || SearchIndex::open_or_create(&folder)).await??;
    if let rapport_search::Opened::Recreated { reason } = opened {
        println!("The index could not be used and was emptied ({reason}); run `rapport reindex`.");
    }
    let drift = sync::check(pool, &index).await?;
    println!(
        "PostgreSQL has {} live articles, the index {}.\n\
         Missing from the index: {}\nIn the index but no longer live: {}\nChanged since indexed: {}",
        drift.in_db,
        drift.in_index,
        id_list(&drift.missing),
        id_list(&drift.stale),
        id_list(&drift.outdated)
    );
    if drift.is_clean() {
        Ok(())
    } else {
        anyhow::bail!("the search index is out of date: `rapport reindex` rebuilds it")
    }
}

/// Article ids for a report: the first twenty, and how many more.
fn id_list(ids: &[i64]) -> String {
    match ids.len() {
        0 => "none".to_string(),
        n => {
            let shown: Vec<String> = ids.iter().take(20).map(|id| id.to_string()).collect();
            let more = if n > 20 {
                format!(" and {} more", n - 20)
            } else {
                String::new()
            };
            format!("{n} (ids {}{more})", shown.join(", "))
        }
    }
}
