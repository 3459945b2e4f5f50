//! Reading the knowledge base: what a reader may see is decided by
//! `policy::article_scope` and applied in the SQL of every query.

use super::db::articles::{self as db, ArticleListRow, CategoryRow, ListOrder};
use super::db::search_log;
use super::markdown;
use super::policy::{self, Action, Actor};
use crate::time_zones::ReaderZone;
use crate::Error;
use crate::Reader;
use rapport_types::views::kb::{
    ArticleSummary, ArticleView, CategoryLink, Crumb, FrontPageData, KbCategoryData, KbHomeData,
};
use rapport_types::{ArticleKind, Audience};
use sqlx::PgPool;
use std::collections::HashMap;

/// Articles shorter than this many headings get no table of contents.
const TOC_MIN_HEADINGS: usize = 3;

/// The categories as a tree, each with the number of readable articles in it
/// and its sub-categories. Empty categories are left out.
fn tree(categories: &[CategoryRow], counts: &HashMap<i64, i64>) -> Vec<CategoryLink> {
    fn build(
        parent: Option<i64>,
        categories: &[CategoryRow],
        counts: &HashMap<i64, i64>,
    ) -> Vec<CategoryLink> {
        categories
            .iter()
            .filter(|c| c.parent_id == parent)
            .map(|c| {
                let children = build(Some(c.id), categories, counts);
                let own = counts.get(&c.id).copied().unwrap_or(0);
                CategoryLink {
                    slug: c.slug.clone(),
                    name: c.name.clone(),
                    description: c.description.clone(),
                    article_count: own + children.iter().map(|c| c.article_count).sum::<i64>(),
                    children,
                }
            })
            .filter(|c| c.article_count > 0)
            .collect()
    }
    build(None, categories, counts)
}

/// The category and its ancestors, root first.
fn crumbs(categories: &[CategoryRow], category_id: i64) -> Vec<Crumb> {
    let mut chain = Vec::new();
    let mut next = Some(category_id);
    // The tree is shallow; the bound guards against a cycle typed into the database.
    while let Some(id) = next.filter(|_| chain.len() < 8) {
        match categories.iter().find(|c| c.id == id) {
            Some(c) => {
                chain.push((c.slug.clone(), c.name.clone()));
                next = c.parent_id;
            }
            None => break,
        }
    }
    chain.reverse();
    chain
}

fn summary(zone: &ReaderZone, row: &ArticleListRow, categories: &[CategoryRow]) -> ArticleSummary {
    ArticleSummary {
        slug: row.slug.clone(),
        title: row.title.clone(),
        summary: row.summary.clone(),
        kind: ArticleKind::parse(&row.kind).unwrap_or(ArticleKind::Knowledge),
        category: categories
            .iter()
            .find(|c| c.id == row.category_id)
            .map(|c| c.name.clone())
            .unwrap_or_default(),
        updated: zone.date_time(row.updated_at),
    }
}

fn is_writer(actor: Option<&Actor>) -> bool {
    policy::allows(actor, &Action::WriteArticles)
}

pub async fn home(reader: &Reader, pool: &PgPool) -> Result<KbHomeData, Error> {
    let (zone, actor) = (reader.zone(), reader.actor());
    let scope = policy::article_scope(actor);
    let categories = db::categories(pool).await?;
    let counts: HashMap<i64, i64> = db::count_by_category(pool, &scope)
        .await?
        .into_iter()
        .collect();
    let popular = db::list_live(pool, &scope, None, ListOrder::Popular, 8).await?;
    Ok(KbHomeData {
        categories: tree(&categories, &counts),
        popular: popular
            .iter()
            .map(|r| summary(zone, r, &categories))
            .collect(),
        can_write: is_writer(actor),
    })
}

/// How many popular articles and workshop sessions the front page shows.
const FRONT_PAGE_ARTICLES: usize = 5;
const FRONT_PAGE_SESSIONS: i64 = 4;

/// The front page: the knowledge base's home (categories, popular articles)
/// and the next workshop sessions, as the reader (a visitor too) may see them.
pub async fn front_page(reader: &Reader, pool: &PgPool) -> Result<FrontPageData, Error> {
    let mut kb = home(reader, pool).await?;
    kb.popular.truncate(FRONT_PAGE_ARTICLES);
    let workshops = super::workshops::next_sessions(reader, pool, FRONT_PAGE_SESSIONS).await?;
    Ok(FrontPageData { kb, workshops })
}

pub async fn category(reader: &Reader, pool: &PgPool, slug: &str) -> Result<KbCategoryData, Error> {
    let (zone, actor) = (reader.zone(), reader.actor());
    let scope = policy::article_scope(actor);
    let categories = db::categories(pool).await?;
    let found = categories
        .iter()
        .find(|c| c.slug == slug)
        .ok_or(Error::NotFound)?;
    // The category and its sub-categories (two levels deep at most in practice).
    let mut ids = vec![found.id];
    let mut i = 0;
    while i < ids.len() {
        let parent = ids[i];
        ids.extend(
            categories
                .iter()
                .filter(|c| c.parent_id == Some(parent))
                .map(|c| c.id),
        );
        i += 1;
    }
    let rows = db::list_live(pool, &scope, Some(&ids), ListOrder::Title, 500).await?;
    let mut counts: HashMap<i64, i64> = HashMap::new();
    for row in &rows {
        *counts.entry(row.category_id).or_default() += 1;
    }
    let link = tree(&categories, &counts)
        .into_iter()
        .flat_map(|root| std::iter::once(root.clone()).chain(root.children))
        .find(|c| c.slug == slug);
    // A category with nothing the reader may see looks like one that does not exist.
    let category = link.ok_or(Error::NotFound)?;
    Ok(KbCategoryData {
        crumbs: crumbs(&categories, found.id),
        category,
        articles: rows
            .iter()
            .filter(|r| r.category_id == found.id)
            .map(|r| summary(zone, r, &categories))
            .collect(),
    })
}

pub async fn article(
    reader: &Reader,
    pool: &PgPool,
    slug: &str,
    from_search: Option<i64>,
) -> Result<ArticleView, Error> {
    let (zone, actor) = (reader.zone(), reader.actor());
    let scope = policy::article_scope(actor);
    let reader_id = actor.map(|a| a.user_id);
    let found = db::live_by_slug(pool, &scope, slug, reader_id)
        .await?
        .ok_or(Error::NotFound)?;
    let categories = db::categories(pool).await?;
    let related = db::related(pool, &scope, &found, 5).await?;
    if let Some(log_id) = from_search {
        search_log::record_click(pool, log_id, found.id, reader_id).await?;
    }
    let rendered = markdown::render_article(&found.body);
    let audience = Audience::parse(&found.audience).unwrap_or(Audience::Internal);
    Ok(ArticleView {
        id: found.id,
        revision_id: found.revision_id,
        slug: found.slug.clone(),
        title: found.title.clone(),
        summary: found.summary.clone(),
        kind: ArticleKind::parse(&found.kind).unwrap_or(ArticleKind::Knowledge),
        audience_note: (audience != Audience::Public).then(|| audience.label().to_string()),
        crumbs: crumbs(&categories, found.category_id),
        html: rendered.html,
        toc: if rendered.toc.len() >= TOC_MIN_HEADINGS {
            rendered.toc
        } else {
            Vec::new()
        },
        tags: found.tags.clone(),
        updated: zone.date_time(found.updated_at),
        helpful_yes: found.helpful_yes,
        helpful_no: found.helpful_no,
        signed_in: actor.is_some(),
        voted: found.voted,
        related: related
            .iter()
            .map(|r| summary(zone, r, &categories))
            .collect(),
        edit_id: is_writer(actor).then_some(found.id),
        can_open_case: policy::allows(actor, &Action::OpenCase),
    })
}

/// Count a vote on the published revision the reader saw. A vote on an older
/// revision, twice, or on an article the reader may not see changes nothing.
pub async fn vote(
    reader: &Reader,
    pool: &PgPool,
    slug: &str,
    revision_id: i64,
    helpful: bool,
) -> Result<(), Error> {
    let actor = reader.signed_in()?;
    policy::authorize(Some(actor), &Action::VoteOnArticle)?;
    let scope = policy::article_scope(Some(actor));
    let found = db::readable_id(pool, &scope, slug)
        .await?
        .ok_or(Error::NotFound)?;
    db::vote(pool, found, revision_id, actor.user_id, helpful).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn category(id: i64, parent_id: Option<i64>, slug: &str) -> CategoryRow {
        CategoryRow {
            id,
            parent_id,
            slug: slug.to_string(),
            name: slug.to_uppercase(),
            description: String::new(),
        }
    }

    #[test]
    fn the_tree_counts_children_and_hides_empty_categories() {
        let categories = vec![
            category(1, None, "using"),
            category(2, Some(1), "cases"),
            category(3, Some(1), "account"),
            category(4, None, "empty"),
        ];
        let counts = HashMap::from([(2, 3), (1, 1)]);
        let tree = tree(&categories, &counts);
        assert_eq!(tree.len(), 1);
        assert_eq!(tree[0].article_count, 4);
        assert_eq!(tree[0].children.len(), 1);
        assert_eq!(tree[0].children[0].slug, "cases");
        assert_eq!(
            crumbs(&categories, 2),
            vec![
                ("using".to_string(), "USING".to_string()),
                ("cases".to_string(), "CASES".to_string())
            ]
        );
    }
}
