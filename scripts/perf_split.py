#!/usr/bin/env python3
"""Splits a `perf record` profile into the work it was spent on, for BENCHMARKS.md.

    python3 scripts/perf_split.py target/bench/perf-embedded.data
    python3 scripts/perf_split.py target/bench/perf-services.data --by-process

Reads `perf report --no-children` (self time of each symbol, so every sample counts once) and
adds the symbols up into kinds of work by their crate or library: HTML parsing, segmentation,
SQLite, compression, HTTP and TLS, the runtime, memory, the kernel, and so on. With
`--by-process` the first split is by command (the stages, `postgres`, `beam.smp` …).
Standard library Python only; needs `perf` on PATH.
"""

import argparse
import collections
import re
import subprocess
import sys

# First match wins: (kind, pattern on "dso symbol").
KINDS = [
    ("HTML parsing (html5ever, scraper, selectors)",
     r"html5ever|markup5ever|scraper::|selectors::|cssparser|string_cache|tendril|ego_tree"),
    ("segmentation (jieba)", r"jieba_rs|cedarwood"),
    ("tsvector build", r"epaper_indexer::tsvector"),
    ("regular expressions", r"regex|aho_corasick|memchr"),
    ("SQLite", r"libsqlite3|\bsqlite3|sqlx_sqlite"),
    ("PostgreSQL client (sqlx)", r"sqlx_postgres|sqlx_core"),
    ("compression (deflate)", r"miniz_oxide|flate2|crc32|adler"),
    ("hashing (sha2)", r"sha2::|sha256"),
    ("JSON (serde_json)", r"serde_json"),
    ("character sets (encoding_rs, chardetng)", r"encoding_rs|chardetng"),
    ("HTTP and TLS", r"hyper|\bh2::|reqwest|rustls|\bring\b|aws_lc|\bhttp::|axum|tower"),
    ("AMQP (lapin)", r"lapin|amq_protocol"),
    ("tokio and futures", r"tokio|futures|mio::|parking_lot"),
    ("memory (malloc, free, copies)",
     r"malloc|free|realloc|calloc|memcpy|memmove|memset|_int_|alloc::|core::ptr::drop"),
    ("kernel", r"kernel|\[k\]|vmlinux"),
    ("epaper's own code", r"epaper"),
]
COMPILED = [(kind, re.compile(pattern)) for kind, pattern in KINDS]


def classify(dso, symbol):
    text = f"{dso} {symbol}"
    for kind, pattern in COMPILED:
        if pattern.search(text):
            return kind
    return "other"


def rows(data, by_process):
    sort = "comm,dso,sym" if by_process else "dso,sym"
    out = subprocess.run(
        ["perf", "report", "-i", data, "--stdio", "--no-children", "-g", "none",
         "--percent-limit", "0", "--sort", sort, "-F", f"overhead,{sort}"],
        capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = re.match(r"([\d.]+)%\s+(.*)", line)
        if not match:
            continue
        share, rest = float(match.group(1)), match.group(2)
        if by_process:
            comm, _, rest = rest.partition(" ")
            rest = rest.strip()
        else:
            comm = ""
        dso, _, symbol = rest.partition(" ")
        yield comm, share, dso, symbol.strip()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data", help="a perf.data file")
    parser.add_argument("--by-process", action="store_true",
                        help="split by command first (a system-wide profile)")
    args = parser.parse_args()
    totals = collections.defaultdict(float)
    by_kind = collections.defaultdict(lambda: collections.defaultdict(float))
    for comm, share, dso, symbol in rows(args.data, args.by_process):
        totals[comm] += share
        by_kind[comm][classify(dso, symbol)] += share
    for comm, total in sorted(totals.items(), key=lambda kv: -kv[1]):
        if total < 0.5:
            continue
        print(f"{comm or 'all samples'}: {total:.1f}%")
        for kind, share in sorted(by_kind[comm].items(), key=lambda kv: -kv[1]):
            if share >= 0.1:
                print(f"  {share:5.1f}%  {kind}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
