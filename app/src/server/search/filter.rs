//! Filters as query clauses: who may see what (the reader's `ArticleScope`),
//! and the kind and category a reader picked.
//!
//! The scope is part of every query the engine runs, never applied to the
//! hits afterwards, so totals, facet counts and snippets cannot count or
//! show an article the reader may not see.

use super::schema::{Fields, EVERYONE};
use crate::domain::ArticleKind;
use crate::server::policy::ArticleScope;
use tantivy::query::{BooleanQuery, ConstScoreQuery, EmptyQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::Term;

fn term_query(term: Term) -> Box<dyn Query> {
    Box::new(TermQuery::new(term, IndexRecordOption::Basic))
}

/// The articles `scope` may read, the same rule as `ArticleScope::may_read`:
/// an audience the reader belongs to, and meant for everyone or the reader's
/// organization (staff: any organization). Published only.
pub fn scope(scope: &ArticleScope, fields: &Fields) -> Box<dyn Query> {
    if scope.audiences.is_empty() {
        return Box::new(EmptyQuery);
    }
    let audiences = scope
        .audiences
        .iter()
        .map(|a| term_query(Term::from_field_text(fields.audience, a.as_str())))
        .collect();
    let mut must: Vec<Box<dyn Query>> = vec![
        Box::new(BooleanQuery::union(audiences)),
        term_query(Term::from_field_bool(fields.published, true)),
    ];
    if !scope.staff {
        let mut organizations = vec![term_query(Term::from_field_i64(
            fields.organization,
            EVERYONE,
        ))];
        if let Some(own) = scope.organization_id.filter(|id| *id != EVERYONE) {
            organizations.push(term_query(Term::from_field_i64(fields.organization, own)));
        }
        must.push(Box::new(BooleanQuery::union(organizations)));
    }
    Box::new(BooleanQuery::intersection(must))
}

pub fn kind(kind: ArticleKind, fields: &Fields) -> Box<dyn Query> {
    term_query(Term::from_field_text(fields.kind, kind.as_str()))
}

/// The category with this slug and all its subcategories.
pub fn category(slug: &str, fields: &Fields) -> Box<dyn Query> {
    term_query(Term::from_field_text(fields.category_slugs, slug))
}

/// `query`, restricted by `filters`. Filters add nothing to the score.
pub fn restrict(query: Box<dyn Query>, filters: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    let mut clauses = vec![(Occur::Must, query)];
    for filter in filters {
        clauses.push((
            Occur::Must,
            Box::new(ConstScoreQuery::new(filter, 0.0)) as Box<dyn Query>,
        ));
    }
    Box::new(BooleanQuery::new(clauses))
}
