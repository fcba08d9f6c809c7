#!/bin/sh
# Builds corpus/parse from the parser's own test fixtures: each seed is the URL byte, the
# content-type byte (0: none) and the document, so each fixture starts under its family's URL.
set -eu
cd "$(dirname "$0")"
fixtures=../tests/fixtures
mkdir -p corpus/parse
seed() { # url-index file
    { printf "\\$(printf %03o "$1")\\000"; cat "$2"; } > "corpus/parse/seed-$1-$(basename "$2")"
}
seed 2 $fixtures/founder_new/rmrb_page.html
seed 3 $fixtures/founder_new/rmrb_article.html
seed 2 $fixtures/founder_new/gmrb_page.html
seed 3 $fixtures/founder_new/gmrb_article.html
seed 4 $fixtures/nbs/nbs.D110000renmrb_02.htm
seed 5 $fixtures/nbs/nw.D110000renmrb_20180306_2-02.htm
seed 9 $fixtures/shtml/xpublish_vA2.shtml
seed 9 $fixtures/shtml/sxrb_v02.shtml
seed 10 $fixtures/shtml/xpublish_712345.shtml
seed 10 $fixtures/shtml/sxrb_1830012.shtml
seed 10 $fixtures/shtml/f20_5501.shtml
seed 11 $fixtures/bmml/page_2.htm
seed 11 $fixtures/bmml/page_2_tit.htm
seed 12 $fixtures/bmml/content_20418.htm
seed 13 $fixtures/qpaper/Qpaper_2.html
seed 14 $fixtures/qpaper/3100202.html
seed 14 $fixtures/qpaper/class_3100301.html
seed 15 $fixtures/founder_new/chunkicon_page.html
seed 16 $fixtures/founder_new/chunkicon_article.html
seed 15 $fixtures/founder_new/navlist_page.html
seed 15 $fixtures/founder_new/layoutlist_page.html
seed 15 $fixtures/founder_new/therestlist_page.html
seed 16 $fixtures/founder_new/navlist_article.html
seed 16 $fixtures/founder_new/layoutlist_article.html
seed 16 $fixtures/founder_new/therestlist_article.html
seed 17 $fixtures/founder_new/webtree_page.html
seed 16 $fixtures/founder_new/webtree_article.html
seed 18 $fixtures/founder_new/pad_article.html
seed 0 $fixtures/classic/bmdh_node_2.htm
seed 0 $fixtures/classic/catalogue_node_1.htm
seed 0 $fixtures/classic/ednav_node_79.htm
seed 1 $fixtures/classic/wz_content_20321.htm
seed 19 $fixtures/paper_index/Page01TB.htm
seed 19 $fixtures/paper_index/PageA01BC.htm
seed 19 $fixtures/paper_index/PageArticleIndexLB.htm
seed 20 $fixtures/paper_index/Articel02003BC.htm
seed 20 $fixtures/paper_index/ArticelA03002JQ.htm
seed 21 $fixtures/bjrb/20250618_m.html
seed 22 $fixtures/bjrb/content_20250618_002_3.htm
seed 23 $fixtures/bjrb/20250618_plist.htm
seed 24 $fixtures/bjrb/20250618_002.html
seed 25 $fixtures/bjrb/20250618_002_3.htm
seed 26 $fixtures/read_do/page.html
seed 27 $fixtures/read_do/article.html
# The hostile fixtures, their `EVIL` links written as an obfuscated `javascript:`.
hostile() { # url-index file
    { printf "\\$(printf %03o "$1")\\000"; sed 's|EVIL|java\&#9;script:alert(1)//|g' "$2"; } \
        > "corpus/parse/seed-$1-hostile-$(basename "$2")"
}
hostile 0 $fixtures/hostile/node_2.htm
hostile 1 $fixtures/hostile/content_1001.htm
hostile 2 $fixtures/hostile/node_01.html
hostile 3 $fixtures/hostile/content_40000101.html
hostile 4 $fixtures/hostile/nbs.D110000renmrb_02.htm
hostile 5 $fixtures/hostile/nw.D110000renmrb_20180306_1-02.htm
hostile 9 $fixtures/hostile/vA2.shtml
hostile 10 $fixtures/hostile/712345.shtml
hostile 11 $fixtures/hostile/page_2.htm
hostile 12 $fixtures/hostile/page_2_content_1.htm
hostile 13 $fixtures/hostile/Qpaper_2.html
hostile 14 $fixtures/hostile/3100201.html
hostile 15 $fixtures/hostile/colA01.html
hostile 17 $fixtures/hostile/node_A001.html
hostile 16 $fixtures/hostile/content_1202.html
hostile 18 $fixtures/hostile/content_3001.html
hostile 19 $fixtures/hostile/Page01TB.htm
hostile 20 $fixtures/hostile/Articel01001TB.htm
hostile 21 $fixtures/hostile/20250618_m.html
hostile 22 $fixtures/hostile/content_20250618_001_1.htm
hostile 24 $fixtures/hostile/20250618_002.html
hostile 26 $fixtures/hostile/read_do_page.html
hostile 27 $fixtures/hostile/read_do_article.html
# The same documents under a URL of no family, where the markup alone decides.
for f in $fixtures/founder_new/* $fixtures/nbs/*; do seed 6 "$f"; done
for f in $fixtures/shtml/* $fixtures/bmml/* $fixtures/qpaper/*; do seed 6 "$f"; done
for f in $fixtures/classic/* $fixtures/paper_index/*; do seed 6 "$f"; done
for f in $fixtures/bjrb/* $fixtures/read_do/*; do seed 6 "$f"; done
ls corpus/parse | wc -l
