//! Counts per kind and category, in one pass over the matches.
//!
//! Every article carries one key, `kind/top-level/subcategory` (e.g.
//! `training/getting-started/cases`), in a fast column. A collector counts
//! matches per key (one column read per match); totals and both facets are
//! then added up from those few keys. This is cheaper than a facet collector
//! per facet plus a count, and it gives the counts the reader needs to
//! switch filters: kinds within the chosen category, categories of the
//! chosen kind, from the same pass.

use rapport_types::ArticleKind;
use std::collections::HashMap;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// The fast field holding each article's key.
pub const FACET_KEY_FIELD: &str = "facet_key";

/// The key of an article of `kind` on category `path` (slugs, top first).
pub fn key(kind: ArticleKind, path: &[&str]) -> String {
    let mut key = kind.as_str().to_string();
    for slug in path {
        key.push('/');
        key.push_str(slug);
    }
    key
}

/// Matches per key.
pub type KeyCounts = HashMap<String, u64>;

/// Counts matches per key.
pub struct KeyCollector;

pub struct KeySegmentCollector {
    column: Option<StrColumn>,
    ords: Option<Column<u64>>,
    counts: Vec<u64>,
}

impl Collector for KeyCollector {
    type Fruit = KeyCounts;
    type Child = KeySegmentCollector;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<KeySegmentCollector> {
        let column = reader.fast_fields().str(FACET_KEY_FIELD)?;
        let ords = column.as_ref().map(|c| c.ords().clone());
        let terms = column.as_ref().map_or(0, |c| c.num_terms());
        Ok(KeySegmentCollector {
            column,
            ords,
            counts: vec![0; terms],
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segments: Vec<KeyCounts>) -> tantivy::Result<KeyCounts> {
        let mut all = KeyCounts::new();
        for counts in segments {
            for (key, n) in counts {
                *all.entry(key).or_default() += n;
            }
        }
        Ok(all)
    }
}

impl SegmentCollector for KeySegmentCollector {
    type Fruit = KeyCounts;

    fn collect(&mut self, doc: DocId, _score: Score) {
        if let Some(ord) = self.ords.as_ref().and_then(|ords| ords.first(doc)) {
            if let Some(count) = self.counts.get_mut(ord as usize) {
                *count += 1;
            }
        }
    }

    fn harvest(self) -> KeyCounts {
        let mut out = KeyCounts::new();
        let Some(column) = self.column else {
            return out;
        };
        let mut key = String::new();
        for (ord, n) in self.counts.into_iter().enumerate() {
            if n > 0 && column.ord_to_str(ord as u64, &mut key).unwrap_or(false) {
                *out.entry(std::mem::take(&mut key)).or_default() += n;
            }
        }
        out
    }
}

/// Totals from key counts, for a search filtered by `kind` and `category`
/// (a category matches its subcategories): the total with both filters,
/// the kinds within the category filter, the categories within the kind filter.
pub struct Summary {
    pub total: u64,
    pub kinds: Vec<(ArticleKind, u64)>,
    pub categories: Vec<(String, u64)>,
}

pub fn summarize(counts: &KeyCounts, kind: Option<ArticleKind>, category: Option<&str>) -> Summary {
    let mut total = 0;
    let mut kinds: HashMap<ArticleKind, u64> = HashMap::new();
    let mut categories: HashMap<&str, u64> = HashMap::new();
    for (key, &n) in counts {
        let mut parts = key.split('/');
        let Some(this_kind) = parts.next().and_then(ArticleKind::parse) else {
            continue;
        };
        let path: Vec<&str> = parts.filter(|s| !s.is_empty()).collect();
        let in_category = category.is_none_or(|c| path.contains(&c));
        let of_kind = kind.is_none_or(|k| k == this_kind);
        if in_category {
            *kinds.entry(this_kind).or_default() += n;
        }
        if of_kind {
            for slug in &path {
                *categories.entry(slug).or_default() += n;
            }
        }
        if in_category && of_kind {
            total += n;
        }
    }
    let kinds = ArticleKind::ALL
        .into_iter()
        .filter_map(|k| kinds.get(&k).map(|n| (k, *n)))
        .collect();
    let mut categories: Vec<(String, u64)> = categories
        .into_iter()
        .map(|(slug, n)| (slug.to_string(), n))
        .collect();
    categories.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Summary {
        total,
        kinds,
        categories,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_and_facets_follow_the_other_filter() {
        let counts: KeyCounts = [
            (key(ArticleKind::Knowledge, &["start", "cases"]), 5),
            (key(ArticleKind::Training, &["start", "cases"]), 2),
            (key(ArticleKind::Knowledge, &["start", "accounts"]), 3),
            (key(ArticleKind::Knowledge, &["billing"]), 4),
        ]
        .into_iter()
        .collect();
        let all = summarize(&counts, None, None);
        assert_eq!(all.total, 14);
        assert_eq!(
            all.kinds,
            vec![(ArticleKind::Knowledge, 12), (ArticleKind::Training, 2)]
        );
        assert_eq!(
            all.categories,
            vec![
                ("start".to_string(), 10),
                ("cases".into(), 7),
                ("billing".into(), 4),
                ("accounts".into(), 3)
            ]
        );
        let in_start = summarize(&counts, None, Some("start"));
        assert_eq!(in_start.total, 10);
        assert_eq!(
            in_start.kinds,
            vec![(ArticleKind::Knowledge, 8), (ArticleKind::Training, 2)]
        );
        assert_eq!(in_start.categories, all.categories);
        let training_in_start = summarize(&counts, Some(ArticleKind::Training), Some("start"));
        assert_eq!(training_in_start.total, 2);
        assert_eq!(training_in_start.kinds, in_start.kinds);
        assert_eq!(
            training_in_start.categories,
            vec![("cases".to_string(), 2), ("start".into(), 2)]
        );
        assert_eq!(summarize(&KeyCounts::new(), None, None).total, 0);
    }
}
