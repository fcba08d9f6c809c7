//! `epaper_parser::parse` on the classic Founder layout, end to end from served bytes.
//!
//! The fixtures copy the markup of the real pages described in
//! `../shared/real-pages/NOTES.md` (科技日报 and 中国纪检监察报 page nodes, a 河南商报 article),
//! quirks included, but every piece of text in them is made up: the newspapers' text is theirs.

use chrono::NaiveDate;
use encoding_rs::GB18030;
use epaper_common::messages::{ArticleRecord, ArticleRef, Image, PageRecord, PageRef, Record};

/// What the classic papers serve: UTF-8 with a byte-order mark and CRLF line ends.
fn utf8_with_bom_and_crlf(html: &str) -> Vec<u8> {
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend_from_slice(html.replace('\n', "\r\n").as_bytes());
    bytes
}

/// The same document as a GBK paper would serve it (GB18030 encodes GBK characters as GBK does).
fn gbk_with_crlf(html: &str) -> Vec<u8> {
    let html = html.replace('\n', "\r\n");
    let (bytes, _, unmappable) = GB18030.encode(&html);
    assert!(!unmappable, "fixture text must be encodable in GBK");
    let bytes = bytes.into_owned();
    // Otherwise the test would not exercise charset handling at all.
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "GBK fixture must not be valid UTF-8"
    );
    bytes
}

fn page(url: &str, bytes: &[u8]) -> PageRecord {
    match epaper_parser::parse(url, bytes, Some("text/html")) {
        Ok(Record::Page(page)) => page,
        other => panic!("{url} should parse as a page, got {other:?}"),
    }
}

fn article(url: &str, bytes: &[u8], content_type: Option<&str>) -> ArticleRecord {
    match epaper_parser::parse(url, bytes, content_type) {
        Ok(Record::Article(article)) => article,
        other => panic!("{url} should parse as an article, got {other:?}"),
    }
}

fn page_ref(page_no: &str, page_name: &str, url: &str) -> PageRef {
    PageRef {
        page_no: Some(page_no.into()),
        page_name: Some(page_name.into()),
        url: url.into(),
    }
}

fn article_ref(title: &str, url: &str) -> ArticleRef {
    ArticleRef {
        title: Some(title.into()),
        url: url.into(),
    }
}

fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

// ---------------------------------------------------------------------------------------------
// Page nodes
// ---------------------------------------------------------------------------------------------

const KJB_PAGE_URL: &str = "http://paper.example.cn/kjb/html/2023-03/22/node_2.htm";

/// A 版 in the 科技日报 template: the image map before the title list, `?div=` variants in both,
/// the page list in the right column, a calendar written by script, a footer that links the
/// paper's own "about" texts (also `content_N.htm`: one on another host, one on this host under
/// another date), and the node's metadata after `</html>`. The static 上一期 link is the
/// 中国纪检监察报 one.
const KJB_PAGE: &str = r##"<html>
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
        ]
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
        ]
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

// ---------------------------------------------------------------------------------------------
// Articles
// ---------------------------------------------------------------------------------------------

const ARTICLE_URL: &str = "http://paper.example.cn/sb/html/2024-05/18/content_610001.htm";

const TITLE: &str = "老厂房变身创意园 街坊邻里有了新去处";
const SUBTITLE: &str = "闲置多年的纺织厂经过改造，如今成了社区文化活动的聚集地";
const PRETITLE: &str = "城市更新·家门口的变化";
const CAPTION: &str = "改造后的厂房里，居民正在参观手工艺展览";
const META_UTF8: &str = r#"<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />"#;

/// The body as it should come out: indents gone, the empty `<p>&nbsp;</p>` gone, the bold
/// subheading kept, the byline moved to `author`. 镕 is in GBK but not in GB2312.
const PARAGRAPHS: [&str; 5] = [
    "走进城东的旧纺织厂，高大的锯齿形屋顶依然保留着当年的模样，车间里却早已没有了机器的轰鸣声。",
    "“以前这里晚上黑乎乎的，没人愿意走。”住在附近的李阿姨说，如今每到周末，她都会带着孙子来这里看展览、听讲座。",
    "保留记忆 也留住烟火气",
    "负责改造设计的工程师王镕介绍，项目没有推倒重建，而是把旧车间的钢架和砖墙都保留了下来，只对屋顶和门窗做了加固。",
    "据了解，园区目前已有二十余家小微文创企业入驻，下一步还将增设托育点和老年食堂。",
];

/// An article in the 河南商报 template: the 版 label in an unclassed `td` of `div.dNav`, the
/// title cells `td.font02`/`td.font01`/`td.font02`/`td.font02`, the captioned picture in a
/// `<TABLE>` ahead of `DIV#ozoom`, the body in `<!--enpcontent-->` as one outer `<P>` around the
/// real `<p>`s, and the metadata after `</html>` closed by a bare `/enpproperty-->`.
const ARTICLE: &str = r##"<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
{META}
<title>{TITLE}--示例网</title>
<link href="../../../tplimg/css_epaper.css" rel="stylesheet" type="text/css" />
<SCRIPT language=Javascript src="../../../tplimg/mp.js"></SCRIPT>
</head>
<SPAN id=leveldiv title=点击查看内容
style="Z-INDEX: 100; LEFT: 233px; WIDTH: 210px; POSITION: absolute; TOP: 123px; HEIGHT: 34px"></SPAN>
<body onLoad="initMPPage();" text=#000000 leftmargin=0 topmargin=0>
<SCRIPT id=oMapScript event=onmouseover() for=PagePicMap>
 drawLine(event.srcElement);
</SCRIPT>
<div id="nav2" class="dCon">
    <a href="#"><img src="../../../tplimg/logo.gif" alt="示例商报" /></a>
    <ul class="ulNav">
        <li><span>版面导航</span></li>
        <li class="liE"><a href="http://www.example.cn" target="_blank">网站首页</a></li>
    </ul>
</div>
<div class="dCon dDetailAll" id="con1">
  <div class="dConL">
    <div class="dPic" align="left">
      <map name=PagePicMap><Area coords="14,97,232,97,232,141,14,149" shape="polygon" href="./content_610001.htm"></map><img src=../../../images/2024-05/18/A01/Page_b.jpg border=0 USEMAP=#PagePicMap>
    </div>
    <div class="dNav">
      <table width=353 border=0 cellpadding=5 cellspacing=0 style="MARGIN-BOTTOM: 2px">
      <tr>
        <td width="160" align=left>第A01版：<STRONG>头版</STRONG></td>
        <td width="30" align=right nowrap><img src="../../../tplimg/epaper_icon03.gif"></td>
        <td width="90" align="center" nowrap><a class=preart href="node_222.htm">下一版</a></td>
        <td width="43" align=right valign=center nowrap><a href=../../../images/2024-05/18/A01/A01.pdf><IMG height=16
src="../../../tplimg/epaper_icon02.gif" width=16 border=0></a></td>
      </tr>
      </table>
    </div>
    <TABLE cellSpacing=0 cellPadding=1 border=0>
 <TBODY>
<tr>
<TD class=default valign="top"><img src="../../../tplimg/checkbox.gif" width="10" height="10"></TD>
<td class=default valign="top"><a href=./content_610001.htm><div style="display:inline" id=mp610001>{TITLE}</div></a></td>
</TR>
</TBODY>
</TABLE>
  </div>
  <div class="dConR dDetail">
<div id=bmdh>
  <TABLE width="260px" border=0 cellPadding=2 cellSpacing=0 bgcolor="#FFFFFF">
 <TBODY>
<TR><TD align=left height=24 class="black">&nbsp;<a href=node_219.htm class="black" id=pageLink>第A01版：头版</a></TD></TR>
<TR><TD align=left height=24 class="black">&nbsp;<a href=node_222.htm class="black" id=pageLink>第A02版：城市周刊</a></TD></TR>
</TBODY>
</TABLE></div>
    <div class="dSearch">
            <strong>
            {PRINTED_DATE}
            </strong><span><a href="http://epaper.example.cn/sb/" target="_blank">查看旧版</a></span>
            <div class="clear"></div>
    </div>
        <div class="dTit2">
        	<h1>
<table cellspacing=0 cellpadding=5 width=100% border=0>
<tbody>
<tr valign=top>
<td class="font02" align=center style="color: #827E7B;">{PRETITLE}</td>
</TR>
<tr valign=top>
<td class="font01" align=center style="color: #0205FF;">{TITLE}</td>
</TR>
<tr valign=top>
<td class="font02" align=center style="color: #827E7B;">{SUBTITLE}</td>
</TR>
<tr valign=top>
<td class="font02" align=center></td>
</tr>
</tbody>
</table>
</h1>
            <strong><a href="http://passport.example.cn/draft/" target="_blank">在线荐稿</a></strong>
        </div>
        <div class="dContents">
        	<p><TABLE><TBODY><TR><TD><IMG src="../../../images/2024-05/18/A01/p12_b.jpg"></TD></TR>
    <TR><TD><p>&nbsp;&nbsp;&nbsp;&nbsp;{CAPTION}</p></TD></TR></TBODY></TABLE><script language=javascript>
								if(picResCount>0){
									document.write("<br>");
								}
 			  				</script><DIV id=ozoom style="zoom:100%;FLOAT: left; width:100%;"><!--enpcontent--><P><p>&nbsp;&nbsp;&nbsp;&nbsp;■ 本报记者 甲乙 丙丁</p><p>&nbsp;&nbsp;&nbsp;&nbsp;走进城东的旧纺织厂，高大的锯齿形屋顶依然保留着当年的模样，车间里却早已没有了机器的轰鸣声。</p><p>　　“以前这里晚上黑乎乎的，没人愿意走。”住在附近的李阿姨说，如今每到周末，她都会带着孙子来这里看展览、听讲座。</p><p>&nbsp;</p><p><strong>保留记忆 也留住烟火气</strong></p><p>&nbsp;&nbsp;&nbsp;&nbsp;负责改造设计的工程师王镕介绍，项目没有推倒重建，而是把旧车间的钢架和砖墙都保留了下来，只对屋顶和门窗做了加固。</p><p>　　据了解，园区目前已有二十余家小微文创企业入驻，下一步还将增设托育点和老年食堂。</p></P><!--/enpcontent-->
<INPUT type=checkbox value=0 name=titlecheckbox sourceid="<Source>SourcePh</Source>" style="display:none"></DIV></p>
			<div class="clear"></div>
        </div><!--dContents-->
  </div><!--dconR-->
    <div class="clear"></div>
</div><!--con1-->
<div id="commonFoot">
    <p class="copyright">Copyright &copy; 示例网 All Rights Reserved</p>
</div>
</body>
</html>
{ENPPROPERTY}"##;

/// The article's metadata comment as the classic template writes it: no `<!--` before the close.
fn enpproperty(author: &str, introtitle: &str) -> String {
    format!(
        "<!--enpproperty <date>2024-05-18 00:00:00:0</date><author>{author}</author>\
         <subtitle>{SUBTITLE}</subtitle><introtitle>{introtitle}</introtitle>\
         <paperarticleid>610001</paperarticleid><url>{ARTICLE_URL}</url><urlpad></urlpad>\
         <title>{TITLE}</title>/enpproperty-->"
    )
}

/// The article fixture with the given charset `<meta>` (or none), 引题 and metadata trailer.
fn article_html(meta: &str, pretitle: &str, trailer: &str) -> String {
    ARTICLE
        .replace("{META}", meta)
        .replace("{TITLE}", TITLE)
        .replace("{PRETITLE}", pretitle)
        .replace("{SUBTITLE}", SUBTITLE)
        .replace("{CAPTION}", CAPTION)
        .replace("{PRINTED_DATE}", "2024年05月18日")
        .replace("{ENPPROPERTY}", trailer)
}

/// The plain article: UTF-8 with BOM, no 引题, no author in the metadata.
fn plain_article() -> String {
    article_html(META_UTF8, "", &enpproperty("", ""))
}

fn expected_article() -> ArticleRecord {
    ArticleRecord {
        url: ARTICLE_URL.into(),
        date: date(2024, 5, 18),
        page_no: Some("A01".into()),
        page_name: Some("头版".into()),
        pretitle: None,
        title: Some(TITLE.into()),
        subtitle: Some(SUBTITLE.into()),
        author: Some("甲乙 丙丁".into()),
        paragraphs: PARAGRAPHS.iter().map(|p| p.to_string()).collect(),
        images: vec![Image {
            url: "http://paper.example.cn/sb/images/2024-05/18/A01/p12_b.jpg".into(),
            caption: Some(CAPTION.into()),
        }],
    }
}

#[test]
fn classic_article_yields_title_subtitle_body_byline_image_and_page() {
    let record = article(
        ARTICLE_URL,
        &utf8_with_bom_and_crlf(&plain_article()),
        Some("text/html"),
    );
    // Field by field first, so a failure names the field.
    let expected = expected_article();
    assert_eq!(record.title, expected.title);
    assert_eq!(record.pretitle, None, "an empty td.font02 is no 引题");
    assert_eq!(record.subtitle, expected.subtitle);
    assert_eq!(record.author, expected.author);
    assert_eq!(record.paragraphs, expected.paragraphs);
    assert_eq!(record.images, expected.images);
    assert_eq!(record.date, expected.date);
    assert_eq!(
        (record.page_no.as_deref(), record.page_name.as_deref()),
        (Some("A01"), Some("头版"))
    );
    assert_eq!(record, expected);
}

#[test]
fn classic_article_reads_a_non_empty_font02_before_the_title_as_pretitle() {
    let html = article_html(META_UTF8, PRETITLE, &enpproperty("", PRETITLE));
    let record = article(ARTICLE_URL, &utf8_with_bom_and_crlf(&html), None);
    assert_eq!(record.pretitle.as_deref(), Some(PRETITLE));
    assert_eq!(record.title.as_deref(), Some(TITLE));
    assert_eq!(record.subtitle.as_deref(), Some(SUBTITLE));
}

#[test]
fn classic_article_takes_the_printed_date_when_neither_url_nor_metadata_has_one() {
    // The same article saved under a URL without the issue directory and without its trailer:
    // only `div.dSearch strong` still says which day it is.
    let html = article_html(META_UTF8, "", "");
    let record = article(
        "http://paper.example.cn/sb/content_610001.htm",
        &utf8_with_bom_and_crlf(&html),
        None,
    );
    assert_eq!(record.date, date(2024, 5, 18));
}

#[test]
fn classic_article_author_comes_from_the_metadata_when_it_names_one() {
    let html = article_html(META_UTF8, "", &enpproperty("戊己", ""));
    let record = article(ARTICLE_URL, &utf8_with_bom_and_crlf(&html), None);
    assert_eq!(record.author.as_deref(), Some("戊己"));
    // The byline paragraph is still a byline, not body text.
    assert_eq!(record.paragraphs, expected_article().paragraphs);
}

// ---------------------------------------------------------------------------------------------
// Encodings: the same article served as GBK must read exactly like the UTF-8 one.
// ---------------------------------------------------------------------------------------------

#[test]
fn gbk_article_without_any_declared_charset_reads_like_the_utf8_one() {
    let bytes = gbk_with_crlf(&article_html("", "", &enpproperty("", "")));
    let record = article(ARTICLE_URL, &bytes, Some("text/html"));
    assert_eq!(record.title.as_deref(), Some(TITLE));
    assert_eq!(record.paragraphs, PARAGRAPHS);
    assert_eq!(record, expected_article());
}

#[test]
fn gbk_article_wrongly_declared_utf8_reads_like_the_utf8_one() {
    let bytes = gbk_with_crlf(&article_html(
        "<meta charset=utf-8>",
        "",
        &enpproperty("", ""),
    ));
    // Declared in the document only, then also in the HTTP header: both are wrong.
    for content_type in [None, Some("text/html; charset=UTF-8")] {
        let record = article(ARTICLE_URL, &bytes, content_type);
        assert_eq!(record.title.as_deref(), Some(TITLE), "{content_type:?}");
        assert_eq!(record.paragraphs, PARAGRAPHS, "{content_type:?}");
        assert_eq!(record, expected_article(), "{content_type:?}");
    }
}

#[test]
fn gbk_article_declared_gb2312_keeps_characters_outside_gb2312() {
    let meta = r#"<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />"#;
    let bytes = gbk_with_crlf(&article_html(meta, "", &enpproperty("", "")));
    let record = article(ARTICLE_URL, &bytes, Some("text/html"));
    assert_eq!(record.title.as_deref(), Some(TITLE));
    assert!(
        record.paragraphs[3].contains("王镕"),
        "{:?}",
        record.paragraphs[3]
    );
    assert_eq!(record.paragraphs, PARAGRAPHS);
    assert_eq!(record, expected_article());
}

#[test]
fn utf8_article_wrongly_declared_gb2312_reads_as_utf8() {
    let meta = r#"<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />"#;
    let html = article_html(meta, "", &enpproperty("", "")).replace('\n', "\r\n");
    let record = article(
        ARTICLE_URL,
        html.as_bytes(),
        Some("text/html; charset=gb2312"),
    );
    assert_eq!(record, expected_article());
}

// ---------------------------------------------------------------------------------------------
// Documents that are neither
// ---------------------------------------------------------------------------------------------

#[test]
fn a_document_of_no_known_layout_is_an_error() {
    let html = "<html><head><title>关于我们</title></head>\
                <body><h1>关于我们</h1><p>本站介绍与联系方式。</p></body></html>";
    assert!(
        epaper_parser::parse("http://paper.example.cn/about.html", html.as_bytes(), None).is_err()
    );
}

#[test]
fn an_error_page_served_at_an_article_url_is_an_error_not_an_empty_article() {
    let html = "<html><head></head><body><div>页面不存在</div></body></html>";
    let result = epaper_parser::parse(ARTICLE_URL, html.as_bytes(), Some("text/html"));
    assert!(result.is_err(), "{result:?}");
}

/// `parse` routes each family by its URL scheme, and by its markup when the file was saved
/// under another name; the page of one family is never read with another family's rules.
#[test]
fn parse_dispatches_every_family_by_url_and_by_markup() {
    use epaper_common::messages::Record;
    let cases: [(&str, &str, bool); 4] = [
        (
            "http://paper.example.cn/rmrb/html/2018-03/06/nbs.D110000renmrb_02.htm",
            include_str!("fixtures/nbs/nbs.D110000renmrb_02.htm"),
            true,
        ),
        (
            "http://paper.example.cn/rmrb/html/2018-03/06/nw.D110000renmrb_20180306_2-02.htm",
            include_str!("fixtures/nbs/nw.D110000renmrb_20180306_2-02.htm"),
            false,
        ),
        (
            "https://paper.example.cn/rmrb/pc/layout/202506/18/node_01.html",
            include_str!("fixtures/founder_new/rmrb_page.html"),
            true,
        ),
        (
            "https://paper.example.cn/rmrb/pc/content/202506/18/content_40000102.html",
            include_str!("fixtures/founder_new/rmrb_article.html"),
            false,
        ),
    ];
    for (url, html, is_page) in cases {
        let record = epaper_parser::parse(url, html.as_bytes(), None).unwrap();
        match (&record, is_page) {
            (Record::Page(page), true) => {
                assert!(!page.pages.is_empty(), "{url}: no page list");
                assert!(!page.articles.is_empty(), "{url}: no articles");
            }
            (Record::Article(article), false) => {
                assert!(article.title.is_some(), "{url}: no title");
                assert!(!article.paragraphs.is_empty(), "{url}: no body");
            }
            _ => panic!("{url} parsed as the wrong kind"),
        }
        // Saved under an uninformative name, the markup still says which family it is.
        let saved = epaper_parser::parse("file:///tmp/saved.html", html.as_bytes(), None).unwrap();
        assert_eq!(
            matches!(saved, Record::Page(_)),
            is_page,
            "{url} sniffed as the wrong kind"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The real pages in ../shared/real-pages, against the ground truth read off them by hand
// (the "Ground truth" half of their NOTES.md)
// ---------------------------------------------------------------------------------------------

/// Where the real pages are: `EPAPER_REAL_PAGES`, else `../shared/real-pages` beside the
/// repository. Their absence fails the test with the reason, so CI cannot pass without having
/// checked them; `EPAPER_REAL_PAGES=skip` is the explicit, printed way to run without them.
fn real_pages() -> Option<std::path::PathBuf> {
    let dir = match std::env::var("EPAPER_REAL_PAGES") {
        Ok(value) if value == "skip" => {
            eprintln!("WARNING: EPAPER_REAL_PAGES=skip: the real-page ground truth is NOT checked");
            return None;
        }
        Ok(value) => std::path::PathBuf::from(value),
        Err(_) => std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/real-pages"),
    };
    assert!(
        dir.join("NOTES.md").is_file(),
        "the real pages are missing at {}: set EPAPER_REAL_PAGES to their directory \
         (or to `skip`, which leaves the ground truth unchecked)",
        dir.display()
    );
    Some(dir)
}

fn real(dir: &std::path::Path, file: &str, url: &str) -> Record {
    let bytes = std::fs::read(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    epaper_parser::parse(url, &bytes, None).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn real_page(dir: &std::path::Path, file: &str, url: &str) -> PageRecord {
    match real(dir, file, url) {
        Record::Page(page) => page,
        other => panic!("{file} should be a page, got {other:?}"),
    }
}

fn titles(page: &PageRecord) -> Vec<&str> {
    page.articles
        .iter()
        .map(|a| a.title.as_deref().unwrap_or("<none>"))
        .collect()
}

fn first_chars(text: &str, n: usize) -> String {
    text.chars().take(n).collect()
}

fn last_chars(text: &str, n: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    chars[chars.len().saturating_sub(n)..].iter().collect()
}

#[test]
fn real_kjrb_page_node_matches_its_ground_truth() {
    let Some(dir) = real_pages() else { return };
    let base = "http://digitalpaper.stdaily.com/http_www.kjrb.com/kjrb/html/2023-02/10/";
    let page = real_page(
        &dir,
        "kjrb/2023-02-10/node_2.htm",
        &format!("{base}node_2.htm"),
    );
    assert_eq!(page.date, date(2023, 2, 10));
    assert_eq!(page.page_no.as_deref(), Some("01"));
    assert_eq!(page.page_name.as_deref(), Some("今日要闻"));
    assert_eq!(
        titles(&page),
        [
            "新时代十年伟大变革奠定坚实基础",
            "开放共享 让大型科研仪器“忙”起来",
            "中国式现代化是中国共产党领导的社会主义现代化",
            "花香春意浓",
            "在纳米级薄膜上，飞秒激光实现全彩色无油墨打印",
        ]
    );
    let ids: Vec<&str> = page.articles.iter().map(|a| &a.url[base.len()..]).collect();
    assert_eq!(
        ids[..3],
        [
            "content_548643.htm",
            "content_548646.htm",
            "content_548655.htm"
        ]
    );
    assert_eq!(page.pages.len(), 8);
    assert_eq!(
        page.pages[0],
        page_ref("01", "今日要闻", &format!("{base}node_2.htm"))
    );
    assert_eq!(
        page.pages[7],
        page_ref("08", "文 化", &format!("{base}node_9.htm"))
    );
    let names: Vec<&str> = page
        .pages
        .iter()
        .filter_map(|p| p.page_name.as_deref())
        .collect();
    for spaced in ["综 合", "国 际", "视 点", "教 育", "区 域", "文 化"] {
        assert!(names.contains(&spaced), "{spaced} missing from {names:?}");
    }
    let images = "http://digitalpaper.stdaily.com/http_www.kjrb.com/kjrb/images/2023-02/10/01/";
    assert_eq!(
        page.image_url,
        Some(format!("{images}KJRB2023021001_b.jpg"))
    );
    assert_eq!(page.pdf_url, Some(format!("{images}KJRB2023021001.pdf")));
    assert_eq!((page.prev_issue_url, page.next_issue_url), (None, None));
}

#[test]
fn real_zgjjjcb_page_node_matches_its_ground_truth() {
    let Some(dir) = real_pages() else { return };
    let base = "http://jjjcb.ccdi.gov.cn/epaper/html/2017-07/22/";
    let page = real_page(
        &dir,
        "zgjjjcb/2017-07-22/node_2.htm",
        &format!("{base}node_2.htm"),
    );
    assert_eq!(page.date, date(2017, 7, 22));
    assert_eq!(page.page_no.as_deref(), Some("1"));
    assert_eq!(page.page_name.as_deref(), Some("要闻"));
    // The 7 articles of this 版, in list01 order; the 今日关注 box's links to other 版 are not
    // this page's articles.
    assert_eq!(page.articles.len(), 7, "{:?}", titles(&page));
    assert_eq!(
        titles(&page)[..3],
        [
            "铭记光辉历史 传承红色基因 为把人民军队建设成为世界一流军队而不懈奋斗",
            "重庆：坚定不移深化政治巡视",
            "中国证监会原党委委员、主席助理张育军严重违纪被开除党籍和公职",
        ]
    );
    let mut ids: Vec<&str> = page.articles.iter().map(|a| &a.url[base.len()..]).collect();
    ids.sort();
    let expected: Vec<String> = (52014..=52020)
        .map(|n| format!("content_{n}.htm"))
        .collect();
    assert_eq!(ids, expected);
    assert_eq!(
        page.pages,
        [
            page_ref("1", "要闻", &format!("{base}node_2.htm")),
            page_ref("2", "综合新闻", &format!("{base}node_3.htm")),
            page_ref("3", "队伍建设", &format!("{base}node_4.htm")),
            page_ref("4", "反腐观察", &format!("{base}node_5.htm")),
        ]
    );
    assert_eq!(
        page.image_url.as_deref(),
        Some("http://jjjcb.ccdi.gov.cn/epaper/html/1/2017-07/22/1/201707221_brief.jpg")
    );
    assert_eq!(
        page.prev_issue_url.as_deref(),
        Some("http://jjjcb.ccdi.gov.cn/epaper/html/2017-07/21/node_2.htm")
    );
    assert_eq!(page.next_issue_url, None);
}

#[test]
fn real_rmrb_new_layout_page_matches_its_ground_truth() {
    let Some(dir) = real_pages() else { return };
    let url = "https://paper.people.com.cn/rmrb/pc/layout/202603/10/node_01.html";
    let page = real_page(&dir, "rmrb/2026-03-10/node_01.html", url);
    assert_eq!(page.date, date(2026, 3, 10));
    assert_eq!(page.page_no.as_deref(), Some("01"));
    assert_eq!(page.page_name.as_deref(), Some("要闻"));
    assert_eq!(
        titles(&page),
        [
            "十四届全国人大四次会议举行第二次全体会议",
            "习近平向葡萄牙新任总统塞古罗致贺电",
            "以正确政绩观推动实现“十五五”良好开局（树立和践行正确政绩观）",
            "发展的事  看准了就坚持干（现场·代表通道）",
            "民生的事  获得感实实在在（现场·代表通道）",
            "“把中国刻在心上”（在现场·两会）",
            "图片报道",
        ]
    );
    let content = "https://paper.people.com.cn/rmrb/pc/content/202603/10/";
    let urls: Vec<String> = (30144445..=30144451)
        .map(|n| format!("{content}content_{n}.html"))
        .collect();
    let got: Vec<&str> = page.articles.iter().map(|a| a.url.as_str()).collect();
    assert_eq!(got, urls);
    assert_eq!(page.pages.len(), 20);
    let layout = "https://paper.people.com.cn/rmrb/pc/layout/202603/10/";
    for (i, page_ref) in page.pages.iter().enumerate() {
        assert_eq!(page_ref.url, format!("{layout}node_{:02}.html", i + 1));
        assert_eq!(page_ref.page_no, Some(format!("{:02}", i + 1)));
    }
    let name = |no: usize| page.pages[no - 1].page_name.as_deref();
    assert_eq!(name(17), Some("理论"));
    assert_eq!(name(18), Some("国际"));
    for ad in [11, 12, 15, 16, 19, 20] {
        assert_eq!(name(ad), Some("广告"), "版 {ad}");
    }
    assert!(page.image_url.is_some() && page.pdf_url.is_some());
    // 上一期/下一期 are JS only here.
    assert_eq!((page.prev_issue_url, page.next_issue_url), (None, None));
}

#[test]
fn real_rmrb_nbs_page_matches_its_ground_truth() {
    let Some(dir) = real_pages() else { return };
    let base = "http://paper.people.com.cn/rmrb/html/2017-10/16/";
    let file = "rmrb/2017-10-16/nbs.D110000renmrb_01.htm";
    let page = real_page(&dir, file, &format!("{base}nbs.D110000renmrb_01.htm"));
    assert_eq!(page.date, date(2017, 10, 16));
    assert_eq!(page.page_no.as_deref(), Some("01"));
    assert_eq!(page.page_name.as_deref(), Some("要闻"));
    assert_eq!(
        titles(&page),
        [
            "《习近平关于社会主义文化建设论述摘编》出版发行",
            "中共中央召开党外人士座谈会 征求对中共十九大报告的意见",
            "党的十九大代表陆续抵京",
            "砥砺奋进 铸就辉煌",
            "党的十八大以来大事记",
        ]
    );
    let urls: Vec<String> = (1..=5)
        .map(|k| format!("{base}nw.D110000renmrb_20171016_{k}-01.htm"))
        .collect();
    let got: Vec<&str> = page.articles.iter().map(|a| a.url.as_str()).collect();
    assert_eq!(got, urls);
    assert_eq!(page.pages.len(), 24);
    assert_eq!(page.pages[0].url, format!("{base}nbs.D110000renmrb_01.htm"));
    assert_eq!(
        page.pages[23].url,
        format!("{base}nbs.D110000renmrb_24.htm")
    );
    let name = |no: usize| page.pages[no - 1].page_name.as_deref();
    assert_eq!(name(1), Some("要闻"));
    assert_eq!(name(8), Some("广告"));
    assert_eq!(
        name(9),
        Some("砥砺奋进的5年·迎接党的十九大特别报道·历史性变革⑧")
    );
    assert_eq!(name(17), Some("综合"));
    assert_eq!(name(23), Some("区域经济"));
    let scans = "http://paper.people.com.cn/rmrb/page/2017-10/16/01/";
    assert_eq!(page.image_url, Some(format!("{scans}rmrb2017101601_b.jpg")));
    assert_eq!(page.pdf_url, Some(format!("{scans}rmrb2017101601.pdf")));
    assert_eq!((page.prev_issue_url, page.next_issue_url), (None, None));
}

#[test]
fn real_hnsb_article_matches_its_ground_truth() {
    let Some(dir) = real_pages() else { return };
    let url = "http://newpaper.dahe.cn/hnsb/html/2022-02/12/content_547409.htm";
    let article = match real(&dir, "hnsb/2022-02-12/content_547409.htm", url) {
        Record::Article(article) => article,
        other => panic!("should be an article, got {other:?}"),
    };
    assert_eq!(article.date, date(2022, 2, 12));
    assert_eq!(article.page_no.as_deref(), Some("A01"));
    assert_eq!(article.page_name.as_deref(), Some("头版"));
    assert_eq!(article.pretitle, None);
    assert_eq!(
        article.title.as_deref(),
        Some("拿起跨界“指挥棒”她跟学生“较着劲儿”成长")
    );
    assert_eq!(
        article.subtitle.as_deref(),
        Some("年过五十的她带领学校民乐团的孩子们一路快乐前行，在比赛中拿下不俗的成绩")
    );
    assert_eq!(article.author.as_deref(), Some("马俊峰"));
    // The credit line is printed text (it also credits the photographs), so it stays: 35.
    let body = &article.paragraphs;
    assert_eq!(body.len(), 35);
    assert_eq!(body[0], "顶端新闻·河南商报记者马俊峰/文受访者供图");
    assert_eq!(
        first_chars(&body[1], 30),
        "“你是不知道，每天看着孩子们直着脖子，仰着小脸儿，等你去表扬"
    );
    assert_eq!(
        last_chars(&body[34], 30),
        "小脸，等着老师表扬，那种满足感，是没有办法用语言来形容的。”"
    );
    assert_eq!(body[3], "“云端”连线练琴是最快乐的时光");
    assert_eq!(body[16], "学习不是为了对比做好自己最重要");
    assert_eq!(body[25], "发现学生每一个细小的闪光点提升他们的“幸福指数”");
    assert_eq!(
        article.images,
        [Image {
            url: "http://newpaper.dahe.cn/hnsb/images/2022-02/12/A01/p23_b.jpg".into(),
            caption: Some("郭荣梅指挥乐团练习".into()),
        }]
    );
}

/// The bundled site profiles point at the pages the parser reads: each profile's entry URL for
/// the day of a real page is that page's URL, and the page parses as the issue's first 版.
#[test]
fn bundled_profiles_enter_their_issues_where_the_real_pages_are() {
    let Some(dir) = real_pages() else { return };
    for (site, day, file) in [
        ("kjrb", date(2023, 2, 10), "kjrb/2023-02-10/node_2.htm"),
        (
            "zgjjjcb",
            date(2017, 7, 22),
            "zgjjjcb/2017-07-22/node_2.htm",
        ),
        ("rmrb", date(2026, 3, 10), "rmrb/2026-03-10/node_01.html"),
        (
            "rmrb-nbs",
            date(2017, 10, 16),
            "rmrb/2017-10-16/nbs.D110000renmrb_01.htm",
        ),
    ] {
        let profile = epaper_common::sites::get(site).unwrap();
        let entry = profile.entry_url(None, day.unwrap()).unwrap();
        let page = real_page(&dir, file, &entry);
        assert_eq!(page.url, entry, "{site}");
        assert_eq!(page.date, day, "{site}");
        assert_eq!(
            page.pages.first().map(|p| p.url.as_str()),
            Some(entry.as_str()),
            "{site}"
        );
        assert!(!page.articles.is_empty(), "{site}");
    }
}

// ---------------------------------------------------------------------------------------------
// Robustness: whatever the bytes, parsing returns a record or an error, never a panic, and the
// records it returns keep the contract's invariants
// ---------------------------------------------------------------------------------------------

mod robustness {
    use super::*;
    use proptest::collection::vec;
    use proptest::prelude::*;

    const URLS: [&str; 7] = [
        "http://paper.example.cn/kjb/html/2023-03/22/node_2.htm",
        "http://paper.example.cn/kjb/html/2023-03/22/content_1001.htm",
        "https://paper.example.cn/rmrb/pc/layout/202506/18/node_01.html",
        "https://paper.example.cn/rmrb/pc/content/202506/18/content_40000102.html",
        "http://paper.example.cn/rmrb/html/2018-03/06/nbs.D110000renmrb_02.htm",
        "http://paper.example.cn/rmrb/html/2018-03/06/nw.D110000renmrb_20180306_2-02.htm",
        "file:///tmp/saved.html",
    ];

    /// Pieces of the markup the parsers look for, so random documents reach their code paths.
    const TOKENS: [&str; 32] = [
        "<p>",
        "</p>",
        "<P>",
        "</P>",
        "<br>",
        "<BR/>",
        "&nbsp;",
        "\u{3000}",
        "<!--enpcontent-->",
        "<!--/enpcontent-->",
        "<!--enpproperty <author>",
        "</author>",
        "/enpproperty-->",
        "<td class=font01>",
        "<td class=\"font02\">",
        "</td>",
        "<a id=pageLink href=node_2.htm>",
        "<a href=content_77.htm?div=-1>",
        "</a>",
        "第A01版：",
        "2024年5月18日",
        "<MAP NAME=PagePicMap>",
        "<Area href=content_78.htm>",
        "<div id=ozoom>",
        "</div>",
        "■ 本报记者 ",
        "（记者 ",
        "）",
        "document.write(view(\"",
        "\"))",
        "新闻标题",
        "<founder-content>",
    ];

    fn documents() -> Vec<(String, Vec<u8>)> {
        let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let mut docs: Vec<(String, Vec<u8>)> = vec![
            (URLS[1].into(), utf8_with_bom_and_crlf(&plain_article())),
            (URLS[1].into(), gbk_with_crlf(&plain_article())),
        ];
        for (url, file) in [
            (URLS[2], "founder_new/rmrb_page.html"),
            (URLS[3], "founder_new/rmrb_article.html"),
            (URLS[4], "nbs/nbs.D110000renmrb_02.htm"),
            (URLS[5], "nbs/nw.D110000renmrb_20180306_2-02.htm"),
        ] {
            docs.push((url.into(), std::fs::read(fixtures.join(file)).unwrap()));
        }
        let real = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/real-pages");
        for (url, file) in [
            (
                "http://x.cn/kjrb/html/2023-02/10/node_2.htm",
                "kjrb/2023-02-10/node_2.htm",
            ),
            (
                "http://x.cn/hnsb/html/2022-02/12/content_547409.htm",
                "hnsb/2022-02-12/content_547409.htm",
            ),
            (
                "http://x.cn/rmrb/html/2017-10/16/nbs.D110000renmrb_01.htm",
                "rmrb/2017-10-16/nbs.D110000renmrb_01.htm",
            ),
        ] {
            if let Ok(bytes) = std::fs::read(real.join(file)) {
                docs.push((url.into(), bytes));
            }
        }
        docs
    }

    #[derive(Debug, Clone)]
    enum Mutation {
        Truncate(usize),
        Delete(usize, usize),
        Insert(usize, Vec<u8>),
        Duplicate(usize, usize),
        FlipByte(usize, u8),
    }

    fn mutation() -> impl Strategy<Value = Mutation> {
        prop_oneof![
            any::<usize>().prop_map(Mutation::Truncate),
            (any::<usize>(), 1..400usize).prop_map(|(at, n)| Mutation::Delete(at, n)),
            (any::<usize>(), vec(any::<u8>(), 1..32)).prop_map(|(at, b)| Mutation::Insert(at, b)),
            (any::<usize>(), 1..400usize).prop_map(|(at, n)| Mutation::Duplicate(at, n)),
            (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Mutation::FlipByte(at, b)),
        ]
    }

    fn mutate(bytes: &mut Vec<u8>, mutation: &Mutation) {
        if bytes.is_empty() {
            return;
        }
        let len = bytes.len();
        match mutation {
            Mutation::Truncate(at) => bytes.truncate(at % len),
            Mutation::Delete(at, n) => {
                let at = at % len;
                bytes.drain(at..(at + n).min(len));
            }
            Mutation::Insert(at, new) => {
                let at = at % len;
                bytes.splice(at..at, new.iter().copied());
            }
            Mutation::Duplicate(at, n) => {
                let at = at % len;
                let piece = bytes[at..(at + n).min(len)].to_vec();
                bytes.splice(at..at, piece);
            }
            Mutation::FlipByte(at, b) => bytes[at % len] ^= b | 1,
        }
    }

    /// The contract's invariants on whatever record comes out.
    fn check(url: &str, bytes: &[u8]) -> Result<(), TestCaseError> {
        match epaper_parser::parse(url, bytes, None) {
            Err(error) => prop_assert!(!error.to_string().is_empty()),
            Ok(Record::Page(page)) => {
                let mut urls: Vec<&str> = page.articles.iter().map(|a| a.url.as_str()).collect();
                prop_assert!(urls.iter().all(|u| !u.contains("?div=")), "{urls:?}");
                urls.sort();
                let before = urls.len();
                urls.dedup();
                prop_assert_eq!(before, urls.len(), "an article listed twice");
            }
            Ok(Record::Article(article)) => {
                for p in &article.paragraphs {
                    prop_assert!(!p.is_empty() && p.trim() == p, "{p:?}");
                }
            }
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        #[test]
        fn arbitrary_bytes_never_panic(bytes in vec(any::<u8>(), 0..2048), url in 0..URLS.len()) {
            check(URLS[url], &bytes)?;
        }

        #[test]
        fn tag_soup_never_panics(tokens in vec(0..TOKENS.len(), 0..300), url in 0..URLS.len()) {
            let html: String = tokens.iter().map(|&t| TOKENS[t]).collect();
            check(URLS[url], html.as_bytes())?;
        }

        #[test]
        fn mutated_real_and_fixture_pages_never_panic(
            doc in any::<prop::sample::Index>(),
            mutations in vec(mutation(), 1..6),
        ) {
            let docs = documents();
            let (url, original) = &docs[doc.index(docs.len())];
            let mut bytes = original.clone();
            for m in &mutations {
                mutate(&mut bytes, m);
            }
            check(url, &bytes)?;
        }
    }
}

/// 大河网's template writes its metadata as `<!--mpproperty <founder-…>… /mpproperty-->` after
/// the page; with no title cell and no byline in the body, the fields come from there.
#[test]
fn classic_article_reads_the_mpproperty_block_of_the_dahe_template() {
    let html = "<html><head><title>--大河网</title></head><body>\
        <div id=ozoom><!--enpcontent--><P><p>&nbsp;&nbsp;&nbsp;&nbsp;正文只有一段。</p></P><!--/enpcontent--></div>\
        </body></html>\r\n<!--mpproperty <founder-date>\r\n2024-05-18\r\n</founder-date>\r\n\
        <founder-author>\r\n林晓雨\r\n</founder-author>\r\n<founder-title>春夜听雨\r\n</founder-title>\r\n\
        <founder-subtitle>城市里的一场小雨</founder-subtitle><founder-introtitle></founder-introtitle>\r\n\
        <founder-pagenum>A03</founder-pagenum> /mpproperty-->";
    let got = article(
        "http://paper.example.cn/sb/html/2024-05/18/content_9001.htm",
        &utf8_with_bom_and_crlf(html),
        None,
    );
    assert_eq!(got.title.as_deref(), Some("春夜听雨"));
    assert_eq!(got.subtitle.as_deref(), Some("城市里的一场小雨"));
    assert_eq!(got.pretitle, None);
    assert_eq!(got.author.as_deref(), Some("林晓雨"));
    assert_eq!(got.page_no.as_deref(), Some("A03"));
    assert_eq!(got.date, date(2024, 5, 18));
    assert_eq!(got.paragraphs, ["正文只有一段。"]);
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

/// A fetched document whose body inflates past the crawler's cap for documents (a decompression
/// bomb: 16 MiB of spaces in a few KiB on the wire) is refused as a permanent error without
/// being parsed or sent on; one of exactly the cap is parsed.
#[tokio::test]
async fn a_decompression_bomb_is_refused_permanently() {
    use epaper_common::error::StageError;
    use epaper_common::messages::{CompressedBytes, DocKind, FetchedDocument, Message};
    use epaper_common::transport::{Handler, Outbox};
    use epaper_parser::service::ParseStage;

    struct Nowhere(std::sync::atomic::AtomicUsize);
    impl Outbox for Nowhere {
        async fn send(&self, _message: Message) -> Result<(), StageError> {
            self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Ok(())
        }
    }
    let fetched = |n_bytes: u64| {
        let mut raw = b"<html><body>".to_vec();
        raw.resize(n_bytes as usize, b' ');
        Message::Fetched(FetchedDocument {
            site: "sample".into(),
            issue_date: NaiveDate::from_ymd_opt(2024, 3, 1).unwrap(),
            kind: DocKind::Article,
            url: "http://127.0.0.1:1/html/2024-03/01/content_1.htm".into(),
            status: 200,
            content_type: Some("text/html".into()),
            etag: None,
            last_modified: None,
            fetched_at: chrono::Utc::now(),
            body: CompressedBytes::compress(&raw),
        })
    };
    let caps = epaper_common::config::Settings::load_with_env(None, Vec::new())
        .unwrap()
        .crawler
        .size_caps();
    assert_eq!(caps.html, 16 * 1024 * 1024, "the default crawl cap");
    let stage = ParseStage::new(caps, epaper_parser::service::DEFAULT_PARSE_TIMEOUT);
    let bomb = fetched(caps.html + 1);
    let Message::Fetched(doc) = &bomb else {
        unreachable!()
    };
    assert!(doc.body.compressed().len() < 1024 * 1024);
    let out = Nowhere(Default::default());
    match stage.handle(bomb, &out).await {
        Err(StageError::Permanent(error)) => {
            assert!(error.to_string().contains("inflates past"), "{error:#}")
        }
        other => panic!("a bomb was not refused permanently: {other:?}"),
    }
    assert_eq!(out.0.load(std::sync::atomic::Ordering::SeqCst), 0);
    // Just under: an article padded to exactly the crawler's cap is inflated, parsed and sent.
    let mut article = include_bytes!("fixtures/founder_new/rmrb_article.html").to_vec();
    article.resize(caps.html as usize, b' ');
    let Message::Fetched(doc) = fetched(1) else {
        unreachable!()
    };
    let under = Message::Fetched(FetchedDocument {
        url: "https://paper.example.cn/rmrb/pc/content/202506/18/content_40000102.html".into(),
        body: CompressedBytes::compress(&article),
        ..doc
    });
    stage.handle(under, &out).await.unwrap();
    assert_eq!(out.0.load(std::sync::atomic::Ordering::SeqCst), 1);
}

// ---------------------------------------------------------------------------------------------
// Hostile pages: only http and https links reach a record, however a page spells the scheme
// ---------------------------------------------------------------------------------------------

mod hostile {
    use std::time::{Duration, Instant};

    use epaper_common::messages::{PageRecord, Record};
    use epaper_parser::html::{MAX_ARTICLES_PER_PAGE, MAX_PAGES_PER_ISSUE};

    /// Spellings of a link that is not http(s), each written before the real file name the
    /// field looks for. A check of the text (`starts_with("javascript:")`) misses most: the HTML
    /// parser decodes entities, and the URL parser strips tabs, newlines and leading controls
    /// and lowercases the scheme. `{DIR}` is the directory of the page, so a `file:` link on the
    /// page's own host and date passes the same-issue checks.
    const SPELLINGS: [&str; 16] = [
        "javascript:alert(1)//",
        "java&#9;script:alert(1)//",
        "java&#10;script:alert(1)//",
        "java&#x0D;&#x0A;script:alert(1)//",
        "java\tscript:alert(1)//",
        "java\nscript:alert(1)//",
        "JaVaScRiPt:alert(1)//",
        "   javascript:alert(1)//",
        "&#1;&#32;javascript:alert(1)//",
        "&#x6A;avascript:alert(1)//",
        "&#106;&#97;vascript:alert(1)//",
        "javascript&colon;alert(1)//",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==//",
        "VBScript:msgbox(1)//",
        "file://{DIR}",
        "file:///etc/",
    ];

    fn fixture(file: &str) -> String {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/hostile")
            .join(file);
        std::fs::read_to_string(path).unwrap()
    }

    /// The fixture with its hostile links written in `spelling` (`#` leaves them out: a link to
    /// a fragment of this page is nothing).
    fn parse_with(file: &str, url: &str, spelling: &str) -> Record {
        let dir = url
            .strip_prefix("http://")
            .or(url.strip_prefix("https://"))
            .unwrap();
        let dir = &dir[..=dir.rfind('/').unwrap()];
        let html = fixture(file).replace("EVIL", &spelling.replace("{DIR}", dir));
        epaper_parser::parse(url, html.as_bytes(), None).unwrap()
    }

    fn page_links(page: &PageRecord) -> Vec<&str> {
        let lists = page.pages.iter().map(|p| &p.url);
        let lists = lists.chain(page.articles.iter().map(|a| &a.url));
        let single = [
            &page.image_url,
            &page.pdf_url,
            &page.prev_issue_url,
            &page.next_issue_url,
        ];
        lists
            .chain(single.into_iter().flatten())
            .map(String::as_str)
            .collect()
    }

    fn web(link: &str) -> bool {
        link.starts_with("http://") || link.starts_with("https://")
    }

    /// Every field of the page holds exactly the real links, whatever the spelling: the record
    /// is the one of the page without its hostile links.
    fn page_keeps_only_real_links(file: &str, url: &str) {
        let Record::Page(clean) = parse_with(file, url, "#") else {
            panic!("{file} is not a page")
        };
        // The real links are there: every field is filled, so a field that let a hostile link
        // through (the first of each in the fixture) would differ.
        assert_eq!(clean.pages.len(), 2, "{clean:#?}");
        assert_eq!(clean.articles.len(), 1, "{clean:#?}");
        let single = [
            &clean.image_url,
            &clean.pdf_url,
            &clean.prev_issue_url,
            &clean.next_issue_url,
        ];
        assert!(single.iter().all(|f| f.is_some()), "{clean:#?}");
        assert!(page_links(&clean).into_iter().all(web), "{clean:#?}");
        for spelling in SPELLINGS {
            let Record::Page(page) = parse_with(file, url, spelling) else {
                panic!("{file} with {spelling:?} is not a page")
            };
            let hostile: Vec<&str> = page_links(&page).into_iter().filter(|l| !web(l)).collect();
            assert!(hostile.is_empty(), "{file}, {spelling:?}: {hostile:?}");
            assert_eq!(page, clean, "{file}, {spelling:?}");
        }
    }

    fn article_keeps_only_real_images(file: &str, url: &str) {
        let Record::Article(clean) = parse_with(file, url, "#") else {
            panic!("{file} is not an article")
        };
        assert_eq!(clean.images.len(), 1, "{clean:#?}");
        assert!(web(&clean.images[0].url));
        for spelling in SPELLINGS {
            let Record::Article(article) = parse_with(file, url, spelling) else {
                panic!("{file} with {spelling:?} is not an article")
            };
            assert_eq!(article, clean, "{file}, {spelling:?}");
        }
    }

    #[test]
    fn hostile_links_never_reach_a_classic_page_or_article() {
        page_keeps_only_real_links(
            "node_2.htm",
            "http://paper.example.cn/kjb/html/2023-03/22/node_2.htm",
        );
        article_keeps_only_real_images(
            "content_1001.htm",
            "http://paper.example.cn/kjb/html/2023-03/22/content_1001.htm",
        );
    }

    #[test]
    fn hostile_links_never_reach_a_new_founder_page_or_article() {
        page_keeps_only_real_links(
            "node_01.html",
            "https://paper.example.cn/rmrb/pc/layout/202506/18/node_01.html",
        );
        article_keeps_only_real_images(
            "content_40000101.html",
            "https://paper.example.cn/rmrb/pc/content/202506/18/content_40000101.html",
        );
    }

    #[test]
    fn hostile_links_never_reach_an_nbs_page_or_article() {
        page_keeps_only_real_links(
            "nbs.D110000renmrb_02.htm",
            "http://paper.example.cn/rmrb/html/2018-03/06/nbs.D110000renmrb_02.htm",
        );
        article_keeps_only_real_images(
            "nw.D110000renmrb_20180306_1-02.htm",
            "http://paper.example.cn/rmrb/html/2018-03/06/nw.D110000renmrb_20180306_1-02.htm",
        );
    }

    /// A page of `n` links per kind: `article(i)` and `page(i)` write one link each, pages
    /// first, so the article list is filled from links that come after a long page list.
    pub(crate) fn many_links(
        n_pages: usize,
        n_articles: usize,
        page: impl Fn(usize) -> String,
        article: impl Fn(usize) -> String,
    ) -> String {
        let mut html = String::from("<html><body><div id=pageList>");
        (0..n_pages).for_each(|i| html.push_str(&page(i)));
        html.push_str("</div><div id=titleList><ul class=news-list>");
        (0..n_articles).for_each(|i| html.push_str(&article(i)));
        html.push_str("</ul></div></body></html>");
        html
    }

    /// (URL, page) of each family with `n` page links and `2n` article links; `n = 50_000` is
    /// 5–6 MB.
    pub(crate) fn link_flood(n: usize) -> Vec<(&'static str, String)> {
        vec![
            (
                "http://paper.example.cn/kjb/html/2023-03/22/node_2.htm",
                many_links(
                    n,
                    2 * n,
                    |i| format!("<a id=pageLink href=node_{i}.htm>{i}</a>"),
                    |i| format!("<a href=content_{i}.htm>t{i}</a>"),
                ),
            ),
            (
                "https://paper.example.cn/rmrb/pc/layout/202506/18/node_01.html",
                many_links(
                    n,
                    2 * n,
                    |i| format!("<a id=pageLink href=node_{i}.html>{i}</a>"),
                    |i| format!("<a href=content_{i}.html>t{i}</a>"),
                ),
            ),
            (
                "http://paper.example.cn/rmrb/html/2018-03/06/nbs.D110000renmrb_02.htm",
                many_links(
                    n,
                    2 * n,
                    |i| format!("<a id=pageLink href=nbs.D1_{i}.htm>{i}</a>"),
                    |i| format!("<a href=nw.D1_20180306_{i}-02.htm>t{i}</a>"),
                ),
            ),
        ]
    }

    fn timed_page(url: &str, html: &str) -> (Duration, PageRecord) {
        let started = Instant::now();
        let record = epaper_parser::parse(url, html.as_bytes(), None).unwrap();
        let took = started.elapsed();
        let Record::Page(page) = record else {
            panic!("{url} is not a page")
        };
        (took, page)
    }

    /// 150,000 links took 45 s to de-duplicate (each searched the list kept so far); now a hash
    /// lookup each, and the lists stop at their caps, in first-seen order. Ten times the links
    /// must cost about ten times the time, not a hundred; the absolute bound is loose because
    /// tests run unoptimised on a shared machine.
    #[test]
    fn a_page_of_150k_links_parses_in_linear_time_and_its_lists_are_capped() {
        let small = link_flood(5_000);
        for (n, (url, html)) in link_flood(50_000).into_iter().enumerate() {
            assert!(html.len() > 4_000_000, "{}", html.len());
            let (took_small, _) = timed_page(small[n].0, &small[n].1);
            let (took, page) = timed_page(url, &html);
            eprintln!(
                "{url}: {} bytes, 150,000 links in {took:?}; 15,000 links in {took_small:?}",
                html.len()
            );
            assert!(took < Duration::from_secs(60), "{url}: {took:?}");
            assert!(
                took < took_small * 30,
                "{url}: {took:?} against {took_small:?}"
            );
            assert_eq!(page.articles.len(), MAX_ARTICLES_PER_PAGE, "{url}");
            assert_eq!(page.pages.len(), MAX_PAGES_PER_ISSUE, "{url}");
            assert_eq!(page.articles[0].title.as_deref(), Some("t0"), "{url}");
            let last = MAX_ARTICLES_PER_PAGE - 1;
            assert_eq!(page.articles[last].title, Some(format!("t{last}")), "{url}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The parse stage: parsing on the blocking pool under a deadline
// ---------------------------------------------------------------------------------------------

mod stage {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use chrono::NaiveDate;
    use epaper_common::error::StageError;
    use epaper_common::messages::{CompressedBytes, DocKind, FetchedDocument, Message};
    use epaper_common::transport::{Handler, Outbox};
    use epaper_parser::service::ParseStage;

    #[derive(Default)]
    struct Counting(AtomicUsize);
    impl Outbox for Counting {
        async fn send(&self, _message: Message) -> Result<(), StageError> {
            self.0.fetch_add(1, Ordering::SeqCst);
            Ok(())
        }
    }

    fn fetched(url: &str, html: &str) -> Message {
        Message::Fetched(FetchedDocument {
            site: "sample".into(),
            issue_date: NaiveDate::from_ymd_opt(2023, 3, 22).unwrap(),
            kind: DocKind::Page,
            url: url.into(),
            status: 200,
            content_type: Some("text/html; charset=utf-8".into()),
            etag: None,
            last_modified: None,
            fetched_at: chrono::Utc::now(),
            body: CompressedBytes::compress(html.as_bytes()),
        })
    }

    /// A document that takes longer than the deadline (a 7 MB page under 1 ms) is a permanent
    /// failure that says so, and nothing is sent on; an ordinary page under the default deadline
    /// is parsed and sent.
    #[tokio::test]
    async fn a_parse_over_its_deadline_fails_permanently_with_the_reason() {
        let (url, html) = super::hostile::link_flood(50_000).swap_remove(0);
        let out = Counting::default();
        let slow = ParseStage::new(
            epaper_common::config::Settings::default_size_caps(),
            Duration::from_millis(1),
        );
        match slow.handle(fetched(url, &html), &out).await {
            Err(StageError::Permanent(error)) => {
                assert_eq!(error.to_string(), "parse exceeded its 1ms deadline")
            }
            other => panic!("an overrun was not a permanent failure: {other:?}"),
        }
        assert_eq!(out.0.load(Ordering::SeqCst), 0);

        let ordinary = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/hostile/node_2.htm"),
        )
        .unwrap();
        ParseStage::default()
            .handle(fetched(url, &ordinary), &out)
            .await
            .unwrap();
        assert_eq!(out.0.load(Ordering::SeqCst), 1);
    }

    /// The configured deadline is the one the stage keeps: `parser.parse_timeout_ms`.
    #[test]
    fn the_deadline_comes_from_the_configuration() {
        let settings = epaper_common::config::Settings::load_with_env(
            None,
            [(
                "EPAPER__PARSER__PARSE_TIMEOUT_MS".to_string(),
                "250".to_string(),
            )],
        )
        .unwrap();
        assert_eq!(settings.parser.parse_timeout_ms, 250);
        let defaults = epaper_common::config::Settings::load_with_env(None, []).unwrap();
        assert_eq!(defaults.parser.parse_timeout_ms, 10_000);
        let stage = ParseStage::from_settings(&settings);
        assert_eq!(stage.deadline(), Duration::from_millis(250));
    }
}
