//! The editor: an article's latest revision to edit, and previews.

use super::*;
use crate::Reader;

/// The editor's data; `None` for a new article.
pub async fn editor(reader: &Reader, pool: &PgPool, id: Option<i64>) -> Result<EditorData, Error> {
    let (zone, actor) = (reader.zone(), reader.signed_in()?);
    authorize(actor)?;
    let categories = category_choices(&db_articles::categories(pool).await?);
    let Some(id) = id else {
        return Ok(EditorData {
            article: None,
            content: EditorContent {
                kind: ArticleKind::Knowledge.as_str().into(),
                audience: Audience::Public.as_str().into(),
                ..EditorContent::default()
            },
            categories,
            preview: ArticlePreview::default(),
        });
    };
    let row = admin::latest(pool, id).await?.ok_or(Error::NotFound)?;
    Ok(EditorData {
        article: Some(head_of(zone, &row)?),
        preview: rendered(&row.body),
        content: EditorContent {
            kind: row.kind,
            title: row.title,
            summary: row.summary,
            category: row.category_id.to_string(),
            tags: row.tags.join(", "),
            audience: row.audience,
            body: row.body,
        },
        categories,
    })
}

/// The editor's live preview.
pub fn preview(actor: &Actor, body: &str) -> Result<ArticlePreview, Error> {
    authorize(actor)?;
    if body.len() > BODY_MAX {
        return Err(Error::invalid("body", "This text is too long to preview."));
    }
    Ok(rendered(body))
}

// ---------------------------------------------------------------------------
// Saving

/// The latest revision, rendered as the published page renders it.
pub async fn draft_preview(reader: &Reader, pool: &PgPool, id: i64) -> Result<DraftView, Error> {
    let (zone, actor) = (reader.zone(), reader.signed_in()?);
    authorize(actor)?;
    let row = admin::latest(pool, id).await?.ok_or(Error::NotFound)?;
    let categories = category_choices(&db_articles::categories(pool).await?);
    Ok(DraftView {
        head: head_of(zone, &row)?,
        kind: stored(ArticleKind::parse(&row.kind), "kind", &row.kind)?,
        audience: stored(Audience::parse(&row.audience), "audience", &row.audience)?,
        summary: row.summary.clone(),
        category: category_name(&categories, row.category_id),
        tags: row.tags.clone(),
        rendered: rendered(&row.body),
    })
}
