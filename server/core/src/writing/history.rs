//! An article's revisions and the line diff between two of them.

use super::*;
use crate::Reader;

/// Which two revisions to compare: `to` defaults to the latest and `from` to
/// the one before `to`; numbers out of range are brought into it. None when
/// there is only one revision.
pub(super) fn pick_pair(latest: i32, from: Option<i32>, to: Option<i32>) -> Option<(i32, i32)> {
    if latest < 2 {
        return None;
    }
    let to = to.unwrap_or(latest).clamp(1, latest);
    let from = from.unwrap_or(to - 1).clamp(1, latest);
    Some((from, to))
}

pub async fn history(
    reader: &Reader,
    pool: &PgPool,
    id: i64,
    from: Option<i32>,
    to: Option<i32>,
) -> Result<History, Error> {
    let (zone, actor) = (reader.zone(), reader.signed_in()?);
    authorize(actor)?;
    let row = admin::latest(pool, id).await?.ok_or(Error::NotFound)?;
    let head = head_of(zone, &row)?;
    let mut lines = admin::history(pool, id, HISTORY_ROWS + 1).await?;
    let more = lines.len() as i64 > HISTORY_ROWS;
    lines.truncate(HISTORY_ROWS as usize);
    let revisions = lines
        .into_iter()
        .map(|line| RevisionLine {
            number: line.number,
            saved: zone.date_time(line.saved_at),
            saved_by: line.saved_by.unwrap_or_else(|| IMPORTER.into()),
            note: line.note,
            title: line.title,
        })
        .collect();
    let comparison = match pick_pair(head.latest_number, from, to) {
        Some((from, to)) => Some(compare(pool, id, from, to).await?),
        None => None,
    };
    Ok(History {
        head,
        revisions,
        more,
        comparison,
    })
}

async fn compare(pool: &PgPool, id: i64, from: i32, to: i32) -> Result<Comparison, Error> {
    let pair = admin::revisions_numbered(pool, id, &[from, to]).await?;
    let categories = category_choices(&db_articles::categories(pool).await?);
    let text_of = |number: i32| -> Result<String, Error> {
        let r = pair
            .iter()
            .find(|r| r.number == number)
            .ok_or(Error::NotFound)?;
        let kind: &str = ArticleKind::parse(&r.kind).map_or(&r.kind, |k| k.label());
        let audience: &str = Audience::parse(&r.audience).map_or(&r.audience, |a| a.label());
        Ok(diff::revision_text(&diff::RevisionFields {
            title: &r.title,
            summary: &r.summary,
            kind,
            category: &category_name(&categories, r.category_id),
            tags: &r.tags,
            audience,
            body: &r.body,
        }))
    };
    let (old, new) = (text_of(from)?, text_of(to)?);
    Ok(Comparison {
        from,
        to,
        hunks: diff::diff_hunks(
            &old,
            &new,
            &format!("revision {from}"),
            &format!("revision {to}"),
        ),
    })
}
