//! The classic Founder layout's page nodes (版): the page list, the title list and image map,
//! scan, PDF and the previous issue, in the 科技日报 and 中国纪检监察报 templates.

use crate::support::{article_ref, date, mapped, page, page_ref, utf8_with_bom_and_crlf};

const KJB_PAGE_URL: &str = "http://paper.example.cn/kjb/html/2023-03/22/node_2.htm";

/// A 版 in the 科技日报 template: the image map before the title list, `?div=` variants in both,
/// the page list in the right column, a calendar written by script, a footer that links the
/// paper's own "about" texts (also `content_N.htm`: one on another host, one on this host under
/// another date), and the node's metadata after `</html>`. The static 上一期 link is the
/// 中国纪检监察报 one.
pub(crate) const KJB_PAGE: &str = r##"<html>
<head>
  <meta http-equiv="X-UA-Compatible" content="IE=EmulateIE7" />
  <meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
  <title>示例科技报--数字报</title>
<script language="javascript" type="text/javascript" src="http://css.example.cn/szb/js/mp.js"></script>
<SCRIPT id=oMapScript event=onmouseover() for=pagepicmap>
 drawLine(event.srcElement);
</SCRIPT>
</head>

<SPAN id=leveldiv title=点击查看内容
style="Z-INDEX: 100; LEFT: 233px; WIDTH: 210px; CURSOR: hand; POSITION: absolute; TOP: 123px; HEIGHT: 34px"></SPAN>

<body onLoad="initialize();initMPPage();" id="bodycss">
<div id="container">
  <div id="header">
    <div id="head3_index"><a href="http://www.example.cn"><img src="http://css.example.cn/szb/image/logo.gif" /></a></div>
    <ul>
      <li><a href="http://www.example.cn/news/index.htm" target="new">新闻</a></li>
      <li id="head3_tool1"><a target="_top" href="javascript:addCookie();">加入收藏</a></li>
    </ul>
  </div>
  <div id="wrap">
    <div class="box0-left">
      <div class="tu2-2">
        <map name=PagePicMap><Area coords="348,2,178,2,178,140,348,140" shape="polygon" href="content_7101.htm?div=-1"><Area coords="61,85,171,85,171,155,61,155" shape="polygon" href="content_7104.htm?div=0"><Area coords="171,85,2,85,2,548,171,548" shape="polygon" href="content_7104.htm?div=-1"><Area coords="348,144,178,144,178,286,348,286" shape="polygon" href="content_7109.htm?div=-1"><Area coords="178,291,313,291,313,393,178,393" shape="polygon" href="content_7112.htm?div=0"><Area coords="178,291,348,291,348,393,178,393" shape="polygon" href="content_7112.htm?div=-1"></map><img src=../../../images/2023-03/22/01/KJB2023032201_b.jpg border=0 USEMAP=#PagePicMap>
      </div>
      <div class="zi-top">
        <div class="banci">
          第01版：<STRONG>要闻</STRONG>
        </div>
        <div class="next">
          <a class=preart href="node_3.htm"><img src='http://css.example.cn/szb/image/right_ico.gif' align='absmiddle' />下一版</a>
        </div>
        <div class="pdf">
          <a href=../../../images/2023-03/22/01/KJB2023032201.pdf><img src="http://css.example.cn/szb/image/pdf.gif" /></a>
        </div>
      </div>
      <div class="title">
        <ul>

<li><img src="http://css.example.cn/szb/image/checkbox.bmp" align="absmiddle" /><a href=content_7101.htm><div style="display:inline" id=mp7101>春耕时节 智能农机下田忙</div></a>
<li><img src="http://css.example.cn/szb/image/checkbox.bmp" align="absmiddle" /><a href=content_7104.htm?div=-1><div style="display:inline" id=mp7104>开放实验平台 让科研设备“转”起来</div></a>
<li><img src="http://css.example.cn/szb/image/checkbox.bmp" align="absmiddle" /><a href=content_7109.htm><div style="display:inline" id=mp7109>深海探测装备完成首次综合试验</div></a>
<li><img src="http://css.example.cn/szb/image/checkbox.bmp" align="absmiddle" /><a href=content_7112.htm><div style="display:inline" id=mp7112>城市绿道串起市民“后花园”</div></a>

</ul>
      </div>
    </div>
    <div class="box0-right">
      <div class="date">
        2023年03月22日 星期三
      </div>
      <table width="250" border="0" cellspacing="0" cellpadding="0" class="rq">
        <tr>
          <td class="sqq"><a class=preart href="../21/node_2.htm"><FONT face=Webdings>3</FONT>上一期</a></td>
        </tr>
      </table>
      <div class="bmname">
<div class="bmname1">&nbsp;<a id=pageLink href=./node_2.htm>第01版：要闻</a></div>
<div class="bmname2">&nbsp;<a id=pageLink href=node_3.htm>第02版：综 合</a></div>
<div class="bmname1">&nbsp;<a id=pageLink href=node_4.htm>第03版：区域创新</a></div>
<div class="bmname2">&nbsp;<a id=pageLink href=node_5.htm>第04版：国际视野</a></div>
      </div>
      <ul>
        <script language="JavaScript" type="text/javascript">
          for(i=0;i<42;i++) document.write('<li><a href="" id="CD' + i + '"></a></li>');
        </script>
      </ul>
    </div>
  </div>
  <div id="feeter">
<span class="info"><a href=http://www.example.cn/kjb/content/2009-05/31/content_64683.htm target="new">本报简介</a></span> |
<span class="info"><a href=/kjb/content/2008-06/25/content_2390.htm target="new">报纸订阅</a></span>
<div id="copyright">Copyright © 示例科技报社 版权所有</div>
  </div>
</div>
</body>
</html>
<!--enpproperty <founder-date>2023-03-22 23:59:59</founder-date><founder-pagenum>1</founder-pagenum><founder-papername>示例科技报</founder-papername><founder-type>2</founder-type> /enpproperty-->"##;

#[test]
fn classic_page_yields_its_pages_articles_scan_pdf_and_previous_issue() {
    let record = page(KJB_PAGE_URL, &utf8_with_bom_and_crlf(KJB_PAGE));
    let base = "http://paper.example.cn/kjb/html/2023-03/22/";

    assert_eq!(record.url, KJB_PAGE_URL);
    assert_eq!(record.date, date(2023, 3, 22));
    // The first 版 is node_2, not node_1; names keep their inner space as printed.
    assert_eq!(
        record.pages,
        vec![
            page_ref("01", "要闻", &format!("{base}node_2.htm")),
            page_ref("02", "综 合", &format!("{base}node_3.htm")),
            page_ref("03", "区域创新", &format!("{base}node_4.htm")),
            page_ref("04", "国际视野", &format!("{base}node_5.htm")),
        ]
    );
    assert_eq!(record.page_no.as_deref(), Some("01"));
    assert_eq!(record.page_name.as_deref(), Some("要闻"));
    // Title-list order, each article once whatever `?div=` the map adds; the footer's
    // `content_N.htm` links are the paper's "about" pages, not articles of this 版.
    assert_eq!(
        record.articles,
        mapped(
            vec![
                article_ref(
                    "春耕时节 智能农机下田忙",
                    &format!("{base}content_7101.htm")
                ),
                article_ref(
                    "开放实验平台 让科研设备“转”起来",
                    &format!("{base}content_7104.htm")
                ),
                article_ref(
                    "深海探测装备完成首次综合试验",
                    &format!("{base}content_7109.htm")
                ),
                article_ref(
                    "城市绿道串起市民“后花园”",
                    &format!("{base}content_7112.htm")
                ),
            ],
            &[
                &[&[348., 2., 178., 2., 178., 140., 348., 140.]],
                &[
                    &[61., 85., 171., 85., 171., 155., 61., 155.],
                    &[171., 85., 2., 85., 2., 548., 171., 548.]
                ],
                &[&[348., 144., 178., 144., 178., 286., 348., 286.]],
                &[
                    &[178., 291., 313., 291., 313., 393., 178., 393.],
                    &[178., 291., 348., 291., 348., 393., 178., 393.]
                ]
            ],
        )
    );
    assert_eq!(
        record.image_url.as_deref(),
        Some("http://paper.example.cn/kjb/images/2023-03/22/01/KJB2023032201_b.jpg")
    );
    assert_eq!(
        record.pdf_url.as_deref(),
        Some("http://paper.example.cn/kjb/images/2023-03/22/01/KJB2023032201.pdf")
    );
    assert_eq!(
        record.prev_issue_url.as_deref(),
        Some("http://paper.example.cn/kjb/html/2023-03/21/node_2.htm")
    );
    assert_eq!(record.next_issue_url, None);
}

const JCB_PAGE_URL: &str = "http://paper.example.cn/jcb/html/2017-07/22/node_2.htm";

/// A 版 in the 中国纪检监察报 template: `MAP NAME="pagepicmap"` with upper-case `AREA`s in another
/// order than the title list `ul.list01`, the 版 label in `td.bm01` padded with U+3000, a PDF link
/// per 版 in the page list, served as UTF-8 without a BOM.
const JCB_PAGE: &str = r##"<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title>示例监督报</title>
<link href="../../../tplimg/jc.css" rel="stylesheet" type="text/css" />
<SCRIPT id=oMapScript2 event=onclick() for=pagepicmap>
 clickmap(event.srcElement);
</SCRIPT>
</head>
<body onLoad="initialize();initMPPage();">
<div class="wrap">
<div class="w388">
<p class="rq">主办单位：示例监督报社</p>
<div class="bm">
<MAP NAME="pagepicmap"><AREA coords="2,98,225,98,225,366,2,366" shape="polygon" href="content_52101.htm"><AREA coords="176,7,347,7,347,84,176,84" shape="polygon" href="content_52102.htm?div=0"><AREA coords="176,7,347,7,347,90,176,90" shape="polygon" href="content_52102.htm?div=-1"><AREA coords="235,96,347,96,347,196,235,196" shape="polygon" href="content_52103.htm"></MAP><img src=../../1/2017-07/22/1/201707221_brief.jpg border=0 width=350 height=550 USEMAP=#pagepicmap>
</div>
<table width="380" border="0" cellspacing="0" cellpadding="0" class="sxb">
 <tr>
 <td class="sxb1"><a class=preart href="node_3.htm"><span style='font-size:12px;font-family:webdings'>4</span>下一版</a></td>
 <td align="center" class="sxb2"><a href=../../1/2017-07/22/1/201707221_pdf.pdf><IMG height=16 src="../../../tplimg/pdf.gif" width=16 border=0></a></td>
 </tr>
</table>
</div>
<div class="w344">
<p class="rq">2017年7月22日　星期<font class=weekday>六</font></p>
<table width="100%" border="0" cellspacing="0" cellpadding="0" class="bm00">
 <tr>
 <td class="bm01">第1版　　　　　　<span>要闻</span></td>
 </tr>
 <tr>
 <td class="bm02">
	<ul class="list01"> <li><a href=content_52101.htm><div id=mp52101>山区小学用上了新课桌</div></a> </li> <li><a href=content_52103.htm><div id=mp52103>夜市重开 老街又热闹起来</div></a> </li> <li><a href=content_52102.htm><div id=mp52102>一份清单管住“三公”开支</div></a> </li> </ul></td>
 </tr>
</table>
</div>
<div class="w250">
<table width="250" border="0" cellspacing="0" cellpadding="0" class="rq">
 <tr>
 <td class="sqq"><a class=preart href="../21/node_2.htm"><FONT face=Webdings>3</FONT>上一期</a></td>
 </tr>
</table>
<table width="100%" border="0" cellspacing="0" cellpadding="0" class="mulu03">
 <tr>
 <td height="240" valign="top" class="mulu04"> <table cellspacing=0 cellpadding=2 width=100% border=0><tbody> <tr bgcolor=#ffffff> <td class=default2 align=left>&nbsp;<a id=pageLink href=./node_2.htm>第1版：要闻</a></td> <td nowrap align=middle width=55><a href=../../1/2017-07/22/1/201707221_pdf.pdf><img height=16 src="../../../tplimg/pdf.gif" width=16 border=0></a></td></tr> <tr bgcolor=#e8e8e8> <td align=left class=default2>&nbsp;<a id=pageLink href=node_3.htm>第2版：综合新闻</a></td> <td nowrap align=middle width=55><a href=../../1/2017-07/22/2/201707222_pdf.pdf><img height=16 src="../../../tplimg/pdf.gif" width=16 border=0></a></td></tr> </tbody></table> </td>
 </tr>
</table>
</div>
<div class="copy"><a href="http://www.example.cn/content1.html" target="_blank">关于我们</a> | 通讯地址：示例市示例路1号</div>
</div>
</body>
</html>
<!--enpproperty <founder-date>2017-07-22 23:59:59</founder-date><founder-pagenum>1</founder-pagenum><founder-papername>示例监督报</founder-papername><founder-type>2</founder-type> /enpproperty-->"##;

#[test]
fn classic_page_reads_a_lowercase_pagepicmap_with_uppercase_areas_the_same_way() {
    let record = page(JCB_PAGE_URL, JCB_PAGE.as_bytes());
    let base = "http://paper.example.cn/jcb/html/2017-07/22/";

    assert_eq!(record.url, JCB_PAGE_URL);
    assert_eq!(record.date, date(2017, 7, 22));
    assert_eq!(
        record.pages,
        vec![
            page_ref("1", "要闻", &format!("{base}node_2.htm")),
            page_ref("2", "综合新闻", &format!("{base}node_3.htm")),
        ]
    );
    assert_eq!(record.page_no.as_deref(), Some("1"));
    assert_eq!(record.page_name.as_deref(), Some("要闻"));
    assert_eq!(
        record.articles,
        mapped(
            vec![
                article_ref("山区小学用上了新课桌", &format!("{base}content_52101.htm")),
                article_ref(
                    "夜市重开 老街又热闹起来",
                    &format!("{base}content_52103.htm")
                ),
                article_ref(
                    "一份清单管住“三公”开支",
                    &format!("{base}content_52102.htm")
                ),
            ],
            &[
                &[&[2., 98., 225., 98., 225., 366., 2., 366.]],
                &[&[235., 96., 347., 96., 347., 196., 235., 196.]],
                &[
                    &[176., 7., 347., 7., 347., 84., 176., 84.],
                    &[176., 7., 347., 7., 347., 90., 176., 90.]
                ]
            ],
        )
    );
    assert_eq!(
        record.image_url.as_deref(),
        Some("http://paper.example.cn/jcb/html/1/2017-07/22/1/201707221_brief.jpg")
    );
    assert_eq!(
        record.pdf_url.as_deref(),
        Some("http://paper.example.cn/jcb/html/1/2017-07/22/1/201707221_pdf.pdf")
    );
    assert_eq!(
        record.prev_issue_url.as_deref(),
        Some("http://paper.example.cn/jcb/html/2017-07/21/node_2.htm")
    );
    assert_eq!(record.next_issue_url, None);
}

#[test]
fn image_map_areas_alone_still_name_every_article_once_without_query() {
    // A 版 whose title list is missing (some templates build it by script): the map is all there
    // is, with the `?div=0` / `?div=-1` pairs.
    let start = JCB_PAGE.find(r#"<ul class="list01">"#).unwrap();
    let end = JCB_PAGE.find("</ul>").unwrap() + "</ul>".len();
    let html = format!("{}{}", &JCB_PAGE[..start], &JCB_PAGE[end..]);
    let record = page(JCB_PAGE_URL, html.as_bytes());
    let base = "http://paper.example.cn/jcb/html/2017-07/22/";
    let urls: Vec<&str> = record.articles.iter().map(|a| a.url.as_str()).collect();
    assert_eq!(
        urls,
        vec![
            format!("{base}content_52101.htm"),
            format!("{base}content_52102.htm"),
            format!("{base}content_52103.htm"),
        ]
    );
    assert!(record.articles.iter().all(|a| a.title.is_none()));
}

/// 中国纪检监察报's 今日关注 box: beside the 版's own title list (`ul.list01`, every item in the
/// image map) a box of one-row tables links articles of other 版 of the same issue. They are
/// not this page's articles.
#[test]
fn classic_page_leaves_out_a_box_of_links_to_other_pages_articles() {
    let box_html = r#"<td class="bm06">今日关注</td></tr><tr><td>
 <table cellspacing=0 cellpadding=0 border=0><tbody> <tr><td class=px12 align=left> <a href=content_7301.htm><div id=mp7301>别版文章一</div></a> </td></tr> </tbody></table>
 <table cellspacing=0 cellpadding=0 border=0><tbody> <tr><td class=px12 align=left> <a href=content_7302.htm><div id=mp7302>别版文章二</div></a> </td></tr> </tbody></table>
</td></tr></table>"#;
    let html = KJB_PAGE.replace(
        "    <div class=\"box0-right\">",
        &format!("    <table><tr>{box_html}\n    <div class=\"box0-right\">"),
    );
    let record = page(KJB_PAGE_URL, &utf8_with_bom_and_crlf(&html));
    let ids: Vec<&str> = record
        .articles
        .iter()
        .map(|a| a.url.rsplit('/').next().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "content_7101.htm",
            "content_7104.htm",
            "content_7109.htm",
            "content_7112.htm"
        ]
    );
    // Without an image map there is nothing to tell the lists apart, and every link counts.
    let unmapped = without_image_map(&html);
    let record = page(KJB_PAGE_URL, &utf8_with_bom_and_crlf(&unmapped));
    assert_eq!(record.articles.len(), 6);
}

fn without_image_map(html: &str) -> String {
    let start = html.find("<map name=PagePicMap>").unwrap();
    let end = html.find("</map>").unwrap() + "</map>".len();
    format!("{}{}", &html[..start], &html[end..])
}

/// 江西日报's template lists the pages twice: a hidden menu labelled `A01： 头版` (no 第, no
/// 版) and the visible list `第A01版：头版`. Both spellings give the number and the name.
#[test]
fn classic_page_reads_page_labels_without_di_and_ban() {
    let html = KJB_PAGE.replace(
        "<div class=\"bmname\">",
        "<DIV id=pgn style=display:none><UL><Li>&nbsp;<a id=pageLink href=node_2.htm>A01： 要闻</a></Li>\
         <Li>&nbsp;<a id=pageLink href=node_3.htm>A02： 综 合</a></Li></UL></DIV><div class=\"bmname\">",
    );
    let record = page(KJB_PAGE_URL, &utf8_with_bom_and_crlf(&html));
    let base = "http://paper.example.cn/kjb/html/2023-03/22/";
    assert_eq!(
        record.pages[0],
        page_ref("A01", "要闻", &format!("{base}node_2.htm"))
    );
    assert_eq!(
        record.pages[1],
        page_ref("A02", "综 合", &format!("{base}node_3.htm"))
    );
    assert_eq!(record.pages.len(), 4);
    assert_eq!(record.page_no.as_deref(), Some("A01"));
    assert_eq!(
        epaper_parser::label::split_page_label("B03： 学与思"),
        (Some("B03".into()), Some("学与思".into()))
    );
}
