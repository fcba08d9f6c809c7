//! The faults of `--faults permanent`, in the first issue of the classic layout: documents
//! that 404 forever, a redirect loop, an off-site redirect, an oversized body, two articles in
//! GBK, and two off days after the last issue. The manifest's `permanent` section says what
//! was done, so tests compare the archive with it.

use std::collections::HashMap;

use super::*;

/// Applies the permanent faults to the first issue of `paper` (its pages by index, when it has
/// them) and adds two off days after the last issue; returns what the manifest says of them.
pub(super) fn permanent_faults(
    paper: &Paper,
    base_url: &str,
    offsite_base_url: &str,
    resources: &mut HashMap<String, Resource>,
    specials: &mut HashMap<String, Special>,
) -> ManifestPermanent {
    let mut out = ManifestPermanent {
        absent_dates: Vec::new(),
        partial_dates: Vec::new(),
        failures: Vec::new(),
        unreachable_articles: Vec::new(),
        gbk_articles: Vec::new(),
        offsite_base_url: offsite_base_url.to_string(),
    };
    let Some(issue) = paper.issues.first() else {
        return out;
    };
    break_documents(
        issue,
        base_url,
        offsite_base_url,
        resources,
        specials,
        &mut out,
    );
    encode_in_gbk(issue, base_url, resources, &mut out);
    if !out.failures.is_empty() {
        out.partial_dates.push(issue.date.to_string());
    }
    let last = paper.issues.last().expect("an issue").date;
    out.absent_dates = add_off_days(last, resources, specials);
    out
}

/// A page and an article that 404 forever, a redirect loop, an off-site redirect and an
/// oversized body, all in `issue`, recorded in `out`.
fn break_documents(
    issue: &generate::Issue,
    base_url: &str,
    offsite_base_url: &str,
    resources: &mut HashMap<String, Resource>,
    specials: &mut HashMap<String, Special>,
    out: &mut ManifestPermanent,
) {
    let article = |page: usize, k: usize| {
        issue
            .pages
            .get(page)
            .and_then(|p| p.articles.get(k))
            .map(|a| issue.article_url(a))
    };
    let mut fail = |path: String, kind, fault| {
        out.failures.push(ManifestFailure {
            url: format!("{base_url}{path}"),
            kind,
            fault,
        })
    };
    // The last page (never the entry page) 404s forever, and with it its articles are unknown.
    if issue.pages.len() > 1 {
        let page = issue.pages.last().expect("pages");
        resources.remove(&issue.page_url(page));
        fail(issue.page_url(page), "page", "not_found");
        for a in &page.articles {
            out.unreachable_articles
                .push(format!("{base_url}{}", issue.article_url(a)));
        }
    }
    if let Some(path) = article(0, 0) {
        resources.remove(&path);
        fail(path, "article", "not_found");
    }
    if let Some(path) = article(0, 1) {
        specials.insert(path.clone(), Special::Redirect(format!("/{path}")));
        fail(path, "article", "redirect_loop");
    }
    if let Some(path) = article(1, 0) {
        let location = format!("{offsite_base_url}{path}");
        specials.insert(path.clone(), Special::Redirect(location));
        fail(path, "article", "offsite_redirect");
    }
    if let Some(path) = article(1, 1) {
        specials.insert(path.clone(), Special::Oversized(OVERSIZED_BYTES));
        fail(path, "article", "oversized");
    }
}

/// Two articles of the third page re-encoded in GBK: one declares it, one declares nothing.
fn encode_in_gbk(
    issue: &generate::Issue,
    base_url: &str,
    resources: &mut HashMap<String, Resource>,
    out: &mut ManifestPermanent,
) {
    let articles = issue.pages.get(2).map(|p| &p.articles[..]).unwrap_or(&[]);
    for (article, declared) in articles.iter().zip([true, false]) {
        let path = issue.article_url(article);
        let Some(resource) = resources.get_mut(&path) else {
            continue;
        };
        let text = String::from_utf8(resource.body.clone()).expect("rendered as UTF-8");
        let text = if declared {
            text.replace("charset=utf-8", "charset=gbk")
        } else {
            text.replace("; charset=utf-8", "")
        };
        let (bytes, _, unmappable) = encoding_rs::GBK.encode(&text);
        assert!(!unmappable, "the sample text is all in GBK");
        resource.body = bytes.into_owned();
        resource.content_type = if declared {
            "text/html; charset=gbk"
        } else {
            "text/html"
        };
        out.gbk_articles.push(format!("{base_url}{path}"));
    }
}

/// The two days after `last` have no issue: the first entry 404s, the second redirects to a
/// not-found page. Returns those dates.
fn add_off_days(
    last: chrono::NaiveDate,
    resources: &mut HashMap<String, Resource>,
    specials: &mut HashMap<String, Special>,
) -> Vec<String> {
    let (off, redirected) = (last + chrono::Days::new(1), last + chrono::Days::new(2));
    let entry = |date: chrono::NaiveDate| date.format("html/%Y-%m/%d/node_1.htm").to_string();
    resources.remove(&entry(off));
    specials.insert(
        entry(redirected),
        Special::Redirect("/notfound.htm".to_string()),
    );
    resources.insert(
        "notfound.htm".to_string(),
        Resource {
            content_type: HTML,
            body: "<html><head><title>提示</title></head><body>对不起，该日无报纸</body></html>"
                .as_bytes()
                .to_vec(),
        },
    );
    vec![off.to_string(), redirected.to_string()]
}
