//! `rapport import-content`: the knowledge base shipped in `content/`.
//!
//! Every file is read and checked first; only when all of them are good is
//! anything written, in one transaction. Importing is idempotent: a file whose
//! bytes did not change since it was last imported changes nothing; a changed
//! file becomes a new revision and is published (unless the article was
//! archived in the app, which the import respects).

use super::articles::{check_content, ContentInput};
use super::db::articles::{self as db, RevisionContent};
use rapport_types::{ArticleState, Slug};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// What an import did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub categories: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

impl std::fmt::Display for ImportReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} categories; {} new articles, {} updated, {} unchanged",
            self.categories, self.created, self.updated, self.unchanged
        )
    }
}

/// Why an import stopped: every problem found, each naming its file.
#[derive(Debug)]
pub enum ImportError {
    Invalid(Vec<String>),
    Database(sqlx::Error),
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImportError::Invalid(problems) => {
                writeln!(f, "nothing was imported; fix these first:")?;
                for problem in problems {
                    writeln!(f, "  {problem}")?;
                }
                Ok(())
            }
            ImportError::Database(e) => write!(f, "the database refused the import: {e}"),
        }
    }
}

impl std::error::Error for ImportError {}

impl From<sqlx::Error> for ImportError {
    fn from(e: sqlx::Error) -> Self {
        ImportError::Database(e)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CategoryFile {
    #[serde(default)]
    category: Vec<CategoryEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CategoryEntry {
    slug: String,
    name: String,
    #[serde(default)]
    description: String,
    parent: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    kind: String,
    title: String,
    #[serde(default)]
    summary: String,
    category: String,
    #[serde(default)]
    tags: Vec<String>,
    audience: String,
}

/// One article file, read and checked (the category still by slug).
struct ArticleFile {
    /// The path inside the content folder, with `/` separators: the article's
    /// identity across imports.
    source_path: String,
    slug: Slug,
    hash: String,
    category: String,
    content: RevisionContent,
}

/// Split `+++ toml +++ markdown` into its two parts.
fn split_front_matter(text: &str) -> Option<(&str, &str)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rest = text
        .strip_prefix("+++\n")
        .or_else(|| text.strip_prefix("+++\r\n"))?;
    let end = rest.find("\n+++")?;
    let front = &rest[..end];
    let body = rest[end + 4..].trim_start_matches(['\r', '\n']);
    Some((front, body))
}

fn read_article(root: &Path, path: &Path) -> Result<ArticleFile, String> {
    let shown = path.display();
    let source_path = path
        .strip_prefix(root)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    let bytes = std::fs::read(path).map_err(|e| format!("{shown}: could not be read: {e}"))?;
    let text = std::str::from_utf8(&bytes).map_err(|_| format!("{shown}: is not UTF-8 text"))?;
    let (front, body) = split_front_matter(text)
        .ok_or_else(|| format!("{shown}: must start with front matter between two `+++` lines"))?;
    let front: FrontMatter =
        toml::from_str(front).map_err(|e| format!("{shown}: front matter: {}", e.message()))?;
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    let slug = Slug::parse(&stem).ok_or_else(|| {
        format!("{shown}: the file name must be lower-case words joined by dashes (it is the article's address)")
    })?;
    // The category is checked against the categories later; any id passes here.
    let content = check_content(&ContentInput {
        kind: &front.kind,
        title: &front.title,
        summary: &front.summary,
        body,
        category_id: Some(0),
        tags: &front.tags,
        audience: &front.audience,
    })
    .map_err(|e| match e.field() {
        Some(field) => format!("{shown}: {field}: {e}"),
        None => format!("{shown}: {e}"),
    })?;
    Ok(ArticleFile {
        source_path,
        slug,
        hash: hex::encode(Sha256::digest(&bytes)),
        category: front.category,
        content,
    })
}

fn markdown_files(dir: &Path, found: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            markdown_files(&path, found)?;
        } else if path.extension().is_some_and(|e| e == "md")
            && path.file_name().is_some_and(|n| n != "README.md")
        {
            found.push(path);
        }
    }
    Ok(())
}

fn read_categories(dir: &Path) -> Result<Vec<CategoryEntry>, String> {
    let path = dir.join("categories.toml");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("{}: could not be read: {e}", path.display()))?;
    let file: CategoryFile =
        toml::from_str(&text).map_err(|e| format!("{}: {}", path.display(), e.message()))?;
    let mut seen: Vec<&str> = Vec::new();
    for entry in &file.category {
        if Slug::parse(&entry.slug).is_none() {
            return Err(format!(
                "{}: category `{}`: a slug is lower-case words joined by dashes",
                path.display(),
                entry.slug
            ));
        }
        if let Some(parent) = &entry.parent {
            if !seen.contains(&parent.as_str()) {
                return Err(format!(
                    "{}: category `{}`: its parent `{parent}` must be listed before it",
                    path.display(),
                    entry.slug
                ));
            }
        }
        seen.push(&entry.slug);
    }
    Ok(file.category)
}

/// Import the content folder `dir` (see the module comment).
pub async fn import_dir(pool: &PgPool, dir: &Path) -> Result<ImportReport, ImportError> {
    let mut problems = Vec::new();
    let categories = read_categories(dir).unwrap_or_else(|problem| {
        problems.push(problem);
        Vec::new()
    });
    let mut paths = Vec::new();
    if let Err(e) = markdown_files(dir, &mut paths) {
        problems.push(format!("{}: could not be listed: {e}", dir.display()));
    }
    paths.sort();
    let mut files = Vec::new();
    for path in &paths {
        match read_article(dir, path) {
            Ok(file) => files.push(file),
            Err(problem) => problems.push(problem),
        }
    }
    let mut slugs = HashMap::new();
    for file in &files {
        if !categories.iter().any(|c| c.slug == file.category) {
            problems.push(format!(
                "{}: category `{}` is not in categories.toml",
                file.source_path, file.category
            ));
        }
        if let Some(other) = slugs.insert(file.slug.clone(), &file.source_path) {
            problems.push(format!(
                "{}: has the same file name (address) as {other}",
                file.source_path
            ));
        }
    }
    if !problems.is_empty() {
        return Err(ImportError::Invalid(problems));
    }

    let mut tx = pool.begin().await?;
    let mut report = ImportReport::default();
    let mut category_ids: HashMap<String, i64> = HashMap::new();
    for (position, entry) in categories.iter().enumerate() {
        let parent = entry
            .parent
            .as_ref()
            .and_then(|p| category_ids.get(p).copied());
        let id = db::upsert_category(
            &mut tx,
            &entry.slug,
            &entry.name,
            &entry.description,
            parent,
            position as i32,
        )
        .await?;
        category_ids.insert(entry.slug.clone(), id);
        report.categories += 1;
    }
    let known: Vec<(String, i64, Option<String>, String)> = sqlx::query_as(
        "SELECT source_path, id, source_hash, state FROM articles WHERE source_path IS NOT NULL",
    )
    .fetch_all(&mut *tx)
    .await?;
    let known: HashMap<String, (i64, Option<String>, String)> = known
        .into_iter()
        .map(|(path, id, hash, state)| (path, (id, hash, state)))
        .collect();
    for mut file in files {
        file.content.category_id = category_ids[&file.category];
        let note = format!("Imported from content/{}", file.source_path);
        match known.get(&file.source_path) {
            Some((_, Some(hash), _)) if *hash == file.hash => report.unchanged += 1,
            Some((article_id, _, state)) => {
                db::add_revision(&mut tx, *article_id, None, &file.content, &note).await?;
                record_source(&mut tx, *article_id, &file).await?;
                if state != ArticleState::Archived.as_str() {
                    db::set_state(&mut tx, *article_id, ArticleState::Published, None).await?;
                }
                report.updated += 1;
            }
            None => {
                let taken: bool =
                    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM articles WHERE slug = $1)")
                        .bind(file.slug.as_str())
                        .fetch_one(&mut *tx)
                        .await?;
                if taken {
                    problems.push(format!(
                        "{}: an article written in the app already has the address /kb/{}; rename one of them",
                        file.source_path, file.slug
                    ));
                    continue;
                }
                let (article_id, _) =
                    db::create(&mut tx, file.slug.as_str(), None, &file.content, &note).await?;
                record_source(&mut tx, article_id, &file).await?;
                db::set_state(&mut tx, article_id, ArticleState::Published, None).await?;
                report.created += 1;
            }
        }
    }
    if !problems.is_empty() {
        // Dropping the transaction rolls everything back.
        return Err(ImportError::Invalid(problems));
    }
    tx.commit().await?;
    Ok(report)
}

async fn record_source(
    tx: &mut sqlx::PgConnection,
    article_id: i64,
    file: &ArticleFile,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE articles SET source_path = $2, source_hash = $3 WHERE id = $1")
        .bind(article_id)
        .bind(&file.source_path)
        .bind(&file.hash)
        .execute(tx)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_is_split_from_the_body() {
        let (front, body) = split_front_matter("+++\ntitle = \"A\"\n+++\n\nBody text\n").unwrap();
        assert_eq!(front, "title = \"A\"");
        assert_eq!(body, "Body text\n");
        assert!(split_front_matter("no front matter").is_none());
        assert!(split_front_matter("+++\nunclosed = 1\n").is_none());
    }
}
