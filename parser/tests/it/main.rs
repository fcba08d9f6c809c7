//! `epaper_parser::parse` end to end from served bytes, one module per layout family and per
//! concern (decoding, detection, hostile input, robustness, the stage), in one test binary.
//!
//! The fixtures copy the markup of the real pages described in
//! `../shared/real-pages/NOTES.md` (科技日报 and 中国纪检监察报 page nodes, a 河南商报 article,
//! 人民日报 and 光明日报 pages of the newer layouts), quirks included, but every piece of text in
//! them is made up: the newspapers' text is theirs.

mod bjrb;
mod bmml;
mod classic_article;
mod classic_page;
mod classic_skins;
mod decoding;
mod detection;
mod founder_new;
mod founder_new_articles;
mod founder_new_pages;
mod hostile;
mod nbs;
mod paper_index;
mod paper_index_skins;
mod profiles;
mod qpaper;
mod read_do;
mod real_pages;
mod refresh;
mod regions;
mod robustness;
mod selectors;
mod shtml;
mod skins;
mod stage;
mod support;
