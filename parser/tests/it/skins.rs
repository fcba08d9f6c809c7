//! Each family names the skin of a page by the names `../shared/families.md` uses, for the
//! reports of `sites probe` and `sites check`: every skin fixture names its own skin, and a
//! family with one markup names none.

use epaper_parser::families::{self, Family};

fn family(name: &str) -> &'static Family {
    families::by_name(name).unwrap_or_else(|| panic!("no family {name}"))
}

#[test]
fn every_skin_fixture_names_its_skin() {
    let cases: [(&str, &str, &str); 19] = [
        (
            "founder-new",
            include_str!("../fixtures/founder_new/navlist_page.html"),
            "nav-list",
        ),
        (
            "founder-new",
            include_str!("../fixtures/founder_new/layoutlist_page.html"),
            "layoutlist",
        ),
        (
            "founder-new",
            include_str!("../fixtures/founder_new/chunkicon_page.html"),
            "Chunkicon",
        ),
        (
            "founder-new",
            include_str!("../fixtures/founder_new/therestlist_page.html"),
            "Therestlist",
        ),
        (
            "founder-new",
            include_str!("../fixtures/founder_new/webtree_page.html"),
            "webtree",
        ),
        (
            "founder-new",
            include_str!("../fixtures/founder_new/rmrb_page.html"),
            "headlines-only",
        ),
        (
            "founder-new",
            include_str!("../fixtures/founder_new/gmrb_page.html"),
            "headlines-only",
        ),
        ("founder-classic", crate::classic_page::KJB_PAGE, "plain"),
        (
            "founder-classic",
            include_str!("../fixtures/classic/bmdh_node_2.htm"),
            "bmdh",
        ),
        (
            "founder-classic",
            include_str!("../fixtures/classic/catalogue_node_1.htm"),
            "layout-catalogue",
        ),
        (
            "founder-classic",
            include_str!("../fixtures/classic/ednav_node_79.htm"),
            "main-ednav",
        ),
        (
            "paper-index",
            include_str!("../fixtures/paper_index/Page01TB.htm"),
            "banci",
        ),
        (
            "paper-index",
            include_str!("../fixtures/paper_index/PageA01BC.htm"),
            "banmianlist_box",
        ),
        (
            "paper-index",
            include_str!("../fixtures/paper_index/PageArticleIndexLB.htm"),
            "PageArticleIndex",
        ),
        (
            "paper-index",
            include_str!("../fixtures/paper_index/fzrb_Page02TB.htm"),
            "atitle",
        ),
        (
            "bjrbdzb",
            include_str!("../fixtures/bjrb/20250618_m.html"),
            "bjrbdzb",
        ),
        (
            "bjrbdzb",
            include_str!("../fixtures/bjrb/20250618_002.html"),
            "plist",
        ),
        (
            "nbs",
            include_str!("../fixtures/nbs/nbs.D110000renmrb_02.htm"),
            "",
        ),
        ("read-do", include_str!("../fixtures/read_do/page.html"), ""),
    ];
    for (name, html, skin) in cases {
        let named = (family(name).skin)(html);
        let want = (!skin.is_empty()).then_some(skin);
        let start: String = html.chars().take(300).collect();
        assert_eq!(named, want, "{name}: {start}");
    }
}

#[test]
fn a_profile_layout_name_finds_its_family_and_no_other() {
    for family in families::FAMILIES {
        assert_eq!(families::by_name(family.name).unwrap().name, family.name);
    }
    assert!(families::by_name("selectors").is_none());
    assert!(families::by_name("nav-list").is_none());
}
