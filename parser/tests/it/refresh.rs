//! Pages that are only a meta refresh (`epaper_parser::refresh_target`): the PaperIndex
//! entries in `fixtures/paper_index/` lead on to the issue, and no page or article fixture of
//! any family is taken for one.

use epaper_parser::refresh_target;

use crate::support::gbk_with_crlf;

const PAPER_INDEX: &str = include_str!("../fixtures/paper_index/PaperIndex.htm");
const ISSUE_INDEX: &str = include_str!("../fixtures/paper_index/IssueIndex.htm");

#[test]
fn paper_index_entries_lead_to_the_issue_and_its_first_page() {
    let site = "http://paper.example.cn/dzrb/content/PaperIndex.htm";
    assert_eq!(
        refresh_target(site, &gbk_with_crlf(PAPER_INDEX), Some("text/html")),
        Some("http://paper.example.cn/dzrb/content/20250617/IssueIndex.htm".to_string())
    );
    let issue = "http://paper.example.cn/dzrb/content/20250617/IssueIndex.htm";
    assert_eq!(
        refresh_target(issue, ISSUE_INDEX.as_bytes(), None),
        Some("http://paper.example.cn/dzrb/content/20250617/Page01TB.htm".to_string())
    );
}

/// Every page and article fixture (each family's, the hostile ones too) has text or links of
/// its own: none is taken for a refresh page, whatever its metas.
#[test]
fn no_family_fixture_is_a_refresh_page() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut n_read = 0;
    for family in std::fs::read_dir(&root).unwrap() {
        let family = family.unwrap().path();
        if !family.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&family).unwrap() {
            let file = file.unwrap().path();
            let name = file.file_name().unwrap().to_string_lossy().to_string();
            let is_document = [".htm", ".html", ".shtml", ".jsp"]
                .iter()
                .any(|ext| name.to_ascii_lowercase().ends_with(ext));
            if !is_document || name == "PaperIndex.htm" || name == "IssueIndex.htm" {
                continue;
            }
            let bytes = std::fs::read(&file).unwrap();
            let url = format!("http://paper.example.cn/x/{name}");
            assert_eq!(
                refresh_target(&url, &bytes, None),
                None,
                "{}",
                file.display()
            );
            n_read += 1;
        }
    }
    assert!(
        n_read > 20,
        "only {n_read} fixtures read from {}",
        root.display()
    );
}
