//! `rapport-demo bench-search` (`cargo xtask bench search` runs it against
//! a private PostgreSQL): knowledge search in the engine against PostgreSQL
//! full-text search, on the same generated articles.
//!
//! For each size it loads a generated corpus into the real tables, then
//! measures (a) the full reindex through `sync::rebuild_from_db`, (b) building
//! PostgreSQL's stored tsvector column and GIN index, (c) the same queries
//! (single word, two words, phrase, prefix, typo, no hit) in both, and
//! prints p50/p99 per class, index sizes and this process's memory.
//! Figures only: nothing here fails on a time.

use anyhow::Context;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rapport_core::search_sync as sync;
use rapport_search::SearchIndex;
use rapport_types::ArticleScope;
use rapport_types::{Audience, SearchRequest};
use sqlx::{PgConnection, PgPool};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[derive(clap::Args)]
pub struct BenchArgs {
    /// Corpus sizes, in articles.
    #[arg(long, value_delimiter = ',', default_value = "10000,100000")]
    sizes: Vec<usize>,
    /// Markdown files whose words join the vocabulary (the repository's content/).
    #[arg(long)]
    content_dir: Option<PathBuf>,
    /// Where the indexes are built (one folder per size, wiped first).
    #[arg(long)]
    index_dir: PathBuf,
    /// Queries per class.
    #[arg(long, default_value_t = 200)]
    queries: usize,
    /// The corpus and the queries depend only on this.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// PostgreSQL's time per query class at most (seconds); slower classes
    /// are measured on fewer queries.
    #[arg(long, default_value_t = 60)]
    pg_seconds_per_class: u64,
    /// Only the engine: no PostgreSQL full-text index or queries (for profiling).
    #[arg(long)]
    engine_only: bool,
    /// Run the engine's queries this many times (for profiling).
    #[arg(long, default_value_t = 1)]
    repeat: usize,
    /// Keep the data of an earlier run, and its index when the folder is
    /// still there (for profiling).
    #[arg(long)]
    reuse: bool,
    /// Only the query classes whose name starts with this (for profiling).
    #[arg(long)]
    only: Option<String>,
}

pub async fn run(pool: &PgPool, args: BenchArgs) -> anyhow::Result<()> {
    rapport_core::db::MIGRATOR
        .run(pool)
        .await
        .context("migrating the database")?;
    let vocabulary = Vocabulary::build(args.content_dir.as_deref(), args.seed);
    println!(
        "vocabulary: {} words ({} from content/), Zipf s={ZIPF_S}; seed {}",
        vocabulary.words.len(),
        vocabulary.from_content,
        args.seed
    );
    for &size in &args.sizes {
        println!("\n==> {size} articles");
        measure_size(pool, &args, &vocabulary, size).await?;
    }
    Ok(())
}

async fn measure_size(
    pool: &PgPool,
    args: &BenchArgs,
    vocabulary: &Vocabulary,
    size: usize,
) -> anyhow::Result<()> {
    let dir = args.index_dir.join(format!("{size}"));
    let (index, phrases, indexed, rebuild, merges) = if args.reuse {
        let phrases_needed = args
            .only
            .as_deref()
            .is_none_or(|only| Class::Phrase.name().starts_with(only));
        let phrases = (1..=if phrases_needed { size } else { 0 })
            .map(|id| article(vocabulary, args.seed, id).1)
            .filter(|p| !p.is_empty())
            .collect();
        // Without an index folder: rebuilt from the data already loaded.
        let (index, opened) = SearchIndex::open_or_create(&dir)?;
        if opened.is_empty_now() {
            let started = Instant::now();
            let count = sync::rebuild_from_db(pool, &index, |_| {}).await?;
            let rebuild = started.elapsed();
            let started = Instant::now();
            let merging = index.clone();
            tokio::task::spawn_blocking(move || merging.wait_for_merges()).await??;
            (index, phrases, count, rebuild, started.elapsed())
        } else {
            let count = index.doc_count();
            (index, phrases, count, Duration::ZERO, Duration::ZERO)
        }
    } else {
        let started = Instant::now();
        let phrases = load_corpus(pool, vocabulary, size, args.seed).await?;
        let live: i64 = rapport_core::db::search_docs::count_live(pool).await?;
        let (bytes,): (i64,) =
            sqlx::query_as("SELECT coalesce(sum(length(body)), 0)::bigint FROM article_revisions")
                .fetch_one(pool)
                .await?;
        println!(
            "loaded {size} articles ({live} live, {} MiB of Markdown) into PostgreSQL in {:.1} s (COPY), then VACUUM ANALYZE",
            bytes / (1 << 20),
            started.elapsed().as_secs_f64()
        );

        // (a) The engine's full reindex from PostgreSQL.
        let _ = std::fs::remove_dir_all(&dir);
        let (index, _) = SearchIndex::open_or_create(&dir)?;
        let started = Instant::now();
        let indexed = sync::rebuild_from_db(pool, &index, |_| {}).await?;
        let rebuild = started.elapsed();
        let started = Instant::now();
        let merging = index.clone();
        tokio::task::spawn_blocking(move || merging.wait_for_merges()).await??;
        (index, phrases, indexed, rebuild, started.elapsed())
    };

    // (b) PostgreSQL: a stored tsvector column and a GIN index on it.
    let started = Instant::now();
    if !args.engine_only && !args.reuse {
        build_postgres_fts(pool).await?;
    }
    let pg_build = started.elapsed();
    if !args.engine_only && !args.reuse {
        // Not timed: what autovacuum would do after such a rewrite.
        sqlx::raw_sql("VACUUM ANALYZE article_revisions")
            .execute(pool)
            .await?;
    }

    println!("\nfull reindex                          articles    seconds   articles/s");
    println!(
        "tantivy (sync::rebuild_from_db)       {indexed:>8} {:>10.1} {:>12.0}",
        rebuild.as_secs_f64(),
        indexed as f64 / rebuild.as_secs_f64()
    );
    println!(
        "  then background segment merges               {:>10.1}",
        merges.as_secs_f64()
    );
    println!(
        "PostgreSQL tsvector column + GIN      {size:>8} {:>10.1} {:>12.0}",
        pg_build.as_secs_f64(),
        size as f64 / pg_build.as_secs_f64()
    );

    // (c) The same queries in both.
    let queries = QuerySet::generate(vocabulary, &phrases, args.queries, args.seed ^ size as u64);
    let scope = ArticleScope {
        audiences: vec![Audience::Public, Audience::Customers],
        organization_id: Some(1),
        staff: false,
    };
    let mut conn = pool.acquire().await?;
    println!(
        "\nqueries (customer scope, top 10)   tantivy p50    p99 |  PostgreSQL p50      p99   (n) | PG/tantivy p50"
    );
    let mut all_engine = Vec::new();
    let mut all_pg = Vec::new();
    for (class, texts) in &queries.classes {
        if args
            .only
            .as_deref()
            .is_some_and(|only| !class.name().starts_with(only))
        {
            continue;
        }
        let mut engine = Vec::new();
        for _ in 0..args.repeat.max(1) {
            engine.extend(time_engine(&index, texts, &scope)?);
        }
        let pg = if args.engine_only {
            Vec::new()
        } else {
            time_postgres(
                &mut conn,
                class,
                texts,
                Duration::from_secs(args.pg_seconds_per_class),
            )
            .await?
        };
        let (e50, e99) = percentiles(&engine);
        let (p50, p99) = percentiles(&pg);
        all_engine.extend(&engine);
        all_pg.extend(&pg);
        println!(
            "{:<28} {:>12} {:>8} | {:>14} {:>8} {:>5} | {:>8.0}x",
            class.name(),
            show(e50),
            show(e99),
            show(p50),
            show(p99),
            pg.len(),
            p50.as_secs_f64() / e50.as_secs_f64().max(1e-9)
        );
    }
    let (e50, e99) = percentiles(&all_engine);
    let (p50, p99) = percentiles(&all_pg);
    println!(
        "{:<28} {:>12} {:>8} | {:>14} {:>8} {:>5} | {:>8.0}x",
        "all classes together",
        show(e50),
        show(e99),
        show(p50),
        show(p99),
        all_pg.len(),
        p50.as_secs_f64() / e50.as_secs_f64().max(1e-9)
    );
    let avg_hits = queries
        .classes
        .iter()
        .map(|(class, texts)| {
            let total: u64 = texts
                .iter()
                .take(20)
                .filter_map(|t| index.search(&SearchRequest::new(t.clone()), &scope).ok())
                .map(|r| r.total)
                .sum();
            format!("{} {}", class.name(), total / 20)
        })
        .collect::<Vec<_>>()
        .join(", ");
    println!("tantivy matches per query (mean of 20): {avg_hits}");
    println!(
        "(PostgreSQL FTS has no typo tolerance: its typo queries find only what the misspelling itself matches.)"
    );

    let memory = Memory::now();
    println!(
        "memory of this process with the {size}-article index open: {} MiB resident ({} MiB anonymous, {} MiB mapped files)",
        memory.rss_kib >> 10,
        memory.anon_kib >> 10,
        memory.file_kib >> 10
    );
    if args.engine_only {
        println!(
            "tantivy folder: {} MiB",
            SearchIndex::size_on_disk(&dir) >> 20
        );
        return Ok(());
    }
    let (table, gin, tsvector): (i64, i64, i64) = sqlx::query_as(
        "SELECT pg_total_relation_size('article_revisions'),
                pg_relation_size('article_revisions_fts_idx'),
                (SELECT coalesce(sum(pg_column_size(fts)), 0)::bigint FROM article_revisions)",
    )
    .fetch_one(pool)
    .await?;
    println!("\nindex size on disk");
    println!(
        "tantivy folder (stored text included)          {:>8} MiB",
        SearchIndex::size_on_disk(&dir) >> 20
    );
    println!(
        "PostgreSQL article_revisions, all of it        {:>8} MiB",
        table >> 20
    );
    println!(
        "  of which the GIN index                       {:>8} MiB",
        gin >> 20
    );
    println!(
        "  of which the tsvector column                 {:>8} MiB",
        tsvector >> 20
    );
    Ok(())
}

fn show(d: Duration) -> String {
    let micros = d.as_micros();
    if micros < 10_000 {
        format!("{:.2} ms", d.as_secs_f64() * 1e3)
    } else {
        format!("{:.0} ms", d.as_secs_f64() * 1e3)
    }
}

fn percentiles(samples: &[Duration]) -> (Duration, Duration) {
    if samples.is_empty() {
        return (Duration::ZERO, Duration::ZERO);
    }
    let mut sorted = samples.to_vec();
    sorted.sort();
    let at = |p: usize| sorted[(sorted.len() * p / 100).min(sorted.len() - 1)];
    (at(50), at(99))
}

/// Every query once to warm the caches, then each timed three times; its
/// median counts (one preemption by another process on a 2-core machine
/// would otherwise decide the p99 of 200 queries).
fn time_engine(
    index: &SearchIndex,
    texts: &[String],
    scope: &ArticleScope,
) -> anyhow::Result<Vec<Duration>> {
    for text in texts {
        index.search(&SearchRequest::new(text.clone()), scope)?;
    }
    let mut out = Vec::with_capacity(texts.len());
    for text in texts {
        let request = SearchRequest::new(text.clone());
        let mut runs = [Duration::ZERO; 3];
        for run in &mut runs {
            let started = Instant::now();
            let results = index.search(&request, scope)?;
            *run = started.elapsed();
            std::hint::black_box(results);
        }
        runs.sort();
        out.push(runs[1]);
    }
    Ok(out)
}

/// The search page's query in PostgreSQL: the same live/audience/organization
/// filter, `ts_rank_cd`, top 10. Twenty queries warm up, then each is timed
/// three times (the median counts), within `budget`.
async fn time_postgres(
    conn: &mut PgConnection,
    class: &Class,
    texts: &[String],
    budget: Duration,
) -> anyhow::Result<Vec<Duration>> {
    let parse = match class {
        Class::Prefix => "to_tsquery('english', $1)",
        _ => "websearch_to_tsquery('english', $1)",
    };
    let sql = format!(
        "SELECT a.id, ts_rank_cd(r.fts, q) AS rank
         FROM {parse} AS q, article_revisions r
         JOIN articles a ON a.published_revision_id = r.id
         WHERE r.fts @@ q AND a.state <> 'archived'
           AND r.audience = ANY($2) AND (a.organization_id IS NULL OR a.organization_id = $3)
         ORDER BY rank DESC LIMIT 10"
    );
    let audiences = vec!["public".to_string(), "customers".to_string()];
    let run = |text: String| {
        let pg_text = match class {
            Class::Prefix => format!("{}:*", text.trim_end_matches('*')),
            _ => text,
        };
        sqlx::query(&sql)
            .bind(pg_text)
            .bind(audiences.clone())
            .bind(1i64)
    };
    for text in texts.iter().take(20) {
        run(text.clone()).fetch_all(&mut *conn).await?;
    }
    let started_all = Instant::now();
    let mut out = Vec::with_capacity(texts.len());
    for text in texts {
        if started_all.elapsed() > budget {
            break;
        }
        let mut runs = [Duration::ZERO; 3];
        for run_time in &mut runs {
            let started = Instant::now();
            let rows = run(text.clone()).fetch_all(&mut *conn).await?;
            *run_time = started.elapsed();
            std::hint::black_box(rows);
        }
        runs.sort();
        out.push(runs[1]);
    }
    Ok(out)
}

/// The FTS column as a migration would add it: generated and stored (the
/// tags through an immutable wrapper, as `array_to_string` is only stable),
/// then a GIN index.
async fn build_postgres_fts(pool: &PgPool) -> anyhow::Result<()> {
    sqlx::raw_sql(
        "CREATE OR REPLACE FUNCTION bench_tags_text(text[]) RETURNS text
             LANGUAGE sql IMMUTABLE AS $$ SELECT array_to_string($1, ' ') $$;
         ALTER TABLE article_revisions ADD COLUMN fts tsvector GENERATED ALWAYS AS (
             setweight(to_tsvector('english', title), 'A') ||
             setweight(to_tsvector('english', bench_tags_text(tags)), 'B') ||
             setweight(to_tsvector('english', summary), 'C') ||
             setweight(to_tsvector('english', body), 'D')) STORED;
         CREATE INDEX article_revisions_fts_idx ON article_revisions USING gin (fts);
         ANALYZE article_revisions;",
    )
    .execute(pool)
    .await
    .context("building the PostgreSQL full-text index")?;
    Ok(())
}

struct Memory {
    rss_kib: u64,
    anon_kib: u64,
    file_kib: u64,
}

impl Memory {
    fn now() -> Memory {
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
        };
        Memory {
            rss_kib: field("VmRSS:"),
            anon_kib: field("RssAnon:"),
            file_kib: field("RssFile:"),
        }
    }
}

// ---------------------------------------------------------------- the corpus

/// Zipf exponent of word frequencies (about 1 in natural language).
const ZIPF_S: f64 = 1.0;
/// Words in the vocabulary, the generated long tail included.
const VOCABULARY_SIZE: usize = 40_000;

/// The most common English words, most common first: the head of the Zipf curve.
const COMMON: &[&str] = &[
    "the", "to", "and", "a", "of", "in", "is", "you", "for", "your", "it", "on", "that", "with",
    "this", "be", "can", "are", "as", "or", "if", "from", "at", "by", "an", "not", "when", "will",
    "have", "then", "we", "our", "all", "more", "use", "one", "which", "new", "after", "before",
    "into", "also", "only", "each", "other", "than", "any", "how", "what", "there",
];

/// Support and training vocabulary: the words articles are about.
const DOMAIN: &str =
    "account password reset sign login email address invoice payment order delivery \
    shipment tracking refund credit card billing subscription plan upgrade downgrade cancel renew \
    customer support case ticket agent reply priority status open pending solved closed queue \
    report export import csv file upload attachment download printer label scanner driver device \
    laptop browser chrome firefox safari cache cookie session timeout error message warning \
    network connection proxy firewall server database backup restore update install configure \
    configuration settings profile team member invite role permission admin organization user \
    workshop training course module lesson exam certificate calendar schedule registration \
    waitlist attendance trainer manual guide tutorial video recording slides handout question \
    answer article knowledge search filter category tag template workflow automation rule \
    notification reminder deadline escalation response resolution satisfaction rating survey \
    feedback integration api key token webhook endpoint request limit quota storage space \
    folder document signature approval review contract renewal discount coupon tax rate vat \
    currency receipt statement balance overdue reminder dunning warehouse stock inventory product \
    catalog price quote shipping carrier parcel address postcode country language timezone \
    holiday business hours mobile app android iphone tablet notification push desktop windows \
    macos linux keyboard shortcut screen display monitor resolution font color theme dark mode \
    accessibility audit log history change version release patch bug issue crash freeze slow \
    performance memory disk cpu battery charge power cable adapter wifi bluetooth usb port \
    firmware hardware software license seat activation migration sync duplicate merge split \
    archive delete recover trash retention privacy gdpr consent security encryption twofactor \
    authenticator code verification phone sms backup codes recovery lockout unlock disabled";

struct Vocabulary {
    words: Vec<String>,
    /// Cumulative Zipf weights, for sampling by rank.
    cumulative: Vec<f64>,
    /// Ranks below this are the COMMON words (not used as search terms).
    common: usize,
    from_content: usize,
    known: HashSet<String>,
}

impl Vocabulary {
    /// COMMON, then the domain words and content/'s words, then a generated
    /// long tail of word-like strings up to VOCABULARY_SIZE.
    fn build(content_dir: Option<&Path>, seed: u64) -> Vocabulary {
        let mut words: Vec<String> = Vec::new();
        let mut known: HashSet<String> = HashSet::new();
        let mut add = |w: &str, words: &mut Vec<String>| {
            if w.len() >= 2 && w.len() <= 20 && known.insert(w.to_string()) {
                words.push(w.to_string());
            }
        };
        for w in COMMON {
            add(w, &mut words);
        }
        for w in DOMAIN.split_whitespace() {
            add(w, &mut words);
        }
        let before = words.len();
        if let Some(dir) = content_dir {
            for text in markdown_files(dir) {
                for w in text
                    .split(|c: char| !c.is_ascii_alphabetic())
                    .map(str::to_ascii_lowercase)
                {
                    add(&w, &mut words);
                }
            }
        }
        let from_content = words.len() - before;
        // Long tail: syllables strung together, like rare product and place names.
        const ONSETS: &[&str] = &[
            "b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "br",
            "ch", "cl", "dr", "fl", "gr", "pl", "pr", "sh", "sl", "st", "str", "th", "tr",
        ];
        const NUCLEI: &[&str] = &["a", "e", "i", "o", "u", "ai", "ea", "ee", "io", "ou"];
        const CODAS: &[&str] = &["", "", "n", "r", "s", "t", "l", "nd", "ng", "rt", "st", "x"];
        let mut rng = StdRng::seed_from_u64(seed);
        while words.len() < VOCABULARY_SIZE {
            let syllables = rng.gen_range(2..=4);
            let mut w = String::new();
            for _ in 0..syllables {
                w.push_str(ONSETS[rng.gen_range(0..ONSETS.len())]);
                w.push_str(NUCLEI[rng.gen_range(0..NUCLEI.len())]);
                w.push_str(CODAS[rng.gen_range(0..CODAS.len())]);
            }
            add(&w, &mut words);
        }
        let mut total = 0.0;
        let cumulative = (1..=words.len())
            .map(|rank| {
                total += 1.0 / (rank as f64).powf(ZIPF_S);
                total
            })
            .collect();
        let known = words.iter().cloned().collect();
        Vocabulary {
            words,
            cumulative,
            common: COMMON.len(),
            from_content,
            known,
        }
    }

    fn rank(&self, rng: &mut StdRng) -> usize {
        let total = *self.cumulative.last().unwrap_or(&1.0);
        let target = rng.gen::<f64>() * total;
        self.cumulative
            .partition_point(|&c| c < target)
            .min(self.words.len() - 1)
    }

    fn word(&self, rng: &mut StdRng) -> &str {
        &self.words[self.rank(rng)]
    }

    /// A word a reader might search for: Zipf-distributed, not a COMMON one.
    fn search_word(&self, rng: &mut StdRng) -> &str {
        loop {
            let rank = self.rank(rng);
            if rank >= self.common {
                return &self.words[rank];
            }
        }
    }
}

fn markdown_files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(markdown_files(&path));
        } else if path.extension().is_some_and(|e| e == "md") {
            if let Ok(text) = std::fs::read_to_string(&path) {
                out.push(text);
            }
        }
    }
    out
}

/// Six top-level categories with three subcategories each.
const CATEGORIES: &[(&str, &[&str])] = &[
    ("getting-started", &["first-steps", "accounts", "cases"]),
    ("billing", &["invoices", "payments", "taxes"]),
    ("orders", &["delivery", "returns", "tracking"]),
    ("devices", &["printers", "scanners", "laptops"]),
    ("security", &["passwords", "two-factor", "privacy"]),
    ("training", &["workshops", "courses", "certificates"]),
];

/// One generated article's Markdown and fields.
struct Article {
    title: String,
    summary: String,
    body: String,
    tags: Vec<String>,
}

/// Between `words.start()` and `words.end()` words, Zipf-distributed.
fn sentence(
    vocabulary: &Vocabulary,
    rng: &mut StdRng,
    words: std::ops::RangeInclusive<usize>,
) -> Vec<String> {
    let count = rng.gen_range(words);
    (0..count)
        .map(|_| vocabulary.word(rng).to_string())
        .collect()
}

fn capitalised(words: &[String]) -> String {
    let text = words.join(" ");
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => text,
    }
}

/// `text` cut to at most `max` bytes at a word end.
fn cut(mut text: String, max: usize) -> String {
    if text.len() > max {
        let end = text[..max].rfind(' ').unwrap_or(max);
        text.truncate(end);
    }
    text
}

/// Article `id`, the same for a seed whatever the order of generation.
/// Returns it and, now and then, a two-word phrase from its body.
fn article(vocabulary: &Vocabulary, seed: u64, id: usize) -> (Article, Vec<String>) {
    let mut rng = StdRng::seed_from_u64(seed.wrapping_mul(1_000_003).wrapping_add(id as u64));
    let title_words: Vec<String> = (0..rng.gen_range(4..=10))
        .map(|_| vocabulary.word(&mut rng).to_string())
        .collect();
    // About 25 words, within the column's 300 characters.
    let summary = cut(capitalised(&sentence(vocabulary, &mut rng, 20..=30)), 299) + ".";
    let target = rng.gen_range(150..=800);
    let mut body = String::with_capacity(target * 8);
    let mut body_words: Vec<String> = Vec::with_capacity(target);
    while body_words.len() < target {
        match rng.gen_range(0..10) {
            0 => {
                let heading = sentence(vocabulary, &mut rng, 2..=5);
                body.push_str(&format!("## {}\n\n", capitalised(&heading)));
                body_words.extend(heading);
            }
            1 => {
                for _ in 0..3 {
                    let item = sentence(vocabulary, &mut rng, 3..=8);
                    body.push_str(&format!("- {}\n", capitalised(&item)));
                    body_words.extend(item);
                }
                body.push('\n');
            }
            _ => {
                for _ in 0..rng.gen_range(3..=6) {
                    let mut words = sentence(vocabulary, &mut rng, 8..=20);
                    body_words.extend(words.iter().cloned());
                    if rng.gen_range(0..5) == 0 {
                        let at = rng.gen_range(0..words.len());
                        words[at] = format!("`{}`", words[at]);
                    }
                    body.push_str(&capitalised(&words));
                    body.push_str(". ");
                }
                body.push_str("\n\n");
            }
        }
    }
    let tags = (0..rng.gen_range(1..=4))
        .map(|_| vocabulary.search_word(&mut rng).to_string())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut phrase = Vec::new();
    if rng.gen_range(0..20) == 0 {
        let at = rng.gen_range(0..body_words.len() - 1);
        let pair = &body_words[at..at + 2];
        // Not two COMMON words: that is not a phrase anyone searches.
        if pair.iter().any(|w| !COMMON.contains(&w.as_str())) {
            phrase = pair.to_vec();
        }
    }
    (
        Article {
            title: cut(capitalised(&title_words), 200),
            summary,
            body,
            tags,
        },
        phrase,
    )
}

/// Escape a value for COPY's text format.
fn copy_text(out: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
}

/// Replace the knowledge base with `size` generated articles: 94 % published,
/// 3 % archived, 3 % drafts; 60 % public, 30 % customers, 10 % internal; 5 %
/// for one of five organizations; 30 % training material. Returns phrases
/// seen in bodies.
async fn load_corpus(
    pool: &PgPool,
    vocabulary: &Vocabulary,
    size: usize,
    seed: u64,
) -> anyhow::Result<Vec<Vec<String>>> {
    sqlx::raw_sql(
        "ALTER TABLE article_revisions DROP COLUMN IF EXISTS fts;
         DROP FUNCTION IF EXISTS bench_tags_text(text[]);
         TRUNCATE article_revisions, articles, article_categories RESTART IDENTITY CASCADE;
         INSERT INTO organizations (name)
             SELECT 'Bench organization ' || g FROM generate_series(1, 5) g
             WHERE (SELECT count(*) FROM organizations) = 0;",
    )
    .execute(pool)
    .await?;
    let mut leaves: Vec<i64> = Vec::new();
    for (root, children) in CATEGORIES {
        let root_id: i64 = sqlx::query_scalar(
            "INSERT INTO article_categories (slug, name) VALUES ($1, $1) RETURNING id",
        )
        .bind(root)
        .fetch_one(pool)
        .await?;
        leaves.push(root_id);
        for child in *children {
            leaves.push(
                sqlx::query_scalar(
                    "INSERT INTO article_categories (parent_id, slug, name) VALUES ($1, $2, $2) RETURNING id",
                )
                .bind(root_id)
                .bind(child)
                .fetch_one(pool)
                .await?,
            );
        }
    }
    let organizations: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM organizations ORDER BY id LIMIT 5")
            .fetch_all(pool)
            .await?;

    let mut conn = pool.acquire().await?;
    // Articles first (without their revision), then the revisions, then link them.
    let mut articles = conn
        .copy_in_raw("COPY articles (id, slug, state, organization_id) FROM STDIN")
        .await?;
    let mut buffer = String::new();
    let mut meta = StdRng::seed_from_u64(seed ^ 0x5eed);
    for id in 1..=size {
        let state = match meta.gen_range(0..100) {
            0..=2 => "archived",
            3..=5 => "draft",
            _ => "published",
        };
        let organization = if meta.gen_range(0..20) == 0 {
            organizations[meta.gen_range(0..organizations.len())].to_string()
        } else {
            "\\N".to_string()
        };
        buffer.push_str(&format!("{id}\tarticle-{id}\t{state}\t{organization}\n"));
        if buffer.len() > 1 << 20 {
            articles
                .send(std::mem::take(&mut buffer).into_bytes())
                .await?;
        }
    }
    articles.send(buffer.into_bytes()).await?;
    articles.finish().await?;

    let mut revisions = conn
        .copy_in_raw(
            "COPY article_revisions (id, article_id, number, kind, title, summary, body, category_id, tags, audience) FROM STDIN",
        )
        .await?;
    let mut buffer = String::new();
    let mut phrases = Vec::new();
    let mut meta = StdRng::seed_from_u64(seed ^ 0xa11ce);
    for id in 1..=size {
        let (article, phrase) = article(vocabulary, seed, id);
        if !phrase.is_empty() {
            phrases.push(phrase);
        }
        let kind = if meta.gen_range(0..10) < 3 {
            "training"
        } else {
            "knowledge"
        };
        let audience = match meta.gen_range(0..10) {
            0..=5 => "public",
            6..=8 => "customers",
            _ => "internal",
        };
        let category = leaves[meta.gen_range(0..leaves.len())];
        buffer.push_str(&format!("{id}\t{id}\t1\t{kind}\t"));
        copy_text(&mut buffer, &article.title);
        buffer.push('\t');
        copy_text(&mut buffer, &article.summary);
        buffer.push('\t');
        copy_text(&mut buffer, &article.body);
        buffer.push_str(&format!(
            "\t{category}\t{{{}}}\t{audience}\n",
            article.tags.join(",")
        ));
        if buffer.len() > 1 << 20 {
            revisions
                .send(std::mem::take(&mut buffer).into_bytes())
                .await?;
        }
    }
    revisions.send(buffer.into_bytes()).await?;
    revisions.finish().await?;
    drop(conn);

    sqlx::raw_sql(
        "UPDATE articles SET latest_revision_id = id,
             published_revision_id = CASE WHEN state <> 'draft' THEN id END,
             published_at = CASE WHEN state <> 'draft' THEN now() END;
         SELECT setval('articles_id_seq', (SELECT max(id) FROM articles));
         SELECT setval('article_revisions_id_seq', (SELECT max(id) FROM article_revisions));",
    )
    .execute(pool)
    .await?;
    // On its own: VACUUM cannot run in the implicit transaction of several statements.
    sqlx::raw_sql("VACUUM ANALYZE articles, article_revisions")
        .execute(pool)
        .await?;
    Ok(phrases)
}

// ---------------------------------------------------------------- the queries

enum Class {
    SingleWord,
    TwoWords,
    Phrase,
    Prefix,
    Typo,
    NoHit,
}

impl Class {
    fn name(&self) -> &'static str {
        match self {
            Class::SingleWord => "single word",
            Class::TwoWords => "two words",
            Class::Phrase => "phrase",
            Class::Prefix => "prefix (word*)",
            Class::Typo => "typo",
            Class::NoHit => "no hit",
        }
    }
}

struct QuerySet {
    classes: Vec<(Class, Vec<String>)>,
}

impl QuerySet {
    fn generate(vocabulary: &Vocabulary, phrases: &[Vec<String>], n: usize, seed: u64) -> QuerySet {
        let mut rng = StdRng::seed_from_u64(seed);
        let single = (0..n)
            .map(|_| vocabulary.search_word(&mut rng).to_string())
            .collect();
        let two = (0..n)
            .map(|_| {
                format!(
                    "{} {}",
                    vocabulary.search_word(&mut rng),
                    vocabulary.search_word(&mut rng)
                )
            })
            .collect();
        let phrase = (0..n)
            .map(|i| match phrases.get(i % phrases.len().max(1)) {
                Some(words) => format!("\"{}\"", words.join(" ")),
                None => format!("\"{}\"", vocabulary.search_word(&mut rng)),
            })
            .collect();
        let long_word = |rng: &mut StdRng| loop {
            let w = vocabulary.search_word(rng);
            if w.len() >= 5 {
                return w.to_string();
            }
        };
        let prefix = (0..n)
            .map(|_| {
                let w = long_word(&mut rng);
                let keep = rng.gen_range(3..=4);
                format!("{}*", &w[..keep])
            })
            .collect();
        let typo = (0..n)
            .map(|_| loop {
                let w = long_word(&mut rng);
                let t = misspell(&w, &mut rng);
                if !vocabulary.known.contains(&t) {
                    break t;
                }
            })
            .collect();
        let no_hit = (0..n)
            .map(|_| loop {
                let len = rng.gen_range(6..=9);
                let w: String = (0..len)
                    .map(|_| char::from(b"qxzjvkwy"[rng.gen_range(0..8)]))
                    .collect();
                if !vocabulary.known.contains(&w) {
                    break w;
                }
            })
            .collect();
        QuerySet {
            classes: vec![
                (Class::SingleWord, single),
                (Class::TwoWords, two),
                (Class::Phrase, phrase),
                (Class::Prefix, prefix),
                (Class::Typo, typo),
                (Class::NoHit, no_hit),
            ],
        }
    }
}

/// One typing mistake: a letter swapped with the next, dropped, doubled or replaced.
fn misspell(word: &str, rng: &mut StdRng) -> String {
    let mut chars: Vec<char> = word.chars().collect();
    let at = rng.gen_range(1..chars.len() - 1);
    match rng.gen_range(0..4) {
        0 => chars.swap(at, at + 1),
        1 => {
            chars.remove(at);
        }
        2 => chars.insert(at, chars[at]),
        _ => chars[at] = char::from(b"aeioustrn"[rng.gen_range(0..9)]),
    }
    chars.into_iter().collect()
}
