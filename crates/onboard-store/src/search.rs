//! How both backends answer a search (SPEC §10): the shared limits of counting and walking,
//! and the searchable texts as they store them.

use crate::SEARCH_COUNT_CAP;

/// One more than [`SEARCH_COUNT_CAP`]: backends stop counting a search there.
pub(crate) const COUNT_LIMIT: u64 = SEARCH_COUNT_CAP + 1;

/// Up to this many matches, a search page is made by fetching every match and sorting them;
/// beyond, by walking the list order and testing each row in place.
pub(crate) const SORT_MATCHES_MAX: u64 = 1000;

/// Rows of the list order a search walks before it gives up and sorts every match: a page
/// found within them is the true page (the walk is a prefix of the list order), and at one
/// match in 250 rows or denser a first page is found well within it.
pub(crate) const WALK_ROWS: u64 = 5000;

/// The searchable texts of an e-Service as both backends store them: its name, then its
/// services, lowercased like the query (SPEC §10 matches them case-insensitively).
pub(crate) fn folded_texts(name: &str, services: &[String]) -> Vec<String> {
    std::iter::once(name)
        .chain(services.iter().map(String::as_str))
        .map(str::to_lowercase)
        .collect()
}

/// Separates the texts in a row's `search_fold`: a control character, so that a query
/// holding one is never tested in place (see [`tested_in_place`]).
const FOLD_SEPARATOR: &str = "\u{1f}";

/// The `search_fold` of an e-Service row: its [`folded_texts`] joined, so that a walk of
/// the list order tests a row without reading its texts elsewhere.
pub(crate) fn search_fold(texts: &[String]) -> String {
    texts.join(FOLD_SEPARATOR)
}

/// Whether the lowercased query can be tested in place against `search_fold`: a control
/// character could meet the separator and match across two texts.
pub(crate) fn tested_in_place(folded: &str) -> bool {
    !folded.chars().any(char::is_control)
}
