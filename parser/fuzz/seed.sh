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
seed 9 $fixtures/bjrb/20250618_m.html
seed 10 $fixtures/bjrb/content_20250618_002_3.htm
seed 11 $fixtures/bjrb/20250618_plist.htm
seed 12 $fixtures/bjrb/20250618_002.html
seed 13 $fixtures/bjrb/20250618_002_3.htm
seed 14 $fixtures/read_do/page.html
seed 15 $fixtures/read_do/article.html
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
hostile 9 $fixtures/hostile/20250618_m.html
hostile 10 $fixtures/hostile/content_20250618_001_1.htm
hostile 12 $fixtures/hostile/20250618_002.html
hostile 14 $fixtures/hostile/read_do_page.html
hostile 15 $fixtures/hostile/read_do_article.html
# The same documents under a URL of no family, where the markup alone decides.
for f in $fixtures/founder_new/* $fixtures/nbs/* $fixtures/bjrb/* $fixtures/read_do/*; do seed 6 "$f"; done
ls corpus/parse | wc -l
