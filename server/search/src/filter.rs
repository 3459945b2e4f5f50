//! Filters as query clauses: who may see what (the reader's `ArticleScope`),
//! and the kind and category a reader picked.
//!
//! The scope is part of every query the engine runs, never applied to the
//! hits afterwards, so totals, facet counts and snippets cannot count or
//! show an article the reader may not see.

use super::schema::{Fields, Visibility, EVERYONE, VISIBILITY_FIELD};
use rapport_types::ArticleKind;
use rapport_types::ArticleScope;
use tantivy::query::doc_predicate_query::{DocPredicateQuery, FunctionPredicate};
use tantivy::query::{BooleanQuery, ConstScoreQuery, EmptyQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, SegmentReader, Term};

fn term_query(term: Term) -> Box<dyn Query> {
    Box::new(TermQuery::new(term, IndexRecordOption::Basic))
}

/// The articles `scope` may read, the same rule as `ArticleScope::may_read`:
/// an audience the reader belongs to, and meant for everyone or the reader's
/// organization (staff: any organization). Published only.
///
/// A Must clause like any other, but evaluated per candidate on one fast
/// column (`Visibility`) rather than as postings: nearly every article
/// passes it, so walking its postings would cost more than the words' own;
/// this way the words lead and the scope is a check on each of their matches.
pub fn scope(scope: &ArticleScope, _fields: &Fields) -> Box<dyn Query> {
    let audiences = Visibility::audience_mask(&scope.audiences);
    if audiences == 0 {
        return Box::new(EmptyQuery);
    }
    let any_organization = scope.staff;
    let own_organization = scope.organization_id.unwrap_or(EVERYONE);
    let predicate = FunctionPredicate::from(move |segment: &SegmentReader| {
        let visibility = segment.fast_fields().u64(VISIBILITY_FIELD)?;
        Ok(move |doc: DocId| {
            let Some(v) = visibility.first(doc).map(Visibility) else {
                return false;
            };
            v.published()
                && v.audience_bit() & audiences != 0
                && (any_organization
                    || v.organization() == EVERYONE
                    || v.organization() == own_organization)
        })
    });
    Box::new(DocPredicateQuery::from(predicate))
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
