//! `epaper sites`: the site profiles (`sites.dir` with the bundled ones), one a line in aligned
//! columns (id, name, layout, schedule, base URL, where it came from), then a count per layout.
//!
//! There are a hundred papers, so the columns are padded to the widest entry by display width
//! (a Chinese name takes two terminal columns a character), not by `char`s: a table a reader can
//! scan down, not a ragged list.

use std::collections::BTreeMap;

use epaper_common::config::Settings;
use epaper_common::sites::{IssueIndex, MonthParam, Profile, Schedule, Site, Sites};
use unicode_width::UnicodeWidthStr;

const HEADER: [&str; 6] = ["ID", "NAME", "LAYOUT", "SCHEDULE", "BASE URL", "SOURCE"];

pub fn run(settings: &Settings) -> anyhow::Result<()> {
    let sites = Sites::load(&settings.sites)?;
    print!("{}", table(sites.all()));
    Ok(())
}

/// The listing: a header, a line a profile, and the count line.
fn table(sites: &[Site]) -> String {
    let rows: Vec<[String; 6]> = std::iter::once(HEADER.map(str::to_string))
        .chain(sites.iter().map(row))
        .collect();
    let mut widths = [0; 6];
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.width());
        }
    }
    let mut out = String::new();
    for row in &rows {
        let mut line = String::new();
        for (cell, width) in row.iter().zip(widths) {
            line.push_str(cell);
            line.extend(std::iter::repeat_n(' ', width - cell.width() + 2));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.push_str(&summary(sites.iter().map(|site| &site.profile)));
    out.push('\n');
    out
}

fn row(site: &Site) -> [String; 6] {
    let profile = &site.profile;
    [
        profile.id.clone(),
        profile.name.clone(),
        layout(profile),
        schedule(profile.schedule),
        profile
            .base_url
            .clone()
            .unwrap_or_else(|| "(base URL given at run time)".to_string()),
        site.source.to_string(),
    ]
}

/// The current layout, the issue index it is entered through (read.do's month index, with
/// the paper's id), and how many earlier layouts the paper had (its eras).
fn layout(profile: &Profile) -> String {
    let mut text = profile.layout.name().to_string();
    if let Some(IssueIndex::ReadDo {
        newspaper_id,
        month_param,
    }) = profile.issue_index
    {
        let month = match month_param {
            MonthParam::Date => "",
            MonthParam::Yyyymm => ", yyyymm",
        };
        text.push_str(&format!(
            " [month index, newspaperId {newspaper_id}{month}]"
        ));
    }
    match profile.eras.len() {
        0 => text,
        1 => format!("{text} (+1 era)"),
        n => format!("{text} (+{n} eras)"),
    }
}

/// As a profile spells it: `daily`, `weekly:tue`.
fn schedule(schedule: Schedule) -> String {
    match schedule {
        Schedule::Daily => "daily".to_string(),
        Schedule::Weekly(day) => format!("weekly:{}", day.to_string().to_lowercase()),
    }
}

/// `70 profiles: 30 founder-new, 20 founder-classic, …`: the most used layout first.
fn summary<'a>(profiles: impl Iterator<Item = &'a Profile>) -> String {
    let mut by_layout: BTreeMap<&str, usize> = BTreeMap::new();
    let mut total = 0;
    for profile in profiles {
        *by_layout.entry(profile.layout.name()).or_default() += 1;
        total += 1;
    }
    let mut counts: Vec<(&str, usize)> = by_layout.into_iter().collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let counts: Vec<String> = counts
        .iter()
        .map(|(layout, n)| format!("{n} {layout}"))
        .collect();
    let noun = if total == 1 { "profile" } else { "profiles" };
    format!("{total} {noun}: {}", counts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text of `line` from terminal column `column` on.
    fn from_column(line: &str, column: usize) -> &str {
        let mut width = 0;
        for (at, c) in line.char_indices() {
            if width >= column {
                return &line[at..];
            }
            width += c.to_string().width();
        }
        ""
    }

    #[test]
    fn columns_line_up_by_display_width_and_the_last_line_counts_layouts() {
        let sites = Sites::bundled();
        let out = table(sites.all());
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), sites.all().len() + 2, "{out}");
        // The layout column starts at the same terminal column on every line, whatever the
        // width of the Chinese names before it.
        let column = lines[0][..lines[0].find("LAYOUT").unwrap()].width();
        for (line, site) in lines[1..].iter().zip(sites.all()) {
            assert!(
                from_column(line, column).starts_with(site.profile.layout.name()),
                "{line:?}\n{out}"
            );
        }
        let rmrb = lines.iter().find(|l| l.starts_with("rmrb ")).unwrap();
        assert!(
            rmrb.contains("人民日报") && rmrb.contains("founder-new (+1 era)"),
            "{rmrb}"
        );
        assert!(out.contains("weekly:tue"), "{out}");
        let aqwb = lines.iter().find(|l| l.starts_with("aqwb ")).unwrap();
        assert!(
            aqwb.contains("read-do [month index, newspaperId 2]"),
            "{aqwb}"
        );
        let hkrb = lines.iter().find(|l| l.starts_with("hkrb ")).unwrap();
        assert!(
            hkrb.contains("read-do [month index, newspaperId 1, yyyymm]"),
            "{hkrb}"
        );
        let last = lines.last().unwrap();
        assert!(
            last.starts_with(&format!("{} profiles: ", sites.all().len())),
            "{last}"
        );
    }

    #[test]
    fn the_count_line_puts_the_most_used_layout_first() {
        let profiles: Vec<Profile> = ["rmrb", "kjrb", "hnsb", "gmrb"]
            .iter()
            .map(|id| epaper_common::sites::get(id).unwrap())
            .collect();
        assert_eq!(
            summary(profiles.iter()),
            "4 profiles: 2 founder-classic, 1 founder-new, 1 nbs"
        );
        assert_eq!(summary(profiles[..1].iter()), "1 profile: 1 founder-new");
    }
}
