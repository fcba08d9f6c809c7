//! `/`: per site the issues of the archive as month calendars coloured by state, newest month
//! first, and the queue backlogs.

use std::collections::BTreeMap;

use axum::extract::State;
use chrono::{Datelike, NaiveDate};
use maud::{Markup, html};

use super::Shared;
use super::backlog::backlog_panel;
use super::checks::query_value;
use super::page::{Page, page};

pub(super) async fn index(State(console): State<Shared>) -> Page {
    let issues = console.store.issue_list(None).await?;
    let mut by_site: BTreeMap<&str, BTreeMap<NaiveDate, &str>> = BTreeMap::new();
    for issue in &issues {
        by_site
            .entry(&issue.site)
            .or_default()
            .insert(issue.date, issue.state.as_str());
    }
    let body = html! {
        p.legend {
            span.complete { "complete" } span.partial { "partial" } span.failed { "failed" }
            span.absent { "absent" } span.in-progress { "in progress" }
        }
        @if by_site.is_empty() {
            p { "The archive holds no issue yet." }
        }
        @for (site, days) in &by_site {
            h2 id={ "site-" (site) } { (site) }
            // Months from the newest issue back, each a grid of weeks starting on Monday.
            @for (year, month) in months_of(days) {
                (month_grid(site, year, month, days))
            }
        }
        (backlog_panel(&console))
    };
    Ok(page("epaper archive", body))
}

/// The (year, month) pairs of `days`, newest first.
fn months_of(days: &BTreeMap<NaiveDate, &str>) -> Vec<(i32, u32)> {
    let mut months: Vec<(i32, u32)> = days.keys().map(|d| (d.year(), d.month())).collect();
    months.dedup();
    months.reverse();
    months
}

/// The weeks of a month, Monday first, `None` before the first day. Built from the dates chrono
/// can represent: the month of `NaiveDate::MAX` ends there, without a next day to ask for.
fn weeks_of(year: i32, month: u32) -> Vec<Vec<Option<NaiveDate>>> {
    let Some(first) = NaiveDate::from_ymd_opt(year, month, 1) else {
        return Vec::new();
    };
    let blanks = first.weekday().num_days_from_monday() as usize;
    let cells: Vec<Option<NaiveDate>> = std::iter::repeat_n(None, blanks)
        .chain(
            // Not `iter_days`, which never yields `NaiveDate::MAX`.
            std::iter::successors(Some(first), |d| d.succ_opt())
                .take_while(|d| d.month() == month)
                .map(Some),
        )
        .collect();
    cells.chunks(7).map(<[_]>::to_vec).collect()
}

fn month_grid(site: &str, year: i32, month: u32, days: &BTreeMap<NaiveDate, &str>) -> Markup {
    html! {
        table.cal {
            caption { (format!("{year}-{month:02}")) }
            tr { @for name in ["一", "二", "三", "四", "五", "六", "日"] { th { (name) } } }
            @for week in weeks_of(year, month) {
                tr {
                    @for cell in week {
                        @match cell.map(|day| (day, days.get(&day))) {
                            Some((day, Some(state))) => {
                                td class=(state) data-date=(day) title=(format!("{day} {state}")) {
                                    a href=(format!("/issue/{}/{day}", query_value(site))) {
                                        (day.day())
                                    }
                                }
                            }
                            Some((day, None)) => { td { (day.day()) } }
                            None => { td {} }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_end_at_the_last_representable_date() {
        let last = NaiveDate::MAX;
        let weeks = weeks_of(last.year(), last.month());
        let days: Vec<NaiveDate> = weeks.iter().flatten().flatten().copied().collect();
        assert_eq!(days.last(), Some(&last));
        assert_eq!(days.len() as u32, last.day());
        let march = weeks_of(2024, 3);
        assert_eq!(
            march[0][..4],
            [None, None, None, None],
            "1 March 2024 was a Friday"
        );
        assert_eq!(march.iter().flatten().flatten().count(), 31);
    }
}
