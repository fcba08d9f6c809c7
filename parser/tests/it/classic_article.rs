//! The classic Founder layout's articles, in the 河南商报 template: title cells, body, byline,
//! picture and 版, with the metadata comment's fallbacks. The fixture is also the one the
//! decoding and robustness modules serve in other encodings.

use epaper_common::messages::{ArticleRecord, Image};

use crate::support::{article, date, utf8_with_bom_and_crlf};

pub(crate) const ARTICLE_URL: &str =
    "http://paper.example.cn/sb/html/2024-05/18/content_610001.htm";

pub(crate) const TITLE: &str = "老厂房变身创意园 街坊邻里有了新去处";
const SUBTITLE: &str = "闲置多年的纺织厂经过改造，如今成了社区文化活动的聚集地";
const PRETITLE: &str = "城市更新·家门口的变化";
const CAPTION: &str = "改造后的厂房里，居民正在参观手工艺展览";
const META_UTF8: &str = r#"<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />"#;

/// The body as it should come out: indents gone, the empty `<p>&nbsp;</p>` gone, the bold
/// subheading kept, the byline moved to `author`. 镕 is in GBK but not in GB2312.
pub(crate) const PARAGRAPHS: [&str; 5] = [
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
pub(crate) fn enpproperty(author: &str, introtitle: &str) -> String {
    format!(
        "<!--enpproperty <date>2024-05-18 00:00:00:0</date><author>{author}</author>\
         <subtitle>{SUBTITLE}</subtitle><introtitle>{introtitle}</introtitle>\
         <paperarticleid>610001</paperarticleid><url>{ARTICLE_URL}</url><urlpad></urlpad>\
         <title>{TITLE}</title>/enpproperty-->"
    )
}

/// The article fixture with the given charset `<meta>` (or none), 引题 and metadata trailer.
pub(crate) fn article_html(meta: &str, pretitle: &str, trailer: &str) -> String {
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
pub(crate) fn plain_article() -> String {
    article_html(META_UTF8, "", &enpproperty("", ""))
}

pub(crate) fn expected_article() -> ArticleRecord {
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
