#!/usr/bin/env python3
"""Splits a `perf record` profile into the work it was spent on, for BENCHMARKS.md.

    python3 scripts/perf_split.py target/bench/perf-embedded.data
    python3 scripts/perf_split.py target/bench/perf-services.data --pid parser=1234 ...

Reads `perf report --no-children` (self time of each symbol, so every sample counts once) and
adds the symbols up into kinds of work by their crate or library: HTML parsing, segmentation,
SQLite, compression, HTTP and TLS, the runtime, memory, the kernel, and so on. With `--pid
NAME=PID` (repeatable; `bench.py --perf` prints them) each of those processes is split on its
own, with its share of all samples. With `--by-stage` (a profile with call graphs, as
`bench.py --perf` records the embedded process) each sample goes to the stage on its call
stack (crawl, parse, index, or SQLite's worker thread), then to its kind of work.
Standard library Python only; needs `perf` on PATH.
"""

import argparse
import collections
import os
import re
import subprocess
import sys

# First match wins: (kind, pattern on "dso symbol").
KINDS = [
    ("kernel", r"kernel\.kallsyms|vmlinux"),
    ("HTML parsing (html5ever, scraper, selectors)",
     r"html5ever|markup5ever|scraper::|selectors::|cssparser|string_cache|tendril|ego_tree"),
    ("segmentation (jieba)", r"jieba_rs|cedarwood"),
    ("tsvector build", r"epaper_indexer::tsvector"),
    ("regular expressions", r"regex|aho_corasick|memchr"),
    ("SQLite", r"libsqlite3|\bsqlite3|\bfts5|sqlx_sqlite"),
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
    ("epaper's own code", r"epaper_\w+::"),
]
COMPILED = [(kind, re.compile(pattern)) for kind, pattern in KINDS]


def classify(dso, symbol):
    text = f"{dso} {symbol}"
    for kind, pattern in COMPILED:
        if pattern.search(text):
            return kind
    return "other"


def rows(data, pid=None):
    sort = "dso,sym"
    command = ["perf", "report", "-i", data, "--stdio", "--no-children", "-g", "none",
               "--percent-limit", "0", "--sort", sort, "-F", f"overhead,{sort}"]
    if pid:
        # Shares stay relative to all samples, so processes add up.
        command += ["--pid", str(pid), "--percentage", "absolute"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        line = line.strip()
        match = re.match(r"([\d.]+)%\s+(\S+)\s+(.*)", line)
        if match and not line.startswith("#"):
            yield float(match.group(1)), match.group(2), match.group(3).strip()


def split(data, pid=None):
    kinds = collections.defaultdict(float)
    for share, dso, symbol in rows(data, pid):
        kinds[classify(dso, symbol)] += share
    return kinds


# The innermost frame that names a stage decides whose work a sample is.
STAGES = [("crawl", re.compile(r"CrawlStage|epaper_crawler::")),
          ("parse", re.compile(r"ParseStage|epaper_parser::")),
          ("index", re.compile(r"IndexStage|epaper_indexer::"))]


def samples(data):
    """(thread name, period, [(symbol, dso)] from the leaf out) of each sample."""
    out = subprocess.run(["perf", "script", "-i", data, "-F", "comm,tid,period,ip,sym,dso"],
                         capture_output=True, text=True, check=True).stdout
    for block in out.split("\n\n"):
        lines = [line for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        head = lines[0].split()
        frames = []
        for line in lines[1:]:
            match = re.match(r"\s*[0-9a-f]+ (.*?)(?: \((.*)\))?$", line)
            if match:
                frames.append((match.group(1), match.group(2) or ""))
        yield head[0], int(head[-1]), frames


def by_stage(data):
    totals = collections.defaultdict(lambda: collections.defaultdict(float))
    for comm, period, frames in samples(data):
        stage = "index (SQLite's worker thread)" if comm.startswith("sqlx-sqlite") else None
        for symbol, _ in frames:
            if stage:
                break
            stage = next((name for name, pattern in STAGES if pattern.search(symbol)), None)
        # The leaf function with the frames inlined into it: its kind of work.
        leaf = []
        for symbol, dso in frames:
            leaf.append(symbol)
            if dso != "inlined":
                leaf.append(os.path.basename(dso))
                break
        totals[stage or "none named (runtime, start-up, shutdown)"][
            classify(leaf[-1] if leaf else "?", " ".join(leaf))] += period
    everything = sum(sum(kinds.values()) for kinds in totals.values())
    for stage, kinds in sorted(totals.items(), key=lambda kv: -sum(kv[1].values())):
        print(f"{stage}: {100 * sum(kinds.values()) / everything:.1f}% of the samples")
        for kind, period in sorted(kinds.items(), key=lambda kv: -kv[1]):
            if period / everything >= 0.001:
                print(f"  {100 * period / everything:5.1f}%  {kind}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--by-stage", action="store_true",
                        help="split by the stage on each sample's call stack")
    parser.add_argument("data", help="a perf.data file")
    parser.add_argument("--pid", action="append", default=[], metavar="NAME=PID",
                        help="split this process on its own (repeatable)")
    args = parser.parse_args()
    if args.by_stage:
        by_stage(args.data)
        return 0
    targets = [tuple(p.split("=", 1)) for p in args.pid] or [("all samples", None)]
    for name, pid in targets:
        kinds = split(args.data, pid)
        print(f"{name}: {sum(kinds.values()):.1f}% of the samples")
        for kind, share in sorted(kinds.items(), key=lambda kv: -kv[1]):
            if share >= 0.1:
                print(f"  {share:5.1f}%  {kind}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
