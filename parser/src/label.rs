//! The 版 label: the number and name of a page (`第01版：要闻`), which a page list gives every
//! page and a page or article prints for itself. Every layout writes it in one of a few
//! spellings, so one reader serves them all.

use epaper_common::messages::PageRef;

use crate::text::{clean, non_empty};

regex!(
    PAGE_LABEL,
    r"^\s*第?\s*([A-Za-z]*\d+)\s*(?:版\s*[:：]?|[:：])\s*(.*)$"
);

/// A 版's number and name, each `None` when the document does not say.
pub type Label = (Option<String>, Option<String>);

/// Splits a label such as `第01版：要闻` into (`01`, `要闻`), `第 A01 版 综 合` into
/// (`A01`, `综 合`) and `A01： 头版` (江西日报's hidden page menu) into (`A01`, `头版`).
pub fn split_page_label(label: &str) -> Label {
    let label = clean(label);
    match PAGE_LABEL.captures(&label) {
        Some(caps) => (non_empty(&caps[1]), non_empty(&clean(&caps[2]))),
        None => (None, non_empty(&label)),
    }
}

/// The first of the printed `labels` that names a 版 number, split; neither part when none
/// does (a name without a number is a heading, not this 版's label).
pub fn first_numbered(labels: impl IntoIterator<Item = String>) -> Label {
    labels
        .into_iter()
        .map(|label| split_page_label(&label))
        .find(|(no, _)| no.is_some())
        .unwrap_or((None, None))
}

/// A page's own label: its entry in the issue's page list when that names its number, else
/// the label printed on the page (`printed`).
pub fn of_page(pages: &[PageRef], own_url: &str, printed: impl FnOnce() -> Label) -> Label {
    let listed = pages
        .iter()
        .find(|page| page.url == own_url)
        .map(|page| (page.page_no.clone(), page.page_name.clone()));
    match listed {
        Some(label @ (Some(_), _)) => label,
        _ => printed(),
    }
}
