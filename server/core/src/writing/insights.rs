//! The trainers' list of what to write next: what readers searched for, what
//! found nothing or ended in a case anyway, which articles did not help and
//! which ones solved problems before a case was filed.

use crate::time_zones::ReaderZone;
use crate::Error;
use crate::Reader;
use rapport_types::views::writing::{DeflectionFigure, HelpfulFigure, Insights, SearchFigure};

use crate::db::search_reports::{self as reports, SearchReport};
use crate::policy::{self, Action};
use sqlx::PgPool;

/// The period the reports cover.
pub const DAYS: i32 = 30;
/// The longest each report gets.
pub const ROWS: i64 = 20;

pub async fn report(reader: &Reader, pool: &PgPool) -> Result<Insights, Error> {
    let (zone, actor) = (reader.zone(), reader.signed_in()?);
    policy::authorize(Some(actor), &Action::WriteArticles)?;
    let searches = |report| async move {
        let rows = reports::searches(pool, report, DAYS, ROWS).await?;
        Ok::<_, Error>(
            rows.into_iter()
                .map(|row| search_figure(zone, row))
                .collect::<Vec<_>>(),
        )
    };
    let top_searches = searches(SearchReport::Top).await?;
    let no_results = searches(SearchReport::NoResults).await?;
    let led_to_cases = searches(SearchReport::FollowedByCase).await?;
    let least_helpful = reports::least_helpful(pool, DAYS, ROWS)
        .await?
        .into_iter()
        .map(|row| HelpfulFigure {
            id: row.article_id,
            title: row.title,
            yes: row.yes,
            no: row.no,
            helpful_percent: helpful_percent(row.yes, row.no),
        })
        .collect();
    let deflections = reports::deflections(pool, DAYS, ROWS)
        .await?
        .into_iter()
        .map(|row| DeflectionFigure {
            id: row.article_id,
            title: row.title,
            deflections: row.deflections,
            last: zone.date_time(row.last_at),
        })
        .collect();
    Ok(Insights {
        days: DAYS,
        top_searches,
        no_results,
        led_to_cases,
        least_helpful,
        deflections,
    })
}

fn search_figure(zone: &ReaderZone, row: reports::SearchRow) -> SearchFigure {
    SearchFigure {
        query: row.normalized,
        searches: row.searches,
        average_hits: format!("{:.1}", row.average_hits),
        last: zone.date_time(row.last_at),
    }
}

/// The share of "yes" votes as a whole percentage, rounded to the nearest.
fn helpful_percent(yes: i64, no: i64) -> i64 {
    let total = yes + no;
    if total == 0 {
        return 0;
    }
    (yes * 100 + total / 2) / total
}

#[cfg(test)]
mod tests {
    use super::helpful_percent;

    #[test]
    fn helpfulness_is_a_rounded_percentage() {
        assert_eq!(helpful_percent(0, 3), 0);
        assert_eq!(helpful_percent(1, 2), 33);
        assert_eq!(helpful_percent(2, 1), 67);
        assert_eq!(helpful_percent(5, 0), 100);
        assert_eq!(helpful_percent(0, 0), 0);
    }
}
