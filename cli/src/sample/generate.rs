//! The generated sample paper: deterministic issues, pages and articles in the classic Founder
//! layout. The text is assembled from phrases written for this project (no newspaper's text), so
//! it reads like a paper while being free to ship and to put in tests.
//!
//! Invariant: the same (issue count, seed) always gives the same bytes, so tests and benchmarks
//! can compare an archive against [`Paper`] field for field.

use chrono::{Datelike, NaiveDate};

/// The date of the first sample issue.
pub fn first_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 3, 4).expect("valid date")
}

#[derive(Debug, Clone)]
pub struct Paper {
    pub issues: Vec<Issue>,
}

#[derive(Debug, Clone)]
pub struct Issue {
    pub date: NaiveDate,
    pub pages: Vec<Page>,
}

#[derive(Debug, Clone)]
pub struct Page {
    /// `node_{node}.htm`
    pub node: u32,
    /// Printed label without 第 and 版, e.g. `01`.
    pub page_no: String,
    pub page_name: String,
    pub articles: Vec<Article>,
}

#[derive(Debug, Clone)]
pub struct Article {
    /// `content_{id}.htm`
    pub id: u32,
    pub pretitle: Option<String>,
    pub title: String,
    pub subtitle: Option<String>,
    /// Names only, as the byline prints them after `本报记者`.
    pub author: String,
    /// Body paragraphs in order; subheadings are paragraphs too.
    pub paragraphs: Vec<String>,
    /// Indexes into `paragraphs` that are in-body subheadings.
    pub subheadings: Vec<usize>,
    pub images: Vec<ArticleImage>,
}

#[derive(Debug, Clone)]
pub struct ArticleImage {
    pub file: String,
    pub caption: String,
}

/// A small deterministic generator (SplitMix64): reproducible without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const PAGE_NAMES: &[&str] = &[
    "要闻",
    "综 合",
    "社区公益",
    "科技教育",
    "文化",
    "观察",
    "城市",
    "副刊",
];
const PLACES: &[&str] = &[
    "青川县",
    "临河镇",
    "东湖街道",
    "南山社区",
    "白水乡",
    "北城区",
    "石桥村",
    "西岭新区",
];
const SUBJECTS: &[&str] = &[
    "社区志愿服务队",
    "乡村学校",
    "老年食堂",
    "公益基金会",
    "青年创业园",
    "儿童阅览室",
    "环保协会",
    "社会工作站",
];
const ACTIONS: &[&str] = &[
    "推出助老新举措",
    "开展暑期支教活动",
    "完成第三轮改造",
    "发布年度透明报告",
    "启动垃圾分类试点",
    "搭建线上互助平台",
    "举办社会工作交流会",
    "迎来首批返乡青年",
];
const PRETITLES: &[&str] = &["聚焦基层治理", "民生关注", "公益观察", "一线调研"];
const SUBTITLES: &[&str] = &[
    "多方协作让服务走进千家万户",
    "从一张清单到一套制度",
    "记者走访三个村镇看变化",
    "项目评估首次引入第三方",
];
const SURNAMES: &[&str] = &["林", "周", "韩", "苏", "程", "叶", "许", "方"];
const GIVEN: &[&str] = &[
    "晓川", "若溪", "明远", "思齐", "一帆", "望舒", "知行", "乐天",
];
const SUBHEADINGS: &[&str] = &[
    "从试点到推广",
    "钱从哪里来",
    "让数据说话",
    "下一步怎么走",
    "居民怎么看",
];
const SENTENCES: &[&str] = &[
    "{place}的{subject}在今年春天正式运行，每天接待居民两百余人次。",
    "负责人介绍，项目资金来自政府购买服务和社会捐赠两部分，账目每月公开。",
    "“以前办事要跑好几趟，现在在家门口就能解决。”一位居民笑着说。",
    "据统计，参与活动的志愿者已超过{n}人，其中近一半是在校大学生。",
    "专家认为，社会工作的专业化离不开稳定的人才队伍和清晰的评估标准。",
    "为了让服务更精准，工作人员挨家挨户上门登记需求，建立了详细的台账。",
    "{place}还将在年底前新增三处服务点，覆盖周边五个行政村。",
    "活动现场，孩子们围坐在一起，听老师讲述家乡的变化。",
    "该项目今年获得了{n}万元的专项支持，用于设备更新和人员培训。",
    "多位受访者表示，透明的信息公开让他们更愿意参与和捐助。",
];
const CAPTIONS: &[&str] = &[
    "活动现场",
    "志愿者为老人测量血压",
    "孩子们在阅览室读书",
    "新建成的服务中心",
];

/// The size of each issue. The default is the sample paper of contract 4: four pages of two to
/// four articles each. Benchmarks ask for bigger issues (`epaper sample-site --pages --articles`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    pub pages: usize,
    /// Articles on every page; `None` is two to four, drawn per page.
    pub articles: Option<usize>,
    /// Days from one issue to the next: 1 is a daily paper; more leaves days without an issue
    /// between them, which only the 上一期 / 下一期 links skip.
    pub every_days: u64,
}

impl Default for Shape {
    fn default() -> Shape {
        Shape {
            pages: 4,
            articles: None,
            every_days: 1,
        }
    }
}

/// Generates `n_issues` consecutive daily issues from [`first_date`].
pub fn paper(n_issues: usize) -> Paper {
    paper_shaped(n_issues, Shape::default())
}

/// [`paper`] with issues of another size; the default shape gives the same bytes as `paper`.
pub fn paper_shaped(n_issues: usize, shape: Shape) -> Paper {
    paper_from(first_date(), n_issues, shape)
}

/// [`paper_shaped`] with its first issue on `first` (`sample-site --publish-every` dates the
/// paper so that its last issue is today's).
pub fn paper_from(first: NaiveDate, n_issues: usize, shape: Shape) -> Paper {
    let mut next_id = 1000u32;
    let issues = (0..n_issues)
        .map(|issue_idx| {
            let date = first + chrono::Days::new(issue_idx as u64 * shape.every_days.max(1));
            let mut rng = Rng(date.num_days_from_ce() as u64 * 7919);
            let pages = (0..shape.pages)
                .map(|page_idx| {
                    let n_articles = shape.articles.unwrap_or_else(|| 2 + rng.below(3));
                    let articles = (0..n_articles)
                        .map(|_| {
                            next_id += 1;
                            article(&mut rng, next_id, date, page_idx + 1)
                        })
                        .collect();
                    Page {
                        node: page_idx as u32 + 1,
                        page_no: format!("{:02}", page_idx + 1),
                        page_name: PAGE_NAMES[(issue_idx + page_idx) % PAGE_NAMES.len()]
                            .to_string(),
                        articles,
                    }
                })
                .collect();
            Issue { date, pages }
        })
        .collect();
    Paper { issues }
}

fn person(rng: &mut Rng) -> String {
    format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN))
}

fn sentence(rng: &mut Rng) -> String {
    rng.pick(SENTENCES)
        .replace("{place}", rng.pick(PLACES))
        .replace("{subject}", rng.pick(SUBJECTS))
        .replace("{n}", &(50 + rng.below(900)).to_string())
}

fn article(rng: &mut Rng, id: u32, date: NaiveDate, page: usize) -> Article {
    let place = rng.pick(PLACES);
    let title = format!("{place}{}{}", rng.pick(SUBJECTS), rng.pick(ACTIONS));
    let pretitle = (rng.below(3) == 0).then(|| rng.pick(PRETITLES).to_string());
    let subtitle = (rng.below(2) == 0).then(|| rng.pick(SUBTITLES).to_string());
    let author = if rng.below(2) == 0 {
        format!("{} {}", person(rng), person(rng))
    } else {
        person(rng)
    };
    let mut paragraphs = Vec::new();
    let mut subheadings = Vec::new();
    let n_sections = 1 + rng.below(3);
    for section in 0..n_sections {
        if section > 0 {
            subheadings.push(paragraphs.len());
            paragraphs.push(rng.pick(SUBHEADINGS).to_string());
        }
        for _ in 0..(2 + rng.below(3)) {
            let n_sentences = 1 + rng.below(3);
            paragraphs.push((0..n_sentences).map(|_| sentence(rng)).collect::<String>());
        }
    }
    let images = (0..rng.below(3))
        .map(|k| ArticleImage {
            file: format!(
                "images/{}/{:02}/p{id}_{k}_b.png",
                date.format("%Y-%m/%d"),
                page
            ),
            caption: rng.pick(CAPTIONS).to_string(),
        })
        .collect();
    Article {
        id,
        pretitle,
        title,
        subtitle,
        author,
        paragraphs,
        subheadings,
        images,
    }
}

impl Issue {
    /// `html/YYYY-MM/DD/`, the directory of the issue relative to the site root.
    pub fn dir(&self) -> String {
        format!("html/{}/", self.date.format("%Y-%m/%d"))
    }

    pub fn page_url(&self, page: &Page) -> String {
        format!("{}node_{}.htm", self.dir(), page.node)
    }

    pub fn article_url(&self, article: &Article) -> String {
        format!("{}content_{}.htm", self.dir(), article.id)
    }

    pub fn scan_url(&self, page: &Page) -> String {
        format!(
            "images/{}/{}/page_b.png",
            self.date.format("%Y-%m/%d"),
            page.page_no
        )
    }

    pub fn pdf_url(&self, page: &Page) -> String {
        format!(
            "images/{}/{}/page.pdf",
            self.date.format("%Y-%m/%d"),
            page.page_no
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generation_is_deterministic_and_ids_unique() {
        let a = paper(3);
        let b = paper(3);
        let titles = |p: &Paper| {
            p.issues
                .iter()
                .flat_map(|i| {
                    i.pages
                        .iter()
                        .flat_map(|p| p.articles.iter().map(|a| (a.id, a.title.clone())))
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(titles(&a), titles(&b));
        let mut ids: Vec<u32> = titles(&a).into_iter().map(|(id, _)| id).collect();
        let n = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), n);
        assert!(n >= 3 * 4 * 2);
        let big = paper_shaped(
            2,
            Shape {
                pages: 16,
                articles: Some(8),
                ..Shape::default()
            },
        );
        assert_eq!(titles(&big).len(), 2 * 16 * 8);
        assert_eq!(titles(&paper_shaped(3, Shape::default())), titles(&a));
    }
}
