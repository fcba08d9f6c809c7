#!/usr/bin/env python3
"""End-to-end benchmark of epaper (issue 9): see BENCHMARKS.md.

    python3 scripts/bench.py                      # everything, the sizes of BENCHMARKS.md
    python3 scripts/bench.py --issues 5 --only services,embedded   # a quick try

Builds the release binaries once, serves the generated sample paper (`epaper sample-site
--issues N --pages P --articles A`) and crawls it with the `sample-bench` profile (the sample
site without politeness), then:

  services  the three services over RabbitMQ into a fresh PostgreSQL database, a fresh queue
            prefix: articles/s from `epaper enqueue` to the last article stored, handler
            latency p50/p99 per stage (from each service's /metrics histogram), peak queue
            backlog (RabbitMQ management API), peak RSS and CPU time per process;
  embedded  `epaper run` into a fresh SQLite file: articles/s, peak RSS, CPU time;
  memory    each service's RSS while a backlog of --backlog messages waits in its queue;
  scaling   1, 2 and 4 parser replicas on the same parse backlog: documents/s.

Every run checks that the stored articles are exactly the manifest's (the sample site's
/manifest.json) and fails otherwise. Prints a table and writes everything as JSON to
target/bench/bench-<UTC time>.json. Needs PostgreSQL (127.0.0.1:5432, trust) and RabbitMQ
(127.0.0.1:5672 guest/guest, management plugin on :15672). Standard library only.
"""

import argparse
import base64
import datetime
import json
import math
import os
import random
import re
import signal
import socket
import sqlite3
import string
import subprocess
import sys
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release")
OUT = os.path.join(ROOT, "target", "bench")
SITE = "sample-bench"
PG = "postgresql://postgres@127.0.0.1:5432"
# Another broker: BENCH_AMQP_PORT=5673 BENCH_MANAGEMENT_PORT=15673 (guest/guest, vhost /).
AMQP = f"amqp://guest:guest@127.0.0.1:{os.environ.get('BENCH_AMQP_PORT', '5672')}/%2f"
MGMT = f"http://127.0.0.1:{os.environ.get('BENCH_MANAGEMENT_PORT', '15672')}"
MGMT_AUTH = "Basic " + base64.b64encode(b"guest:guest").decode()
# The indexer's batch size is its prefetch; the README advises 256 when throughput matters.
INDEXER_PREFETCH = "256"


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class BenchError(Exception):
    pass


def rand_tag():
    return "".join(random.choice(string.ascii_lowercase + string.digits) for _ in range(8))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(url, timeout=5, auth=None):
    request = urllib.request.Request(url)
    if auth:
        request.add_header("Authorization", auth)
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.status, response.read()


def mgmt(method, path, body=None):
    request = urllib.request.Request(MGMT + path, method=method, data=body)
    request.add_header("Authorization", MGMT_AUTH)
    request.add_header("content-type", "application/json")
    with urllib.request.urlopen(request, timeout=10) as response:
        data = response.read()
        return json.loads(data) if data else None


def queues(prefix):
    """{queue name: messages (ready + unacked)} of the queues of this prefix."""
    rows = mgmt("GET", "/api/queues/%2f?columns=name,messages")
    return {r["name"]: r.get("messages", 0) for r in rows if r["name"].startswith(prefix + ".")}


def delete_queues(prefix):
    for name in queues(prefix):
        try:
            mgmt("DELETE", "/api/queues/%2f/" + urllib.parse.quote(name, safe=""))
        except Exception as error:  # noqa: BLE001 - clean-up is best effort
            log(f"could not delete queue {name}: {error}")


# Debian's /usr/bin/psql is a Perl wrapper: calling the binary itself halves the cost of a poll.
PSQL = next((p for p in ("/usr/lib/postgresql/15/bin/psql",) if os.path.exists(p)), "psql")


def psql(db, sql):
    out = subprocess.run(
        [PSQL, f"{PG}/{db}", "-v", "ON_ERROR_STOP=1", "-tAc", sql],
        check=True, capture_output=True, text=True,
    ).stdout
    return out.strip()


def status_kb(pid, field):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


class Proc:
    """A child process whose peak RSS and CPU time come from wait4 when it ends."""

    def __init__(self, name, args, env, log_dir):
        self.name = name
        self.log_path = os.path.join(log_dir, f"{name}.log")
        self.log_file = open(self.log_path, "wb")
        self.popen = subprocess.Popen(
            args, env=env, stdout=subprocess.PIPE if name == "sample-site" else self.log_file,
            stderr=self.log_file, cwd=ROOT,
        )
        self.pid = self.popen.pid
        self.result = None
        self.rss_samples = []

    def alive(self):
        """Without reaping it: wait4 must be the one to collect its accounting."""
        if self.result is not None:
            return False
        return os.waitid(os.P_PID, self.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None

    def sample(self):
        rss = status_kb(self.pid, "VmRSS")
        if rss is not None:
            self.rss_samples.append(rss)

    def wait(self, timeout=None):
        """Waits for the exit (killing it after `timeout`); returns the accounting."""
        deadline = None if timeout is None else time.time() + timeout
        while True:
            pid, status, usage = os.wait4(self.pid, os.WNOHANG)
            if pid:
                break
            if deadline is not None and time.time() > deadline:
                log(f"{self.name} did not exit in time; SIGKILL")
                os.kill(self.pid, signal.SIGKILL)
                deadline = None
            time.sleep(0.05)
        self.popen.returncode = os.waitstatus_to_exitcode(status)
        self.log_file.close()
        self.result = {
            "exit": self.popen.returncode,
            "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
            "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
        }
        return self.result

    def stop(self):
        if self.result is None:
            try:
                os.kill(self.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            self.wait(timeout=30)
        return self.result


def cpu_busy():
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def cores_busy(before, after):
    busy, total = after[0] - before[0], after[1] - before[1]
    return round(os.cpu_count() * busy / total, 2) if total else None


CLK_TCK = os.sysconf("SC_CLK_TCK")


def proc_stat(pid):
    """(command name, own CPU seconds, reaped children's CPU seconds) of a live process."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            text = f.read()
    except OSError:
        return None
    comm = text[text.index("(") + 1:text.rindex(")")]
    fields = text[text.rindex(")") + 2:].split()
    # fields[11..14] are utime, stime, cutime, cstime (stat fields 14-17)
    own = (int(fields[11]) + int(fields[12])) / CLK_TCK
    children = (int(fields[13]) + int(fields[14])) / CLK_TCK
    return comm, own, children


def cpu_by_owner(stage_pids):
    """CPU seconds so far of the stages, PostgreSQL, RabbitMQ and the sample site.

    PostgreSQL's live processes (the services' pooled backends, the server's own workers) and
    its exited backends (the postmaster's reaped children: here mostly the harness's psql
    polls) are kept apart; RabbitMQ is its Erlang VM and the VM's helpers."""
    owners = {name: 0.0 for name in stage_pids}
    owners.update({"postgres": 0.0, "postgres_exited": 0.0, "rabbitmq": 0.0})
    by_pid = {pid: name for name, pid in stage_pids.items()}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        pid = int(entry)
        stat = proc_stat(pid)
        if stat is None:
            continue
        comm, own, children = stat
        if pid in by_pid:
            owners[by_pid[pid]] += own
        elif comm == "postgres":
            owners["postgres"] += own
            owners["postgres_exited"] += children  # only the postmaster has children
        elif comm in ("beam.smp", "erl_child_setup", "inet_gethost", "epmd"):
            owners["rabbitmq"] += own
    return owners


def cpu_ms_per_article(before, after, machine_before, machine_after, articles):
    """Milliseconds of CPU per stored article by owner, and what the rest of the machine took."""
    out = {name: round(1000 * (after[name] - before[name]) / articles, 3) for name in after}
    busy_s = (machine_after[0] - machine_before[0]) / CLK_TCK
    out["machine"] = round(1000 * busy_s / articles, 3)
    out["rest"] = round(out["machine"] - sum(v for k, v in out.items() if k != "machine"), 3)
    return out


def metrics(port):
    _, body = http_get(f"http://127.0.0.1:{port}/metrics")
    return body.decode()


def counter(text, name, **labels):
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            if all(f'{k}="{v}"' in line for k, v in labels.items()):
                total += float(line.rsplit(" ", 1)[1])
    return total


def histogram(texts, stage):
    """Cumulative buckets of epaper_handler_seconds{stage} summed over the given /metrics."""
    buckets, count, total = {}, 0.0, 0.0
    pattern = re.compile(r'^epaper_handler_seconds_bucket\{(.*)\} (\S+)$')
    for text in texts:
        for line in text.splitlines():
            m = pattern.match(line)
            if m and f'stage="{stage}"' in m.group(1):
                le = re.search(r'le="([^"]+)"', m.group(1)).group(1)
                bound = math.inf if le == "+Inf" else float(le)
                buckets[bound] = buckets.get(bound, 0.0) + float(m.group(2))
        count += counter(text, "epaper_handler_seconds_count", stage=stage)
        total += counter(text, "epaper_handler_seconds_sum", stage=stage)
    return sorted(buckets.items()), count, total


def quantile(buckets, q):
    """histogram_quantile as Prometheus does it: linear inside the bucket."""
    if not buckets or buckets[-1][1] == 0:
        return None
    rank = q * buckets[-1][1]
    lower, below = 0.0, 0.0
    for bound, cumulative in buckets:
        if cumulative >= rank:
            if math.isinf(bound):
                return lower
            if cumulative == below:
                return bound
            return lower + (bound - lower) * (rank - below) / (cumulative - below)
        lower, below = bound, cumulative
    return lower


def latency(texts, stage):
    buckets, count, total = histogram(texts, stage)
    if not count:
        return None
    ms = lambda s: None if s is None else round(s * 1000, 2)  # noqa: E731
    return {
        "calls": int(count),
        "mean_ms": ms(total / count),
        "p50_ms": ms(quantile(buckets, 0.5)),
        "p99_ms": ms(quantile(buckets, 0.99)),
        "total_s": round(total, 2),
    }


class Bench:
    def __init__(self, args):
        self.args = args
        self.run_dir = os.path.join(OUT, "logs-" + args.stamp)
        os.makedirs(self.run_dir, exist_ok=True)
        self.procs = []
        self.site = None

    # -- processes ---------------------------------------------------------------------------

    def start(self, name, args, env=None):
        full_env = dict(os.environ)
        full_env.update({"EPAPER__TELEMETRY__FORMAT": "json"})
        full_env.update(env or {})
        proc = Proc(name, args, full_env, self.run_dir)
        self.procs.append(proc)
        return proc

    def stop_all(self):
        for proc in self.procs:
            if proc.result is None:
                proc.stop()

    def run_cli(self, args, env):
        full_env = dict(os.environ)
        full_env.update({"EPAPER__TELEMETRY__FORMAT": "json", "RUST_LOG": "warn"})
        full_env.update(env)
        done = subprocess.run([os.path.join(BIN, "epaper"), *args], env=full_env, cwd=ROOT,
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise BenchError(f"epaper {' '.join(args)} failed: {done.stderr[-2000:]}")
        return done.stdout

    def service(self, kind, env, name=None):
        port = free_port()
        proc = self.start(name or kind, [os.path.join(BIN, f"epaper-{kind}")],
                          {**env, "EPAPER__SERVICE__HTTP_ADDR": f"127.0.0.1:{port}"})
        proc.port = port
        return proc

    def wait_ready(self, procs, timeout=60):
        deadline = time.time() + timeout
        for proc in procs:
            while True:
                if not proc.alive():
                    raise BenchError(f"{proc.name} exited; see {proc.log_path}")
                try:
                    if http_get(f"http://127.0.0.1:{proc.port}/readyz", timeout=2)[0] == 200:
                        break
                except Exception:  # noqa: BLE001 - not up yet
                    pass
                if time.time() > deadline:
                    raise BenchError(f"{proc.name} not ready after {timeout} s; see {proc.log_path}")
                time.sleep(0.1)

    # -- the sample site ---------------------------------------------------------------------

    def start_site(self):
        a = self.args
        proc = self.start("sample-site", [
            os.path.join(BIN, "epaper"), "sample-site", "--issues", str(a.issues),
            "--pages", str(a.pages), "--articles", str(a.articles)])
        self.site_pid = proc.pid
        base_url = proc.popen.stdout.readline().decode().strip()
        if not base_url.startswith("http"):
            raise BenchError(f"sample-site printed {base_url!r}; see {proc.log_path}")
        _, body = http_get(base_url + "manifest.json", timeout=60)
        manifest = json.loads(body)
        issues = manifest["issues"]
        articles = {url for i in issues for p in i["pages"] for url in p["articles"]}
        pages = {p["url"] for i in issues for p in i["pages"]}
        self.site = {
            "base_url": base_url,
            "from": issues[0]["date"],
            "to": issues[-1]["date"],
            "issues": len(issues),
            "pages": len(pages),
            "article_urls": articles,
            "articles": len(articles),
        }
        log(f"sample site {base_url}: {len(issues)} issues, {len(pages)} pages, "
            f"{len(articles)} articles")

    def range_args(self):
        return ["--site", SITE, "--base-url", self.site["base_url"],
                "--from", self.site["from"], "--to", self.site["to"]]

    def check_stored(self, urls, states, where):
        """The harness must fail when an article is missing: exact set equality."""
        expected = self.site["article_urls"]
        missing, extra = expected - urls, urls - expected
        if missing or extra:
            raise BenchError(f"{where}: {len(missing)} manifest articles missing, {len(extra)} "
                             f"unexpected (e.g. {sorted(missing or extra)[:3]})")
        if states != {"complete": self.site["issues"]}:
            raise BenchError(f"{where}: issue states {states}, expected all complete")

    # -- (a) services over RabbitMQ and PostgreSQL -------------------------------------------

    def fresh_env(self, label):
        tag = rand_tag()
        db = f"bench_{label}_{tag}"
        subprocess.run(["psql", f"{PG}/postgres", "-qc", f"CREATE DATABASE {db}"], check=True)
        env = {
            "EPAPER__DATABASE__URL": f"{PG}/{db}",
            "EPAPER__AMQP__URL": AMQP,
            "EPAPER__AMQP__MANAGEMENT_URL": MGMT.replace("://", "://guest:guest@"),
            "EPAPER__AMQP__QUEUE_PREFIX": f"bench-{label}-{tag}",
        }
        self.run_cli(["migrate"], env)
        return db, env

    def drop_env(self, db, env):
        delete_queues(env["EPAPER__AMQP__QUEUE_PREFIX"])
        if not self.args.keep:
            subprocess.run(["psql", f"{PG}/postgres", "-qc", f"DROP DATABASE IF EXISTS {db}"],
                           check=False)

    def services(self):
        log("services: crawler, parser, indexer over RabbitMQ into PostgreSQL")
        db, env = self.fresh_env("e2e")
        prefix = env["EPAPER__AMQP__QUEUE_PREFIX"]
        try:
            crawler = self.service("crawler", env)
            parser = self.service("parser", env)
            indexers = [self.service("indexer", {**env, "EPAPER__AMQP__PREFETCH": INDEXER_PREFETCH},
                                     name="indexer" if k == 0 else f"indexer-{k + 1}")
                        for k in range(self.args.indexers)]
            procs = [crawler, parser, *indexers]
            self.wait_ready(procs)
            peak_queue, stored, last_progress = {}, 0, time.time()
            perf = None
            if self.args.perf:
                # System-wide, so PostgreSQL, RabbitMQ and the sample site are in it too.
                perf = subprocess.Popen(
                    ["perf", "record", "-a", "-g", "-F", "499", "-o",
                     os.path.join(OUT, "perf-services.data")],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                time.sleep(1)
            stage_pids = {p.name: p.pid for p in procs}
            stage_pids["sample-site"] = self.site_pid
            t0, cpu0, owners0 = time.time(), cpu_busy(), cpu_by_owner(stage_pids)
            self.run_cli(["enqueue", *self.range_args()], env)
            t_enqueued = time.time()
            next_queue_poll, peak_derived = 0.0, {}
            while True:
                now = time.time()
                if now >= next_queue_poll:
                    for name, n in queues(prefix).items():
                        peak_queue[name] = max(peak_queue.get(name, 0), n)
                    next_queue_poll = now + 1.0
                for stage, n in self.derived_backlog(crawler, parser, indexers).items():
                    peak_derived[stage] = max(peak_derived.get(stage, 0), n)
                for proc in procs:
                    proc.sample()
                    if not proc.alive():
                        raise BenchError(f"{proc.name} exited; see {proc.log_path}")
                n = int(psql(db, "SELECT count(*) FROM articles"))
                if n > stored:
                    stored, last_progress = n, time.time()
                if n >= self.site["articles"]:
                    break
                if time.time() - last_progress > self.args.stall_secs:
                    raise BenchError(f"services: stuck at {n} of {self.site['articles']} "
                                     f"articles for {self.args.stall_secs} s")
                time.sleep(0.25)  # a psql process a poll: a few % of one core
            t1, cpu1, owners1 = time.time(), cpu_busy(), cpu_by_owner(stage_pids)
            if perf:
                perf.send_signal(signal.SIGINT)
                perf.wait()
                log("perf-services.data: split a process with scripts/perf_split.py " + " ".join(
                    f"--pid {name}={pid}" for name, pid in stage_pids.items()))
            texts = [metrics(p.port) for p in procs]
            urls = set(psql(db, "SELECT url FROM articles").split("\n"))
            states = dict(
                (s, int(c)) for s, c in (
                    line.split("|") for line in
                    psql(db, "SELECT state, count(*) FROM issues GROUP BY state").split("\n")))
            n_pages = int(psql(db, "SELECT count(*) FROM pages"))
            for proc in procs:
                proc.stop()
            self.check_stored(urls, states, "services")
            if n_pages != self.site["pages"]:
                raise BenchError(f"services: {n_pages} pages stored, manifest has "
                                 f"{self.site['pages']}")
            seconds = t1 - t0
            return {
                "articles": self.site["articles"],
                "pages": self.site["pages"],
                "seconds": round(seconds, 2),
                "enqueue_seconds": round(t_enqueued - t0, 2),
                "articles_per_s": round(self.site["articles"] / seconds, 1),
                "latency": {s: latency(texts, s) for s in ("crawl", "parse", "index")},
                "latency_note": "handler time per call: one issue (crawl), one document (parse), "
                                "one batch of up to 256 messages (index); p50/p99 interpolated "
                                "in the /metrics buckets (1, 2.5, 5, 10, 25, 50, 100, 250 ms…)",
                "peak_queue_messages": peak_queue,
                "queue_note": "ready + unacked from the management API, polled every second "
                              "(RabbitMQ refreshes it every 5 s, so a short run shows little)",
                "peak_backlog_derived": peak_derived,
                "derived_note": "waiting or in flight, from the services' counters polled every "
                                "0.25 s: crawl = issues - crawled; parse = documents fetched "
                                "(HTTP 200, robots.txt included) - parsed; index = parsed + 2 "
                                "per crawled issue (manifest, crawl started) - indexed",
                "machine_cores_busy": cores_busy(cpu0, cpu1),
                "cpu_ms_per_article": cpu_ms_per_article(owners0, owners1, cpu0, cpu1,
                                                         self.site["articles"]),
                "cpu_note": "CPU of each owner between enqueue and the last article stored, "
                            "from /proc: the stages, PostgreSQL's live processes, its exited "
                            "backends (the harness's psql polls), RabbitMQ, the sample site; "
                            "rest = the machine's busy time minus these (the harness, other "
                            "work on the machine)",
                "processes": {p.name: {**p.result, "last_rss_mb": round(
                    (p.rss_samples or [0])[-1] / 1024, 1)} for p in procs},
                "config": {"indexer_prefetch": INDEXER_PREFETCH, "indexers": self.args.indexers,
                           "other": "defaults"},
            }
        finally:
            self.stop_all_services()
            self.drop_env(db, env)

    def derived_backlog(self, crawler, parser, indexers):
        c, p = metrics(crawler.port), metrics(parser.port)
        crawled = counter(c, "epaper_messages_total", stage="crawl", outcome="ok")
        fetched = counter(c, "epaper_fetches_total", status="200")
        parsed = counter(p, "epaper_messages_total", stage="parse", outcome="ok")
        indexed = sum(counter(metrics(i.port), "epaper_messages_total", stage="index",
                              outcome="ok") for i in indexers)
        return {"crawl": int(self.site["issues"] - crawled), "parse": int(fetched - parsed),
                "index": int(parsed + 2 * crawled - indexed)}

    def stop_all_services(self):
        for proc in self.procs:
            if proc.name != "sample-site" and proc.result is None:
                proc.stop()

    # -- (b) embedded ------------------------------------------------------------------------

    def embedded(self):
        log("embedded: epaper run into SQLite")
        path = os.path.join(OUT, f"embedded-{rand_tag()}.db")
        try:
            t0, cpu0 = time.time(), cpu_busy()
            site0 = proc_stat(self.site_pid)[1]
            command = [os.path.join(BIN, "epaper"), "run", *self.range_args(),
                       "--db", f"sqlite://{path}"]
            if self.args.perf:
                # Under perf from the start, so that every thread it makes is in the profile;
                # DWARF call graphs, since release Rust keeps no frame pointers and the split
                # by stage (scripts/perf_split.py --by-stage) needs each sample's callers.
                command = ["perf", "record", "--call-graph", "dwarf,32768", "-F", "999", "-o",
                           os.path.join(OUT, "perf-embedded.data"), "--", *command]
            proc = self.start("embedded", command)
            while proc.alive():
                proc.sample()
                time.sleep(0.01)  # the run takes 2-3 s: the poll is its clock's resolution
            result = proc.wait()
            t1, cpu1 = time.time(), cpu_busy()
            site1 = proc_stat(self.site_pid)[1]
            if result["exit"] != 0:
                raise BenchError(f"epaper run exited {result['exit']}; see {proc.log_path}")
            with sqlite3.connect(path) as conn:
                urls = {r[0] for r in conn.execute("SELECT url FROM articles")}
                states = dict(conn.execute("SELECT state, count(*) FROM issues GROUP BY state"))
            self.check_stored(urls, states, "embedded")
            seconds = t1 - t0
            return {
                "articles": self.site["articles"],
                "seconds": round(seconds, 2),
                "articles_per_s": round(self.site["articles"] / seconds, 1),
                "processes": {"embedded": result},
                "machine_cores_busy": cores_busy(cpu0, cpu1),
                "cpu_ms_per_article": {
                    "epaper run": round(1000 * result["cpu_s"] / self.site["articles"], 3),
                    "sample-site": round(1000 * (site1 - site0) / self.site["articles"], 3),
                },
                "note": "wall time of the whole `epaper run` process, migration included",
            }
        finally:
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(path + suffix) and not self.args.keep:
                    os.remove(path + suffix)

    # -- backlogs ----------------------------------------------------------------------------

    def wait_counter(self, procs, stage, target, timeout):
        """Waits until the services' messages_total{stage,ok} sums to `target`."""
        deadline = time.time() + timeout
        while True:
            done = sum(counter(metrics(p.port), "epaper_messages_total", stage=stage,
                               outcome="ok") for p in procs)
            for proc in procs:
                proc.sample()
            if done >= target:
                return time.time()
            if time.time() > deadline:
                raise BenchError(f"{stage}: {int(done)} of {target} messages after {timeout} s")
            time.sleep(0.1)

    def fill_parse_backlog(self, env, rounds):
        """Crawls the site `rounds` times with no parser running: rounds × documents messages
        wait in the parse queue. Returns their number."""
        crawler = self.service("crawler", env, name=f"crawler-fill-{rand_tag()}")
        self.wait_ready([crawler])
        for _ in range(rounds):
            self.run_cli(["enqueue", *self.range_args()], env)
        self.wait_counter([crawler], "crawl", rounds * self.site["issues"], timeout=900)
        fetched = counter(metrics(crawler.port), "epaper_fetches_total", status="200")
        crawler.stop()
        # robots.txt is fetched by the crawler but not published.
        expected = rounds * (self.site["pages"] + self.site["articles"])
        prefix = env["EPAPER__AMQP__QUEUE_PREFIX"]
        deadline = time.time() + 30
        while queues(prefix).get(prefix + ".parse", 0) < expected:
            if time.time() > deadline:
                raise BenchError(f"parse backlog {queues(prefix)} below {expected} "
                                 f"({int(fetched)} fetches)")
            time.sleep(1)
        return expected

    def memory(self):
        n = self.args.backlog
        log(f"memory: each service with {n} messages waiting")
        db, env = self.fresh_env("mem")
        prefix = env["EPAPER__AMQP__QUEUE_PREFIX"]
        result = {}
        try:
            # Crawl: n issue messages (days long before and after the sample's), published by
            # four `epaper enqueue` at once, with no database (so no queued state is written).
            start = datetime.date(1800, 1, 1)
            no_db = {**env, "EPAPER__DATABASE__URL": f"{PG}/bench_no_such_database"}
            t0 = time.time()
            enqueuers = []
            for k in range(4):
                lo = start + datetime.timedelta(days=k * n // 4)
                hi = start + datetime.timedelta(days=(k + 1) * n // 4 - 1)
                full_env = {**os.environ, **no_db, "EPAPER__TELEMETRY__FORMAT": "json",
                            "RUST_LOG": "error"}
                enqueuers.append(subprocess.Popen(
                    [os.path.join(BIN, "epaper"), "enqueue", "--site", SITE, "--base-url",
                     self.site["base_url"], "--from", lo.isoformat(), "--to", hi.isoformat(),
                     "--all-days"], env=full_env, stdout=subprocess.DEVNULL, cwd=ROOT))
            if any(p.wait() != 0 for p in enqueuers):
                raise BenchError("enqueue of the crawl backlog failed")
            log(f"  {n} crawl messages published in {time.time() - t0:.0f} s")
            result["crawl"] = self.hold("crawler", env, prefix + ".crawl")
            mgmt("DELETE", "/api/queues/%2f/" + urllib.parse.quote(prefix + ".crawl", safe="")
                 + "/contents")
            mgmt("DELETE", "/api/queues/%2f/" + urllib.parse.quote(prefix + ".index", safe="")
                 + "/contents")
            # Parse: the site crawled as many times as it takes to reach n documents.
            per_round = self.site["pages"] + self.site["articles"]
            rounds = math.ceil(n / per_round)
            t0 = time.time()
            backlog = self.fill_parse_backlog(env, rounds)
            log(f"  {backlog} parse messages from {rounds} crawls in {time.time() - t0:.0f} s")
            result["parse"] = self.hold("parser", env, prefix + ".parse", drain=backlog)
            # Index: what the parser just produced (plus the crawls' manifests).
            result["index"] = self.hold("indexer", {**env, "EPAPER__AMQP__PREFETCH":
                                                    INDEXER_PREFETCH}, prefix + ".index")
            return result
        finally:
            self.stop_all_services()
            self.drop_env(db, env)

    def hold(self, kind, env, queue, drain=None):
        """Runs one service against its backlog for --hold-secs, sampling RSS (and, with
        `drain`, until that many messages are done); the peak RSS is from wait4."""
        prefix = env["EPAPER__AMQP__QUEUE_PREFIX"]
        time.sleep(6)  # the management API's counts lag up to 5 s
        before = queues(prefix).get(queue, 0)
        proc = self.service(kind, env, name=f"{kind}-backlog")
        self.wait_ready([proc])
        t0 = time.time()
        rss_at_hold = None
        while time.time() - t0 < self.args.hold_secs:
            proc.sample()
            time.sleep(0.2)
        rss_at_hold = proc.rss_samples[-1]
        stage = {"crawler": "crawl", "parser": "parse", "indexer": "index"}[kind]
        drained = None
        if drain:
            t_end = self.wait_counter([proc], stage, drain, timeout=900)
            drained = {"messages": drain, "seconds": round(t_end - t0, 2),
                       "per_s": round(drain / (t_end - t0), 1)}
        handled = counter(metrics(proc.port), "epaper_messages_total", stage=stage, outcome="ok")
        accounting = proc.stop()
        time.sleep(6)
        after = queues(prefix).get(queue, 0)
        out = {"backlog_before": before, "backlog_after": after, "handled": int(handled),
               "rss_after_hold_mb": round(rss_at_hold / 1024, 1), **accounting}
        if drained:
            out["drain"] = drained
        log(f"  {kind}: backlog {before}, RSS {out['rss_after_hold_mb']} MB after "
            f"{self.args.hold_secs} s, peak {accounting['peak_rss_mb']} MB")
        return out

    # -- scaling -----------------------------------------------------------------------------

    def scaling(self):
        out = []
        for replicas in self.args.replicas:
            db, env = self.fresh_env("scale")
            try:
                backlog = self.fill_parse_backlog(env, self.args.scaling_rounds)
                log(f"scaling: {replicas} parser(s) on {backlog} documents")
                t0, cpu0 = time.time(), cpu_busy()
                parsers = [self.service("parser", env, name=f"parser-{replicas}x-{k}")
                           for k in range(replicas)]
                self.wait_ready(parsers)
                t1 = self.wait_counter(parsers, "parse", backlog, timeout=900)
                machine_busy = cores_busy(cpu0, cpu_busy())
                accounting = [p.stop() for p in parsers]
                cpu = sum(a["cpu_s"] for a in accounting)
                out.append({
                    "replicas": replicas,
                    "documents": backlog,
                    "seconds": round(t1 - t0, 2),
                    "documents_per_s": round(backlog / (t1 - t0), 1),
                    "parser_cpu_s": round(cpu, 2),
                    "parser_cores_busy": round(cpu / (t1 - t0), 2),
                    "machine_cores_busy": machine_busy,
                    "peak_rss_mb": [a["peak_rss_mb"] for a in accounting],
                })
                log(f"  {out[-1]['documents_per_s']} documents/s, parsers busy "
                    f"{out[-1]['parser_cores_busy']} cores")
            finally:
                self.stop_all_services()
                self.drop_env(db, env)
        return out


def machine():
    model = subprocess.run(["sh", "-c", "lscpu | sed -n 's/^Model name: *//p'"],
                           capture_output=True, text=True).stdout.strip()
    with open("/proc/meminfo") as f:
        mem_kb = int(f.readline().split()[1])
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                            capture_output=True, text=True).stdout.strip()
    return {"nproc": os.cpu_count(), "cpu": model, "ram_gb": round(mem_kb / 1024 / 1024, 1),
            "commit": commit, "amqp": AMQP.replace("guest:guest@", ""), "management": MGMT}


def table(report):
    lines = []
    s, e = report.get("services"), report.get("embedded")
    if s or e:
        lines.append("| run | articles | seconds | articles/s | peak RSS MB (process) |")
        lines.append("| --- | --- | --- | --- | --- |")
        for name, r in (("services", s), ("embedded", e)):
            if r:
                rss = ", ".join(f"{k} {v['peak_rss_mb']}" for k, v in r["processes"].items())
                lines.append(f"| {name} | {r['articles']} | {r['seconds']} | "
                             f"{r['articles_per_s']} | {rss} |")
    if e:
        lines.append("\nembedded, CPU ms per article: " + ", ".join(
            f"{k} {v}" for k, v in e["cpu_ms_per_article"].items()))
    if s:
        lines += ["", "| stage | calls | mean ms | p50 ms | p99 ms | handler s | "
                  "peak backlog (counters) | peak backlog (management API) |",
                  "| --- | --- | --- | --- | --- | --- | --- | --- |"]
        for stage, l in s["latency"].items():
            peak = max((v for q, v in s["peak_queue_messages"].items()
                        if q.endswith("." + stage)), default=0)
            if l:
                lines.append(f"| {stage} | {l['calls']} | {l['mean_ms']} | {l['p50_ms']} | "
                             f"{l['p99_ms']} | {l['total_s']} | "
                             f"{s['peak_backlog_derived'].get(stage)} | {peak} |")
        lines.append(f"\nmachine cores busy during the services run: {s['machine_cores_busy']}")
        lines.append("CPU ms per article: " + ", ".join(
            f"{k} {v}" for k, v in s["cpu_ms_per_article"].items()))
    m = report.get("memory")
    if m:
        lines += ["", "| service | backlog | RSS after hold MB | peak RSS MB | handled |",
                  "| --- | --- | --- | --- | --- |"]
        for stage, r in m.items():
            lines.append(f"| {stage} | {r['backlog_before']} | {r['rss_after_hold_mb']} | "
                         f"{r['peak_rss_mb']} | {r['handled']} |")
    sc = report.get("scaling")
    if sc:
        lines += ["", "| parser replicas | documents | seconds | documents/s | parsers' cores "
                  "busy | machine's cores busy |", "| --- | --- | --- | --- | --- | --- |"]
        for r in sc:
            lines.append(f"| {r['replicas']} | {r['documents']} | {r['seconds']} | "
                         f"{r['documents_per_s']} | {r['parser_cores_busy']} | "
                         f"{r['machine_cores_busy']} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--issues", type=int, default=50)
    parser.add_argument("--pages", type=int, default=16)
    parser.add_argument("--articles", type=int, default=8)
    parser.add_argument("--only", default="services,embedded,memory,scaling",
                        help="comma-separated parts to run")
    parser.add_argument("--backlog", type=int, default=100_000,
                        help="messages waiting for each service in the memory test")
    parser.add_argument("--hold-secs", type=float, default=20,
                        help="how long each service runs against its backlog (memory test)")
    parser.add_argument("--replicas", default="1,2,4")
    parser.add_argument("--indexers", type=int, default=1,
                        help="indexer replicas in the services run")
    parser.add_argument("--scaling-rounds", type=int, default=3,
                        help="crawls of the whole site that make the scaling backlog")
    parser.add_argument("--stall-secs", type=float, default=60)
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--perf", action="store_true",
                        help="perf record -a during the services run (target/bench/"
                             "perf-services.data) and of the embedded process "
                             "(perf-embedded.data); their numbers are then not the reference ones")
    parser.add_argument("--keep", action="store_true", help="keep databases and SQLite files")
    parser.add_argument("--out", help="JSON file (default target/bench/bench-<time>.json)")
    args = parser.parse_args()
    args.replicas = [int(r) for r in args.replicas.split(",")]
    args.stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    parts = args.only.split(",")
    os.makedirs(OUT, exist_ok=True)

    if not args.no_build:
        log("cargo build --release")
        subprocess.run(["cargo", "build", "--release", "-p", "epaper", "-p", "epaper-crawler",
                        "-p", "epaper-parser", "-p", "epaper-indexer"], cwd=ROOT, check=True)
    bench = Bench(args)
    report = {"started": args.stamp, "machine": machine(),
              "load_before": open("/proc/loadavg").read().split()[:3],
              "site": {"issues": args.issues, "pages_per_issue": args.pages,
                       "articles_per_page": args.articles, "profile": SITE}}
    failed = None
    try:
        bench.start_site()
        report["site"].update({k: v for k, v in bench.site.items() if k != "article_urls"})
        for part in parts:
            try:
                report[part] = getattr(bench, part)()
            except BenchError as error:
                log(f"FAILED {part}: {error}")
                report[part + "_error"] = str(error)
                failed = failed or part
    finally:
        bench.stop_all()
    report["load_after"] = open("/proc/loadavg").read().split()[:3]
    report["finished"] = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    out = args.out or os.path.join(OUT, f"bench-{args.stamp}.json")
    with open(out, "w") as f:
        json.dump(report, f, indent=2, ensure_ascii=False)
    print(table(report))
    print(f"\nJSON: {out}; logs: {bench.run_dir}")
    if failed:
        print(f"FAILED: {failed} (see the JSON)", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
