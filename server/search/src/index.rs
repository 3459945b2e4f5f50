//! [`SearchIndex`]: the index folder, its single writer and long-lived
//! reader, and the searches.
//!
//! One writer per process, behind a mutex: `apply` and `rebuild` are
//! blocking (callers run them with `spawn_blocking`), each ends with one
//! commit and a reload of the reader, so a search sees a change as soon as
//! `apply` returns. Searches take a fresh searcher from the reader and never
//! wait for the writer.

use super::document::SearchDoc;
use super::facets::{self, KeyCollector};
use super::query::{self, Clause, Plan, Targets, WordKind, NOTICE_SOME_WORDS};
use super::schema::{self, build_schema, Fields};
use super::snippet::{self, Matcher};
use super::vocabulary::IndexVocabulary;
use super::{filter, IndexChange, SearchError, SCHEMA_VERSION};
use rapport_types::ArticleScope;
use rapport_types::{ArticleKind, Hit, SearchRequest, SearchResults, Suggestion};
use std::cmp::Reverse;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};
use tantivy::collector::{Collector, Count, TopDocs};
use tantivy::query::{FuzzyTermQuery, Query};
use tantivy::schema::Value;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{
    DocAddress, DocId, Index, IndexReader, IndexWriter, ReloadPolicy, Score, Searcher,
    SegmentReader, TantivyDocument, Term,
};

/// The file in the index folder that says which `SCHEMA_VERSION` wrote it.
const VERSION_FILE: &str = "rapport-schema-version";
/// The writer's memory for documents not yet written to disk, over all its threads.
const WRITER_MEMORY_BYTES: usize = 50_000_000;
/// A rebuild gets a writer of its own with more memory: fewer, larger
/// segments to write and merge make it about half again as fast. The memory
/// is given back when it is done.
const REBUILD_MEMORY_BYTES: usize = 200_000_000;
/// Indexing threads: two keep a rebuild fast on a small machine.
const WRITER_THREADS: usize = 2;
/// Suggestions at most, whatever the caller asks.
const MAX_SUGGESTIONS: usize = 20;

/// How `open_or_create` found the folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opened {
    /// There was no index: a new, empty one was created.
    Fresh,
    /// The index was there and readable, written by this schema version.
    Existing,
    /// The index could not be used and was replaced by an empty one.
    Recreated { reason: String },
}

impl Opened {
    /// True when the index starts empty and must be filled from PostgreSQL.
    pub fn is_empty_now(&self) -> bool {
        !matches!(self, Opened::Existing)
    }
}

/// The knowledge search index. Cheap to clone: clones share one index, one
/// writer and one reader.
#[derive(Clone)]
pub struct SearchIndex {
    inner: Arc<Inner>,
}

struct Inner {
    index: Index,
    fields: Fields,
    reader: IndexReader,
    /// `None` only while `wait_for_merges` replaces it.
    writer: Mutex<Option<IndexWriter>>,
    words: TextAnalyzer,
    stems: TextAnalyzer,
}

/// What the folder holds before opening.
enum Folder {
    Missing,
    Empty,
    /// A search index (or what is left of one).
    Index,
    /// Other files: never wiped.
    Foreign,
}

fn inspect(dir: &Path) -> Result<Folder, SearchError> {
    if !dir.exists() {
        return Ok(Folder::Missing);
    }
    let mut entries = std::fs::read_dir(dir)?.peekable();
    if entries.peek().is_none() {
        return Ok(Folder::Empty);
    }
    if dir.join("meta.json").exists() || dir.join(VERSION_FILE).exists() {
        Ok(Folder::Index)
    } else {
        Ok(Folder::Foreign)
    }
}

/// Remove everything inside `dir`, keeping `dir` (it may be a mount point).
fn wipe(dir: &Path) -> Result<(), SearchError> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            std::fs::remove_dir_all(&path)?;
        } else {
            std::fs::remove_file(&path)?;
        }
    }
    Ok(())
}

impl SearchIndex {
    /// Open the index in `dir`, or create it. An index that is unreadable,
    /// incomplete or of another schema version is wiped and created anew
    /// (`Opened::Recreated`), and must then be rebuilt from PostgreSQL. A
    /// folder with other files is refused, never wiped.
    pub fn open_or_create(dir: &Path) -> Result<(SearchIndex, Opened), SearchError> {
        let (_, fields) = build_schema();
        match inspect(dir)? {
            Folder::Missing => {
                std::fs::create_dir_all(dir)?;
                Ok((SearchIndex::create(dir, fields)?, Opened::Fresh))
            }
            Folder::Empty => Ok((SearchIndex::create(dir, fields)?, Opened::Fresh)),
            Folder::Foreign => Err(SearchError::NotAnIndexFolder(dir.to_path_buf())),
            Folder::Index => match SearchIndex::open_existing(dir, fields) {
                Ok(Ok(index)) => Ok((index, Opened::Existing)),
                Ok(Err(reason)) => {
                    wipe(dir)?;
                    let index = SearchIndex::create(dir, fields)?;
                    Ok((index, Opened::Recreated { reason }))
                }
                Err(err) => Err(err),
            },
        }
    }

    /// An index in memory, for tests and benchmarks.
    pub fn in_ram() -> Result<SearchIndex, SearchError> {
        let (schema, fields) = build_schema();
        let index = Index::create_in_ram(schema);
        SearchIndex::assemble(index, fields).map_err(SearchError::Other)?
    }

    fn create(dir: &Path, fields: Fields) -> Result<SearchIndex, SearchError> {
        let (schema, _) = build_schema();
        let index = Index::create_in_dir(dir, schema)?;
        // Written last: an index without it is taken as incomplete.
        std::fs::write(dir.join(VERSION_FILE), SCHEMA_VERSION.to_string())?;
        SearchIndex::assemble(index, fields).map_err(SearchError::Other)?
    }

    /// `Ok(Err(reason))` when the index must be recreated; `Err` when it
    /// cannot be used for a reason wiping would not fix (another process
    /// holds the writer lock).
    fn open_existing(
        dir: &Path,
        fields: Fields,
    ) -> Result<Result<SearchIndex, String>, SearchError> {
        let version = match std::fs::read_to_string(dir.join(VERSION_FILE)) {
            Ok(v) => v.trim().to_string(),
            Err(_) => return Ok(Err("it has no schema version file".into())),
        };
        if version != SCHEMA_VERSION.to_string() {
            return Ok(Err(format!(
                "it was written with schema version {version:?}; this server uses {SCHEMA_VERSION}"
            )));
        }
        let index = match Index::open_in_dir(dir) {
            Ok(index) => index,
            Err(err) => return Ok(Err(format!("it could not be read: {err}"))),
        };
        if index.schema() != build_schema().0 {
            return Ok(Err("its fields differ from this server's".into()));
        }
        match SearchIndex::assemble(index, fields) {
            Err(reason) => Ok(Err(reason)),
            Ok(Ok(index)) => Ok(Ok(index)),
            Ok(Err(err)) => Err(err),
        }
    }

    /// Reader, writer and analyzers around an opened index. The outer error
    /// is the reader failing (a damaged index: recreate); the inner one the
    /// writer (e.g. locked by another process: do not wipe).
    fn assemble(index: Index, fields: Fields) -> Result<Result<SearchIndex, SearchError>, String> {
        schema::register_analyzers(&index);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|e| format!("it could not be read: {e}"))?;
        // Touch every segment once, so damage shows now rather than on a search.
        let searcher: Searcher = reader.searcher();
        searcher
            .search(&tantivy::query::AllQuery, &Count)
            .map_err(|e| format!("it could not be searched: {e}"))?;
        for segment in searcher.segment_readers() {
            segment
                .fast_fields()
                .i64("article_id")
                .map_err(|e| format!("its ids could not be read: {e}"))?;
        }
        warm_typo_automata(&fields);
        let writer = match index.writer_with_num_threads(WRITER_THREADS, WRITER_MEMORY_BYTES) {
            Ok(writer) => writer,
            Err(err) => return Ok(Err(SearchError::Index(err))),
        };
        Ok(Ok(SearchIndex {
            inner: Arc::new(Inner {
                index,
                fields,
                reader,
                writer: Mutex::new(Some(writer)),
                words: schema::words_analyzer(),
                stems: schema::stems_analyzer(),
            }),
        }))
    }

    fn fields(&self) -> &Fields {
        &self.inner.fields
    }

    /// The writer. A panic while it was held leaves at worst uncommitted
    /// changes, which the next commit or rollback settles: poisoning is ignored.
    fn writer(&self) -> MutexGuard<'_, Option<IndexWriter>> {
        self.inner
            .writer
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Apply changes in one commit, then make them visible to searches.
    /// Blocking: run it with `spawn_blocking`.
    pub fn apply(&self, changes: Vec<IndexChange>) -> Result<(), SearchError> {
        if changes.is_empty() {
            return Ok(());
        }
        let fields = *self.fields();
        // Markdown to text before taking the writer.
        let changes: Vec<(i64, Option<TantivyDocument>)> = changes
            .into_iter()
            .map(|change| match change {
                IndexChange::Upsert(doc) => (doc.article_id, Some(doc.to_tantivy(&fields))),
                IndexChange::Remove(id) => (id, None),
            })
            .collect();
        let mut guard = self.writer();
        let writer = guard
            .as_mut()
            .ok_or_else(|| SearchError::Other("the index writer is closed".into()))?;
        let written = (|| {
            for (id, doc) in changes {
                // Deleting first and adding in the same commit replaces the article.
                writer.delete_term(Term::from_field_i64(fields.article_id, id));
                if let Some(doc) = doc {
                    writer.add_document(doc)?;
                }
            }
            writer.commit()
        })();
        if let Err(err) = written {
            let _ = writer.rollback();
            return Err(err.into());
        }
        drop(guard);
        self.inner.reader.reload()?;
        Ok(())
    }

    /// Replace the whole index with `docs` in one commit: searches see the
    /// old index until the new one is complete. `progress` hears the number
    /// of documents added so far, now and then and at the end.
    pub fn rebuild(
        &self,
        docs: impl Iterator<Item = SearchDoc>,
        progress: impl FnMut(u64),
    ) -> Result<u64, SearchError> {
        self.rebuild_fallible(docs.map(Ok), progress)
    }

    /// `rebuild` from a source that can fail (a database stream): on the
    /// first error nothing is committed and the old index stays.
    pub fn rebuild_fallible(
        &self,
        docs: impl Iterator<Item = Result<SearchDoc, SearchError>>,
        mut progress: impl FnMut(u64),
    ) -> Result<u64, SearchError> {
        let fields = *self.fields();
        let mut guard = self.writer();
        // The everyday writer makes way for the rebuild's (one writer at a time).
        if let Some(everyday) = guard.take() {
            everyday.wait_merging_threads()?;
        }
        let index = &self.inner.index;
        let mut added = 0u64;
        let rebuilt = (|| {
            let mut writer: IndexWriter =
                index.writer_with_num_threads(WRITER_THREADS, REBUILD_MEMORY_BYTES)?;
            let written = (|| {
                writer.delete_all_documents()?;
                for doc in docs {
                    writer.add_document(doc?.to_tantivy(&fields))?;
                    added += 1;
                    if added.is_multiple_of(1_000) {
                        progress(added);
                    }
                }
                writer.commit()?;
                Ok::<_, SearchError>(())
            })();
            if let Err(err) = written {
                let _ = writer.rollback();
                return Err(err);
            }
            // Merged before searches see it, and before the writer's memory goes.
            writer.wait_merging_threads()?;
            Ok(())
        })();
        *guard = Some(index.writer_with_num_threads(WRITER_THREADS, WRITER_MEMORY_BYTES)?);
        drop(guard);
        rebuilt?;
        progress(added);
        self.inner.reader.reload()?;
        release_freed_memory();
        Ok(added)
    }

    /// Wait until the background merges of segments are done (after a
    /// rebuild: fewer, larger segments make searches faster), then reopen
    /// the writer. Blocking.
    pub fn wait_for_merges(&self) -> Result<(), SearchError> {
        let mut guard = self.writer();
        if let Some(writer) = guard.take() {
            writer.wait_merging_threads()?;
        }
        *guard = Some(
            self.inner
                .index
                .writer_with_num_threads(WRITER_THREADS, WRITER_MEMORY_BYTES)?,
        );
        drop(guard);
        self.inner.reader.reload()?;
        Ok(())
    }

    /// Articles in the index.
    pub fn doc_count(&self) -> u64 {
        self.inner.reader.searcher().num_docs()
    }

    /// The ids of the articles in the index, ascending.
    pub fn article_ids(&self) -> Vec<i64> {
        self.indexed_versions()
            .into_iter()
            .map(|(id, _)| id)
            .collect()
    }

    /// `(article id, updated_at)` of every article in the index, by id.
    pub fn indexed_versions(&self) -> Vec<(i64, i64)> {
        let searcher = self.inner.reader.searcher();
        let mut out = Vec::with_capacity(searcher.num_docs() as usize);
        for segment in searcher.segment_readers() {
            let fast = segment.fast_fields();
            let (Ok(ids), Ok(updated)) = (fast.i64("article_id"), fast.i64("updated_at")) else {
                tracing::warn!("a search index segment has no article ids");
                continue;
            };
            for doc in segment.doc_ids_alive() {
                if let Some(id) = ids.first(doc) {
                    out.push((id, updated.first(doc).unwrap_or(0)));
                }
            }
        }
        out.sort_unstable();
        out
    }

    /// Search as `scope` may see. Fast and blocking (no I/O beyond the
    /// memory-mapped index); the reader's text never makes it fail.
    pub fn search(
        &self,
        request: &SearchRequest,
        scope: &ArticleScope,
    ) -> Result<SearchResults, SearchError> {
        let parsed = query::parse(&request.text, &mut self.inner.words.clone());
        if parsed.is_empty() {
            return Ok(SearchResults {
                notice: parsed.notice(),
                ..SearchResults::default()
            });
        }
        let searcher = self.inner.reader.searcher();
        let vocabulary = IndexVocabulary {
            searcher: &searcher,
        };
        let targets = Targets::articles(self.fields());
        let mut stems = self.inner.stems.clone();
        let mut plan = query::plan(&parsed, &targets, &vocabulary, &mut stems);
        let mut notices: Vec<String> = parsed.notice().into_iter().collect();
        let mut results = self.run(&searcher, &plan, request, scope)?;
        if results.total == 0 && parsed.required_count() >= 2 {
            plan.any_word();
            results = self.run(&searcher, &plan, request, scope)?;
            if results.total > 0 {
                notices.push(NOTICE_SOME_WORDS.to_string());
            }
        }
        results.notice = (!notices.is_empty()).then(|| notices.join(" "));
        Ok(results)
    }

    /// One search with its counts: hits and total with every filter; kinds
    /// without the kind filter, categories without the category filter (so a
    /// reader can switch), all within the reader's scope.
    fn run(
        &self,
        searcher: &Searcher,
        plan: &Plan,
        request: &SearchRequest,
        scope: &ArticleScope,
    ) -> Result<SearchResults, SearchError> {
        let Some(text) = plan.to_query() else {
            return Ok(SearchResults::default());
        };
        let fields = *self.fields();
        let kind = request.kind;
        let category = request
            .category
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty());
        let restricted = |with_kind: bool, with_category: bool| -> Box<dyn Query> {
            let mut filters = vec![filter::scope(scope, &fields)];
            if let (true, Some(kind)) = (with_kind, kind) {
                filters.push(filter::kind(kind, &fields));
            }
            if let (true, Some(category)) = (with_category, category) {
                filters.push(filter::category(category, &fields));
            }
            filter::restrict(text.box_clone(), filters)
        };
        let per_page = request.clamped_per_page() as usize;
        let offset = (request.clamped_page() as usize - 1) * per_page;
        let top = best_first(per_page, offset);
        // Counts come from the matches without the kind and category filters
        // (so the other choices can be offered); hits need the filters.
        let unfiltered = restricted(false, false);
        let (top_docs, counts) = if kind.is_none() && category.is_none() {
            searcher.search(&*unfiltered, &(top, KeyCollector))?
        } else {
            let counts = searcher.search(&*unfiltered, &KeyCollector)?;
            (searcher.search(&*restricted(true, true), &top)?, counts)
        };
        let summary = facets::summarize(&counts, kind, category);
        let hits = self.hits(searcher, plan, top_docs)?;
        Ok(SearchResults {
            total: summary.total,
            hits,
            kinds: summary.kinds,
            categories: summary.categories,
            notice: None,
        })
    }

    fn hits(
        &self,
        searcher: &Searcher,
        plan: &Plan,
        top_docs: Vec<(Rank, DocAddress)>,
    ) -> Result<Vec<Hit>, SearchError> {
        let fields = self.fields();
        let mut words = self.inner.words.clone();
        let mut matcher = Matcher::new(&plan.highlight, self.inner.stems.clone());
        let mut hits = Vec::with_capacity(top_docs.len());
        for ((score, _), address) in top_docs {
            let doc: TantivyDocument = searcher.doc(address)?;
            let text = |field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string()
            };
            let Some(article_id) = doc.get_first(fields.article_id).and_then(|v| v.as_i64()) else {
                continue;
            };
            let Some(kind) = ArticleKind::parse(&text(fields.kind)) else {
                continue;
            };
            let body = text(fields.body);
            let summary = text(fields.summary);
            let snippet = snippet::snippet(&body, &mut words, &mut matcher)
                .or_else(|| snippet::snippet(&summary, &mut words, &mut matcher))
                .unwrap_or_else(|| {
                    snippet::excerpt(if summary.is_empty() { &body } else { &summary })
                });
            hits.push(Hit {
                article_id,
                slug: text(fields.slug),
                kind,
                title: text(fields.title),
                category_slug: text(fields.category_slug),
                snippet,
                score,
            });
        }
        Ok(hits)
    }

    /// Articles whose titles match what the reader is typing, the last word
    /// as a prefix ("reset pass" finds "Reset your password"), within their
    /// scope. Never fails: a failure is logged and suggests nothing.
    pub fn suggest(&self, text: &str, scope: &ArticleScope, limit: usize) -> Vec<Suggestion> {
        match self.try_suggest(text, scope, limit) {
            Ok(suggestions) => suggestions,
            Err(err) => {
                tracing::error!(error = %err, "search suggestions failed");
                Vec::new()
            }
        }
    }

    fn try_suggest(
        &self,
        text: &str,
        scope: &ArticleScope,
        limit: usize,
    ) -> Result<Vec<Suggestion>, SearchError> {
        let limit = limit.clamp(1, MAX_SUGGESTIONS);
        let mut parsed = query::parse(text, &mut self.inner.words.clone());
        // While typing, the last word is probably not finished.
        if !text.ends_with(char::is_whitespace) {
            if let Some(Clause::Word { text, kind }) = parsed.clauses.last_mut() {
                if *kind == WordKind::Plain && text.chars().count() >= query::MIN_PREFIX_CHARS {
                    *kind = WordKind::Prefix;
                }
            }
        }
        let searcher = self.inner.reader.searcher();
        let vocabulary = IndexVocabulary {
            searcher: &searcher,
        };
        let plan = query::plan(
            &parsed,
            &Targets::titles(self.fields()),
            &vocabulary,
            &mut self.inner.stems.clone(),
        );
        let Some(titles) = plan.to_query() else {
            return Ok(Vec::new());
        };
        let fields = self.fields();
        let query = filter::restrict(titles, vec![filter::scope(scope, fields)]);
        let top = searcher.search(&*query, &best_first(limit, 0))?;
        let mut out = Vec::with_capacity(top.len());
        for (_, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            let text = |field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string()
            };
            if let Some(kind) = ArticleKind::parse(&text(fields.kind)) {
                out.push(Suggestion {
                    slug: text(fields.slug),
                    title: text(fields.title),
                    kind,
                });
            }
        }
        Ok(out)
    }

    /// Bytes the index takes on disk (0 in memory).
    pub fn size_on_disk(dir: &Path) -> u64 {
        fn walk(dir: &Path) -> u64 {
            std::fs::read_dir(dir)
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| match e.metadata() {
                    Ok(m) if m.is_dir() => walk(&e.path()),
                    Ok(m) => m.len(),
                    Err(_) => 0,
                })
                .sum()
        }
        walk(dir)
    }
}

/// How hits are ordered: by score, then by article id, so equal scores come
/// in the same order whatever the segments (a rebuilt index, another server).
type Rank = (Score, Reverse<i64>);

/// The `limit` best matches after the first `offset`, by [`Rank`].
fn best_first(limit: usize, offset: usize) -> impl Collector<Fruit = Vec<(Rank, DocAddress)>> {
    TopDocs::with_limit(limit)
        .and_offset(offset)
        .tweak_score(|segment: &SegmentReader| {
            let ids = segment
                .fast_fields()
                .i64("article_id")
                .ok()
                .map(|column| column.first_or_default_col(0));
            move |doc: DocId, score: Score| -> Rank {
                (
                    score,
                    Reverse(ids.as_ref().map_or(0, |ids| ids.get_val(doc))),
                )
            }
        })
}

/// A rebuild allocates and frees a few hundred megabytes across the indexing
/// threads; glibc keeps freed memory in per-thread arenas, so without this
/// the process would stay that large. Elsewhere it does nothing.
fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns unused pages of the heap to the
    // system; it has no preconditions and touches no memory in use.
    #[allow(unsafe_code)]
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Build the typo automata once at start, not on the first reader's search.
fn warm_typo_automata(fields: &Fields) {
    for distance in [1, 2] {
        let term = Term::from_field_text(fields.title, "warming");
        let _ = FuzzyTermQuery::new(term, distance, true).automaton();
    }
}
