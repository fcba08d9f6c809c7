//! HTML, scans and PDFs of the sample paper, shaped like the classic Founder pages in
//! `../shared/real-pages/` (page list in `a#pageLink`, `map[name=PagePicMap]`, `td.font01` and
//! `td.font02` title cells, `<!--enpcontent-->` bodies, `enpproperty` after `</html>`).

use crate::html::escape;
use epaper_common::messages::{Region, Shape as RegionShape};
use flate2::Compression;
use std::fmt::Write;

use super::generate::{Article, Issue, Page, Paper};

fn date_line(issue: &Issue) -> String {
    const WEEKDAYS: [&str; 7] = ["一", "二", "三", "四", "五", "六", "日"];
    use chrono::Datelike;
    format!(
        "{}　星期<font class=weekday>{}</font>",
        issue.date.format("%Y年%m月%d日"),
        WEEKDAYS[issue.date.weekday().num_days_from_monday() as usize]
    )
}

fn page_list(issue: &Issue) -> String {
    let mut out = String::from("<table id=\"pagelist\" class=\"mulu\">\n");
    for page in &issue.pages {
        let _ = writeln!(
            out,
            "<tr><td class=default2>&nbsp;<a id=pageLink href=node_{}.htm>第{}版：{}</a></td>\
             <td><a href=../../../{}><img src=\"../../../tplimg/pdf.gif\" border=0></a></td></tr>",
            page.node,
            page.page_no,
            escape(&page.page_name),
            issue.pdf_url(page)
        );
    }
    out.push_str("</table>\n");
    out
}

/// Static prev/next issue links, as some classic papers print them.
fn issue_links(paper: &Paper, issue_idx: usize) -> String {
    let mut out = String::from("<table class=\"rq\"><tr>");
    if let Some(prev) = issue_idx.checked_sub(1).map(|i| &paper.issues[i]) {
        let _ = write!(
            out,
            "<td class=\"sqq\"><a class=preart href=\"../../{}/node_1.htm\"><FONT face=Webdings>3</FONT>上一期</a></td>",
            prev.date.format("%Y-%m/%d")
        );
    }
    if let Some(next) = paper.issues.get(issue_idx + 1) {
        let _ = write!(
            out,
            "<td class=\"sqq\"><a class=preart href=\"../../{}/node_1.htm\">下一期<FONT face=Webdings>4</FONT></a></td>",
            next.date.format("%Y-%m/%d")
        );
    }
    out.push_str("</tr></table>\n");
    out
}

pub fn page_html(paper: &Paper, issue_idx: usize, page_idx: usize) -> String {
    let issue = &paper.issues[issue_idx];
    let page = &issue.pages[page_idx];
    // The scan is shown at half its size, in the space its map is drawn in
    // (`layouts::Classic`).
    let (width, height) = super::layouts::map_space(page);
    let mut html = String::new();
    let _ = write!(
        html,
        "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01 Transitional//EN\">\n<html>\n<head>\n\
         <meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">\n\
         <title>样报数字报</title>\n</head>\n<body>\n\
         <p class=\"rq\">{}</p>\n{}\
         <div class=\"banci\">第{}版：<STRONG>{}</STRONG></div>\n\
         <img src=\"../../../{}\" width={width} height={height} border=0 usemap=\"#PagePicMap\">\n\
         <map name=PagePicMap>",
        date_line(issue),
        issue_links(paper, issue_idx),
        page.page_no,
        escape(&page.page_name),
        issue.scan_url(page)
    );
    for (k, article) in page.articles.iter().enumerate() {
        // The map lists some articles twice, as real papers do (?div=-1 and ?div=0).
        for (region, div) in map_regions(k).iter().zip(["-1", "0"]) {
            let coords: Vec<String> = region.coords.iter().map(f32::to_string).collect();
            let _ = write!(
                html,
                "<Area coords=\"{}\" shape=\"polygon\" href=\"content_{}.htm?div={div}\">",
                coords.join(","),
                article.id
            );
        }
    }
    html.push_str("</map>\n<table><tr>");
    if page_idx > 0 {
        let _ = write!(
            html,
            "<td><a class=preart href=\"node_{}.htm\">上一版</a></td>",
            issue.pages[page_idx - 1].node
        );
    }
    if let Some(next) = issue.pages.get(page_idx + 1) {
        let _ = write!(
            html,
            "<td><a class=preart href=\"node_{}.htm\"><span style='font-size:12px;font-family:webdings'>4</span>下一版</a></td>",
            next.node
        );
    }
    let _ = write!(
        html,
        "<td><a href=../../../{}><IMG height=16 src=\"../../../tplimg/pdf.gif\" width=16 border=0></a></td></tr></table>\n\
         <div class=\"title\"><ul>\n",
        issue.pdf_url(page)
    );
    for article in &page.articles {
        let _ = writeln!(
            html,
            "<li><a href=content_{id}.htm><div style=\"display:inline\" id=mp{id}>{}</div></a></li>",
            escape(&article.title),
            id = article.id
        );
    }
    html.push_str("</ul></div>\n");
    html.push_str(&page_list(issue));
    let _ = write!(
        html,
        "</body>\n</html>\n<!--enpproperty <founder-date>{} 23:59:59</founder-date><founder-pagenum>{}</founder-pagenum>\
         <founder-papername>样报</founder-papername><founder-type>2</founder-type> /enpproperty-->\n",
        issue.date.format("%Y-%m-%d"),
        page.page_no
    );
    html
}

pub fn article_html(issue: &Issue, page: &Page, article: &Article) -> String {
    let cell = |class: &str, text: Option<&str>| {
        format!(
            "<tr><td class=\"{class}\" align=center>{}</td></tr>\n",
            escape(text.unwrap_or(""))
        )
    };
    let mut html = String::new();
    let _ = write!(
        html,
        "<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\" />\n\
         <title>{}--样报</title>\n</head>\n<body>\n\
         <div class=\"dSearch\"><strong>\n{}\n</strong></div>\n\
         <div class=\"banci\">第{}版：<STRONG>{}</STRONG></div>\n{}\
         <table width=\"100%\">\n{}{}{}{}</table>\n<div class=\"dContents\">\n",
        escape(&article.title),
        issue.date.format("%Y年%m月%d日"),
        page.page_no,
        escape(&page.page_name),
        page_list(issue),
        cell("font02", article.pretitle.as_deref()),
        cell("font01", Some(&article.title)),
        cell("font02", article.subtitle.as_deref()),
        cell("font02", None),
    );
    for image in &article.images {
        let _ = write!(
            html,
            "<p><TABLE><TBODY><TR><TD><IMG src=\"../../../{}\"></TD></TR>\n\
             <TR><TD><p>&nbsp;&nbsp;&nbsp;&nbsp;{}</p></TD></TR></TBODY></TABLE>\n",
            image.file,
            escape(&image.caption)
        );
    }
    let _ = write!(
        html,
        "<DIV id=ozoom style=\"zoom:100%;\"><!--enpcontent--><P><p>■ 本报记者 {}</p>",
        escape(&article.author)
    );
    for (k, paragraph) in article.paragraphs.iter().enumerate() {
        if article.subheadings.contains(&k) {
            let _ = write!(html, "<p><strong>{}</strong></p>", escape(paragraph));
        } else {
            let _ = writeln!(html, "<p>\u{3000}\u{3000}{}</p>", escape(paragraph));
        }
        if k == 0 {
            // Empty paragraphs occur in real bodies and must be dropped.
            html.push_str("<p>&nbsp;</p>");
        }
    }
    let _ = write!(
        html,
        "</P><!--/enpcontent--></DIV>\n</div>\n</body>\n</html>\n\
         <!--enpproperty <date>{} 00:00:00:0</date><author></author><subtitle>{}</subtitle>\
         <introtitle>{}</introtitle><title>{}</title><founder-pagenum>{}</founder-pagenum> /enpproperty-->\n",
        issue.date.format("%Y-%m-%d"),
        escape(article.subtitle.as_deref().unwrap_or("")),
        escape(article.pretitle.as_deref().unwrap_or("")),
        escape(&article.title),
        page.page_no
    );
    html
}

/// A small grey-scale PNG whose pixels depend on `seed`: a stand-in photo.
pub fn png(seed: u64) -> Vec<u8> {
    const SIZE: u32 = 24;
    grey_png(SIZE, SIZE, Compression::default(), |x, y| {
        ((seed as u32).wrapping_mul(31).wrapping_add(x * 7 + y * 13) % 256) as u8
    })
}

/// A page scan `width` × `height` pixels: light paper with grey lines of "text" in two
/// columns, a shade per `seed`. Its size is the layout's ([`super::layouts::Layout::scan_size`]):
/// the space of the page's image map, or twice it where the page shows the scan at half size.
pub fn scan_png(seed: u64, width: u32, height: u32) -> Vec<u8> {
    let ink = 120 + (seed % 60) as u8;
    let column = width / 2;
    grey_png(width, height, Compression::fast(), |x, y| {
        let margin = x % column < 12 || x % column > column - 12 || y < 12;
        if !margin && (y / 7) % 2 == 0 {
            ink
        } else {
            245
        }
    })
}

/// An 8-bit grey-scale PNG of `pixel(x, y)`.
fn grey_png(
    width: u32,
    height: u32,
    level: Compression,
    pixel: impl Fn(u32, u32) -> u8,
) -> Vec<u8> {
    let mut raw = Vec::with_capacity(((width + 1) * height) as usize);
    for y in 0..height {
        raw.push(0u8); // filter: none
        for x in 0..width {
            raw.push(pixel(x, y));
        }
    }
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), level);
    std::io::Write::write_all(&mut encoder, &raw).expect("writing to a Vec cannot fail");
    let idat = encoder.finish().expect("writing to a Vec cannot fail");
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]); // 8-bit grey, no interlace
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, data) in [(&b"IHDR"[..], &ihdr[..]), (b"IDAT", &idat), (b"IEND", &[])] {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        out.extend_from_slice(&crc.sum().to_be_bytes());
    }
    out
}

/// A minimal one-page PDF naming the page: a stand-in for the printed page.
pub fn pdf(label: &str) -> Vec<u8> {
    let stream = format!("BT /F1 18 Tf 40 760 Td (epaper sample {label}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_string(),
        format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (k, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", k + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// The regions the page map draws for the `k`-th article of a page, in the map's space
/// ([`super::layouts::map_space`], the size the page shows its scan at): its
/// box, and for every other article a small second box (`?div=0`), as real papers' maps do. The
/// ground truth of `ArticleRef.regions` and of the export's `regions`.
pub fn map_regions(k: usize) -> Vec<Region> {
    let top = (10 + k * 120) as f32;
    let box_of = |right: f32, height: f32| {
        let bottom = top + height;
        Region::new(
            RegionShape::Poly,
            vec![10.0, top, right, top, right, bottom, 10.0, bottom],
        )
        .expect("a well-formed box")
    };
    let mut regions = vec![box_of(340.0, 100.0)];
    if k.is_multiple_of(2) {
        regions.push(box_of(40.0, 20.0));
    }
    regions
}
