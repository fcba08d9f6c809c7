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
seed 9 $fixtures/founder_new/chunkicon_page.html
seed 10 $fixtures/founder_new/chunkicon_article.html
seed 9 $fixtures/founder_new/navlist_page.html
seed 9 $fixtures/founder_new/layoutlist_page.html
seed 9 $fixtures/founder_new/therestlist_page.html
seed 10 $fixtures/founder_new/navlist_article.html
seed 10 $fixtures/founder_new/layoutlist_article.html
seed 10 $fixtures/founder_new/therestlist_article.html
seed 11 $fixtures/founder_new/webtree_page.html
seed 10 $fixtures/founder_new/webtree_article.html
seed 12 $fixtures/founder_new/pad_article.html
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
hostile 9 $fixtures/hostile/colA01.html
hostile 11 $fixtures/hostile/node_A001.html
hostile 10 $fixtures/hostile/content_1202.html
hostile 12 $fixtures/hostile/content_3001.html
# The same documents under a URL of no family, where the markup alone decides.
for f in $fixtures/founder_new/* $fixtures/nbs/*; do seed 6 "$f"; done
ls corpus/parse | wc -l
