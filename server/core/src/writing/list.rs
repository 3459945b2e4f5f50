//! The writers' list of articles, with its filters.

use super::*;
use crate::Reader;
use rapport_types::PageNumber;

/// The filters of the writers' list, as typed into the address.
pub struct ListFilter<'a> {
    pub state: &'a str,
    pub kind: &'a str,
    pub title: &'a str,
    pub page: PageNumber,
}

pub async fn list(
    reader: &Reader,
    pool: &PgPool,
    filter: ListFilter<'_>,
) -> Result<WriterList, Error> {
    let (zone, actor) = (reader.zone(), reader.signed_in()?);
    authorize(actor)?;
    let state = match filter.state.trim() {
        "" => StateFilter::Any,
        "live" => StateFilter::Live,
        "changes" => StateFilter::ChangesPending,
        other => StateFilter::State(
            ArticleState::parse(other)
                .ok_or_else(|| Error::invalid("state", "Choose one of the listed states."))?
                .as_str(),
        ),
    };
    let kind = match filter.kind.trim() {
        "" => None,
        other => Some(
            ArticleKind::parse(other)
                .ok_or_else(|| Error::invalid("kind", "Choose one of the listed kinds."))?
                .as_str(),
        ),
    };
    let title = filter.title.trim();
    if title.chars().count() > SEARCH_MAX {
        return Err(Error::invalid(
            "q",
            format!("Search with fewer words: at most {SEARCH_MAX} characters."),
        ));
    }
    let page = filter.page;
    let rows = admin::list(
        pool,
        &ListQuery {
            state,
            kind,
            title: Some(title).filter(|t| !t.is_empty()),
            limit: ARTICLES_PER_PAGE,
            offset: page.offset(ARTICLES_PER_PAGE),
        },
    )
    .await?;
    let total = rows.first().map(|r| r.total).unwrap_or(0);
    let rows = rows
        .into_iter()
        .map(|row| {
            Ok(WriterRow {
                kind: stored(ArticleKind::parse(&row.kind), "kind", &row.kind)?,
                audience: stored(Audience::parse(&row.audience), "audience", &row.audience)?,
                state: stored(ArticleState::parse(&row.state), "state", &row.state)?,
                id: row.id,
                slug: row.slug,
                title: row.title,
                category: row.category.unwrap_or_default(),
                live: row.live,
                saved: zone.date_time(row.saved_at),
                saved_by: row.saved_by.unwrap_or_else(|| IMPORTER.into()),
            })
        })
        .collect::<Result<_, Error>>()?;
    Ok(WriterList {
        rows,
        total,
        page: page.get(),
    })
}

// ---------------------------------------------------------------------------
// The editor
