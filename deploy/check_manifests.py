#!/usr/bin/python3
"""Checks every file under deploy/ against the code it deploys.

Parses each YAML, JSON, env, Dockerfile and shell file under deploy/, then checks that
- each service (compose, Kubernetes) has probes or a healthcheck, resource limits and a non-root
  user, and each runtime image a non-root USER and no build tools;
- no secret is written inline (only ${VAR} interpolation, or CHANGE-ME example placeholders);
- the names the manifests use are the ones the code uses, read from the source each run:
  EPAPER__SECTION__KEY variables (config/default.toml), the queue names (common/src/broker/topology.rs,
  the stage names in common/src/messages/mod.rs, amqp.queue_prefix), the HTTP ports and paths
  (common/src/http.rs; the scheduler's in cli/src/cmd/schedule.rs), and the metric names and
  labels (metrics::*! calls in */src).

Usage: deploy/check_manifests.py [--root DIR] [--self-test]
--self-test breaks copies of deploy/ in known ways and fails unless every breakage is caught.
Needs Python 3.11 (tomllib) and PyYAML (Debian: python3-yaml).
"""

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

import yaml

STAGE_BINARIES = {"crawl": "crawler", "parse": "parser", "index": "indexer"}
# `epaper schedule`: a service that consumes no queue, deployed like the stages.
SCHEDULER = "schedule"
PLACEHOLDER = "CHANGE-ME"


# ---- what the code says ---------------------------------------------------------------------


class Code:
    """Names read from the Rust source and config/default.toml."""

    def __init__(self, repo: Path):
        defaults = tomllib.loads((repo / "config/default.toml").read_text())
        self.config_keys = {
            f"EPAPER__{section.upper()}__{key.upper()}"
            for section, table in defaults.items()
            for key in table
        }
        # Tables of their own (schedule.base_urls): any key under them.
        self.config_map_keys = {
            f"EPAPER__{section.upper()}__{key.upper()}__"
            for section, table in defaults.items()
            for key, value in table.items()
            if isinstance(value, dict)
        }
        self.prefix = defaults["amqp"]["queue_prefix"]

        messages = (repo / "common/src/messages/mod.rs").read_text()
        self.stages = dict(re.findall(r'Stage::(\w+) => "(\w+)"', messages))  # Crawl -> crawl
        if set(self.stages.values()) != set(STAGE_BINARIES):
            raise SystemExit(f"stage names in messages/mod.rs changed: {self.stages}")

        broker = (repo / "common/src/broker/topology.rs").read_text()
        formats = re.findall(r'format!\("\{\}\.\{\}(\.[a-z]+)?", self\.prefix, stage\.as_str\(\)\)', broker)
        if "" not in formats or ".dlq" not in formats:
            raise SystemExit("work/dead-letter queue name formats not found in broker/topology.rs")
        self.work_queues = {s: f"{self.prefix}.{s}" for s in STAGE_BINARIES}
        self.dead_letter_queues = {s: f"{self.prefix}.{s}.dlq" for s in STAGE_BINARIES}

        http = (repo / "common/src/http.rs").read_text()
        self.ports = {self.stages[v]: int(p) for v, p in re.findall(r"Stage::(\w+) => (\d+),", http)}
        schedule = (repo / "cli/src/cmd/schedule.rs").read_text()
        found = re.search(r'DEFAULT_HTTP_ADDR: &str = "[\d.]+:(\d+)"', schedule)
        if not found:
            raise SystemExit("DEFAULT_HTTP_ADDR not found in cli/src/cmd/schedule.rs")
        self.scheduler_port = int(found.group(1))
        self.paths = set(re.findall(r'\.route\("(/[a-z]+)"', http))
        for path in ("/metrics", "/healthz", "/readyz"):
            if path not in self.paths:
                raise SystemExit(f"{path} is not served by common/src/http.rs")

        # metric name -> (kind, label names)
        self.metrics: dict[str, tuple[str, set[str]]] = {}
        # The call up to its statement's end: labels are `"name" => value` pairs in it.
        call = re.compile(r'metrics::(counter|gauge|histogram)!\(\s*"(epaper_\w+)"([^;]*);', re.S)
        for source in repo.glob("*/src/**/*.rs"):
            for kind, name, rest in call.findall(source.read_text()):
                labels = set(re.findall(r'"(\w+)"\s*=>', rest))
                known = self.metrics.get(name, (kind, set()))[1]
                self.metrics[name] = (kind, known | labels)
        if len(self.metrics) < 5:
            raise SystemExit(f"too few epaper_* metrics found in the source: {sorted(self.metrics)}")

    def series(self) -> dict[str, set[str]]:
        """Every series name Prometheus sees, with its labels."""
        out = {}
        for name, (kind, labels) in self.metrics.items():
            out[name] = labels
            if kind == "histogram":
                out[name + "_bucket"] = labels | {"le"}
                out[name + "_sum"] = labels
                out[name + "_count"] = labels
        return out


# ---- checks ---------------------------------------------------------------------------------


class Checker:
    def __init__(self, deploy: Path, code: Code):
        self.deploy = deploy
        self.code = code
        self.errors: list[str] = []
        self.docs: dict[Path, list] = {}

    def error(self, path: Path | str, message: str):
        where = path.relative_to(self.deploy) if isinstance(path, Path) else path
        self.errors.append(f"{where}: {message}")

    def run(self) -> list[str]:
        self.parse_all()
        self.check_no_inline_secrets()
        self.check_env_keys()
        self.check_dockerfiles()
        self.check_compose()
        self.check_k8s()
        self.check_monitoring()
        self.check_rendered_overlays()
        return self.errors

    # -- parsing

    def parse_all(self):
        for path in sorted(self.deploy.rglob("*")):
            if not path.is_file() or path.name == ".env":
                continue
            text = path.read_text()
            try:
                if path.suffix in (".yaml", ".yml"):
                    self.docs[path] = [d for d in yaml.safe_load_all(text) if d is not None]
                elif path.suffix == ".json":
                    self.docs[path] = [json.loads(text)]
                elif path.suffix == ".sh":
                    subprocess.run(["bash", "-n", str(path)], check=True, capture_output=True)
                elif path.suffix == ".env":
                    for n, line in enumerate(text.splitlines(), 1):
                        if line.strip() and not line.startswith("#") and "=" not in line:
                            raise ValueError(f"line {n} is not KEY=VALUE")
            except (yaml.YAMLError, json.JSONDecodeError, ValueError) as e:
                self.error(path, f"does not parse: {e}")
            except subprocess.CalledProcessError as e:
                self.error(path, f"bash -n: {e.stderr.decode().strip()}")

    def yaml_docs(self, under: str):
        for path, docs in self.docs.items():
            if path.suffix in (".yaml", ".yml") and path.relative_to(self.deploy).as_posix().startswith(under):
                for doc in docs:
                    yield path, doc

    # -- secrets and configuration keys

    def check_no_inline_secrets(self):
        url_password = re.compile(r"[a-z+]+://[^:/@\s\"']+:([^@\s\"']+)@")
        secret_key = re.compile(r"\b(\w*(?:PASSWORD|PASS|SECRET|TOKEN|ACCESS_KEY)\w*)\s*[:=]\s*\"?([^\s\"#,}]*)", re.I)
        for path in self.deploy.rglob("*"):
            if not path.is_file() or path.name in (".env", "check_manifests.py"):
                continue
            for n, line in enumerate(path.read_text().splitlines(), 1):
                if line.lstrip().startswith("#"):
                    continue
                # ${VAR...} is filled in from the environment when the file is used.
                line = re.sub(r"\$\{[^}]*\}", "$VAR", line)
                for password in url_password.findall(line):
                    if not self.harmless(password, path):
                        self.error(path, f"line {n}: a password inline in a URL")
                for key, value in secret_key.findall(line):
                    if key.endswith(("Ref", "Generator", "Name", "_FILE")):
                        continue  # a reference to a secret, not its value
                    if value and not self.harmless(value, path):
                        self.error(path, f"line {n}: a secret value inline ({value[:4]}…)")
        # Kubernetes Secrets come from generators or outside the repo, never as manifests.
        for path, doc in self.yaml_docs("k8s/"):
            if isinstance(doc, dict) and doc.get("kind") == "Secret" and (doc.get("data") or doc.get("stringData")):
                self.error(path, f"Secret {doc['metadata']['name']} has inline data")

    def harmless(self, value: str, path: Path) -> bool:
        if value.startswith("${") or value.startswith("$(") or value.startswith("$"):
            return True  # interpolated from the environment at run time
        if PLACEHOLDER.lower() in value.lower():
            return path.name.endswith(".example.env") or path.name == "example.env"
        if path.name == "smoke.sh" and value in ("guest", "postgres"):
            return True  # the smoke test's throwaway local broker and database
        return value in ("", "true", "false", "Viewer")

    def check_env_keys(self):
        """Every EPAPER__ variable named anywhere is one the configuration accepts (an unknown
        key makes the services exit 2)."""
        for path in self.deploy.rglob("*"):
            if not path.is_file() or path.name == "check_manifests.py":
                continue
            for key in set(re.findall(r"\bEPAPER__[A-Z0-9_]+?__[A-Z0-9_]+", path.read_text())):
                under_map = any(key.startswith(p) for p in self.code.config_map_keys)
                if key not in self.code.config_keys and key != "EPAPER__SECTION__KEY" and not under_map:
                    self.error(path, f"{key} is not a key of config/default.toml")

    # -- images

    def check_dockerfiles(self):
        for path in [self.deploy / "Dockerfile", self.deploy / "Dockerfile.runtime"]:
            if not path.exists():
                self.error(path.name, "missing")
                continue
            stages = self.dockerfile_stages(path.read_text())
            for st in stages:
                if not re.match(r"\$\{?\w+\}?$", st["from"]) and st["from"] not in [s["name"] for s in stages]:
                    self.error(path, f"FROM {st['from']}: base images must be build arguments")
            if path.name == "Dockerfile":
                expected_targets = {"crawler": "epaper-crawler", "parser": "epaper-parser",
                                    "indexer": "epaper-indexer", "cli": "epaper", SCHEDULER: "epaper"}
                by_name = {s["name"]: s for s in stages}
                for target, binary in expected_targets.items():
                    if target not in by_name:
                        self.error(path, f"no target {target}")
                        continue
                    chain = self.chain(by_name, target)
                    self.check_runtime_chain(path, target, chain, binary)
                    stage = next((s for s, b in STAGE_BINARIES.items() if b == target), None)
                    port = self.code.ports[stage] if stage else (self.code.scheduler_port if target == SCHEDULER else None)
                    if port:
                        exposed = set(re.findall(r"^EXPOSE\s+(\d+)", "\n".join(by_name[target]["lines"]), re.M))
                        if exposed != {str(port)}:
                            self.error(path, f"target {target} exposes {exposed or 'nothing'}, the code serves {port}")
                    if target == SCHEDULER and not re.search(r'^ENTRYPOINT .*"schedule"\]', "\n".join(by_name[target]["lines"]), re.M):
                        self.error(path, f"target {target}: its entrypoint is not `epaper schedule`")
            else:
                self.check_runtime_chain(path, "runtime", stages, "${BIN}")

    @staticmethod
    def dockerfile_stages(text: str):
        stages = []
        text = re.sub(r"\\\n", " ", text)
        for line in text.splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            m = re.match(r"FROM\s+(\S+)(?:\s+AS\s+(\S+))?", line, re.I)
            if m:
                stages.append({"from": m.group(1), "name": m.group(2) or f"#{len(stages)}", "lines": []})
            elif stages:
                stages[-1]["lines"].append(line)
        return stages

    @staticmethod
    def chain(by_name, target):
        out = []
        while target in by_name:
            out.append(by_name[target])
            target = by_name[target]["from"]
        return out

    def check_runtime_chain(self, path, target, chain, binary):
        lines = [l for st in chain for l in st["lines"]]
        users = [l.split(None, 1)[1] for l in lines if l.upper().startswith("USER ")]
        if not users:
            self.error(path, f"target {target}: no USER (would run as root)")
        elif users[-1].split(":")[0] in ("0", "root"):
            self.error(path, f"target {target}: USER {users[-1]} is root")
        base = chain[-1]["from"] if chain else ""
        if "RUST" in base.upper():
            self.error(path, f"target {target}: runtime built FROM the Rust image")
        if any(re.search(r"\b(cargo|rustc|rustup|build-essential|gcc)\b", l) for l in lines):
            self.error(path, f"target {target}: build tools in the runtime image")
        copies = [l for l in lines if l.upper().startswith("COPY")]
        if not any(binary in l for l in copies):
            self.error(path, f"target {target}: does not copy {binary}")

    # -- compose

    def check_compose(self):
        path = self.deploy / "compose.yaml"
        docs = self.docs.get(path)
        if not docs:
            self.error("compose.yaml", "missing or empty")
            return
        services = docs[0].get("services", {})
        ports = {name: self.code.ports[stage] for stage, name in STAGE_BINARIES.items()}
        ports[SCHEDULER] = self.code.scheduler_port
        for name, port in ports.items():
            svc = services.get(name)
            if svc is None:
                self.error(path, f"no service {name}")
                continue
            if str(svc.get("user", "0")).split(":")[0] in ("0", "root", ""):
                self.error(path, f"{name}: no non-root user")
            if svc.get("restart") not in ("on-failure", "unless-stopped", "always"):
                self.error(path, f"{name}: no restart policy")
            limits = (svc.get("deploy") or {}).get("resources", {}).get("limits", {})
            if not (limits.get("cpus") and limits.get("memory")):
                self.error(path, f"{name}: no cpu and memory limits")
            if "replicas" not in (svc.get("deploy") or {}):
                self.error(path, f"{name}: replicas not settable")
            test = " ".join((svc.get("healthcheck") or {}).get("test", []))
            if not re.search(rf"/{port}\b.*(/readyz|/healthz)", test):
                self.error(path, f"{name}: healthcheck does not probe /readyz or /healthz on {port}")
            env = svc.get("environment") or {}
            if env.get("EPAPER__SERVICE__HTTP_ADDR", "").rsplit(":", 1)[-1] != str(port):
                self.error(path, f"{name}: EPAPER__SERVICE__HTTP_ADDR is not on port {port}")
            prefix = env.get("EPAPER__AMQP__QUEUE_PREFIX")
            if prefix != self.code.prefix:
                self.error(path, f"{name}: queue prefix {prefix!r}, monitoring expects {self.code.prefix!r}")
            for key in ("EPAPER__AMQP__URL", "EPAPER__DATABASE__URL"):
                if key not in env:
                    self.error(path, f"{name}: {key} not set")
            deps = svc.get("depends_on") or {}
            if (deps.get("migrate") or {}).get("condition") != "service_completed_successfully":
                self.error(path, f"{name}: does not wait for migrate")
        migrate = services.get("migrate") or {}
        if migrate.get("command") != ["migrate"] or migrate.get("restart") != "no":
            self.error(path, "migrate: not a one-shot `epaper migrate`")
        for infra in ("rabbitmq", "postgres"):
            if not (services.get(infra) or {}).get("healthcheck"):
                self.error(path, f"{infra}: no healthcheck")
        if not any("postgresql/data" in v for v in (services.get("postgres") or {}).get("volumes", [])):
            self.error(path, "postgres: no data volume")
        plugins = (self.deploy / "rabbitmq/enabled_plugins")
        text = plugins.read_text() if plugins.exists() else ""
        for plugin in ("rabbitmq_management", "rabbitmq_prometheus"):
            if plugin not in text:
                self.error("rabbitmq/enabled_plugins", f"{plugin} not enabled")

    # -- kubernetes

    def check_k8s(self):
        by_kind: dict[str, dict[str, tuple[Path, dict]]] = {}
        for path, doc in self.yaml_docs("k8s/"):
            if isinstance(doc, dict) and "kind" in doc and "metadata" in doc:
                by_kind.setdefault(doc["kind"], {})[doc["metadata"].get("name")] = (path, doc)
        self.check_kustomizations()
        config = by_kind.get("ConfigMap", {}).get("epaper-config")
        prefix = config[1]["data"].get("EPAPER__AMQP__QUEUE_PREFIX") if config else None
        if prefix != self.code.prefix:
            self.error("k8s/base/configmap.yaml", f"queue prefix {prefix!r}, expected {self.code.prefix!r}")
        deployments = by_kind.get("Deployment", {})
        for stage, short in STAGE_BINARIES.items():
            name = f"epaper-{short}"
            if name not in deployments:
                self.error("k8s/base", f"no Deployment {name}")
                continue
            path, dep = deployments[name]
            pod = dep["spec"]["template"]
            self.check_pod(path, name, pod["spec"], needs_probes=True, port=self.code.ports[stage])
            ann = pod["metadata"].get("annotations", {})
            if ann.get("prometheus.io/port") != str(self.code.ports[stage]) or ann.get("prometheus.io/path") not in self.code.paths:
                self.error(path, f"{name}: prometheus annotations do not name port {self.code.ports[stage]} and /metrics")
            if pod["metadata"].get("labels", {}).get("app.kubernetes.io/component") != stage:
                self.error(path, f"{name}: component label is not {stage}")
            selector = dep["spec"]["selector"]["matchLabels"]
            pdbs = [d for _, d in by_kind.get("PodDisruptionBudget", {}).values()
                    if d["spec"]["selector"].get("matchLabels") == selector]
            if not pdbs:
                self.error("k8s/base", f"no PodDisruptionBudget selects {name}")
            scaled = [(p, d) for p, d in by_kind.get("ScaledObject", {}).values()
                      if d["spec"]["scaleTargetRef"]["name"] == name]
            if not scaled:
                self.error("k8s/base", f"no ScaledObject for {name}")
            for p, so in scaled:
                for trig in so["spec"].get("triggers", []):
                    meta = trig.get("metadata", {})
                    if trig.get("type") != "rabbitmq" or meta.get("protocol") != "http":
                        self.error(p, f"{so['metadata']['name']}: trigger is not rabbitmq over http")
                    if meta.get("queueName") != f"{prefix}.{stage}" or f"{prefix}.{stage}" != self.code.work_queues[stage]:
                        self.error(p, f"{so['metadata']['name']}: queueName {meta.get('queueName')!r}, the code's is {self.code.work_queues[stage]!r}")
                    auth = (trig.get("authenticationRef") or {}).get("name")
                    if auth not in by_kind.get("TriggerAuthentication", {}):
                        self.error(p, f"{so['metadata']['name']}: TriggerAuthentication {auth!r} not defined")
        self.check_scheduler_deployment(by_kind)
        jobs = by_kind.get("Job", {})
        migrate = [(p, j) for p, j in jobs.values()
                   if j["spec"]["template"]["spec"]["containers"][0].get("args") == ["migrate"]]
        if not migrate:
            self.error("k8s/base", "no migrate Job")
        for p, job in migrate:
            self.check_pod(p, job["metadata"]["name"], job["spec"]["template"]["spec"], needs_probes=False, port=None)

    def check_scheduler_deployment(self, by_kind):
        """The scheduler: probes and annotations on its port, a disruption budget, and no
        ScaledObject (it consumes no queue; its replicas are a leader and standbys)."""
        name = f"epaper-{SCHEDULER}"
        found = by_kind.get("Deployment", {}).get(name)
        if not found:
            self.error("k8s/base", f"no Deployment {name}")
            return
        path, dep = found
        pod = dep["spec"]["template"]
        port = self.code.scheduler_port
        self.check_pod(path, name, pod["spec"], needs_probes=True, port=port)
        ann = pod["metadata"].get("annotations", {})
        if ann.get("prometheus.io/port") != str(port) or ann.get("prometheus.io/path") not in self.code.paths:
            self.error(path, f"{name}: prometheus annotations do not name port {port} and /metrics")
        selector = dep["spec"]["selector"]["matchLabels"]
        if not any(d["spec"]["selector"].get("matchLabels") == selector
                   for _, d in by_kind.get("PodDisruptionBudget", {}).values()):
            self.error("k8s/base", f"no PodDisruptionBudget selects {name}")
        if any(d["spec"]["scaleTargetRef"]["name"] == name for _, d in by_kind.get("ScaledObject", {}).values()):
            self.error("k8s/base", f"{name} has a ScaledObject: it consumes no queue")

    def check_pod(self, path, name, spec, needs_probes, port):
        pod_sc = spec.get("securityContext", {})
        for c in spec.get("containers", []):
            sc = {**pod_sc, **c.get("securityContext", {})}
            if not sc.get("runAsNonRoot") or sc.get("runAsUser", 0) == 0:
                self.error(path, f"{name}/{c['name']}: not runAsNonRoot with a non-zero runAsUser")
            res = c.get("resources", {})
            for part in ("requests", "limits"):
                if not all(k in res.get(part, {}) for k in ("cpu", "memory")):
                    self.error(path, f"{name}/{c['name']}: no cpu and memory {part}")
            for env in c.get("env", []):
                if "value" in env and re.search(r"(PASSWORD|SECRET|TOKEN|_URL$)", env["name"]):
                    self.error(path, f"{name}/{c['name']}: {env['name']} inline, use the Secret")
            if not needs_probes:
                continue
            ports = {p.get("name"): p["containerPort"] for p in c.get("ports", [])}
            if port not in ports.values():
                self.error(path, f"{name}/{c['name']}: containerPort is not {port}")
            addr = next((e.get("value", "") for e in c.get("env", []) if e["name"] == "EPAPER__SERVICE__HTTP_ADDR"), "")
            if not addr.endswith(f":{port}"):
                self.error(path, f"{name}/{c['name']}: EPAPER__SERVICE__HTTP_ADDR is not on port {port}")
            for probe, want in (("readinessProbe", "/readyz"), ("livenessProbe", "/healthz")):
                get = c.get(probe, {}).get("httpGet", {})
                target = ports.get(get.get("port"), get.get("port"))
                if get.get("path") != want or target != port:
                    self.error(path, f"{name}/{c['name']}: {probe} is not GET {want} on {port}")

    def check_kustomizations(self):
        for path, doc in self.yaml_docs("k8s/"):
            if path.name != "kustomization.yaml":
                continue
            for res in doc.get("resources", []):
                if not (path.parent / res).exists():
                    self.error(path, f"resource {res} does not exist")
            for gen in doc.get("secretGenerator", []):
                for env in gen.get("envs", []):
                    envfile = path.parent / env
                    if not envfile.exists():
                        self.error(path, f"secretGenerator env file {env} does not exist")
                        continue
                    for line in envfile.read_text().splitlines():
                        if line.strip() and not line.startswith("#") and PLACEHOLDER not in line:
                            self.error(envfile, f"a value that is not a {PLACEHOLDER} placeholder: {line.split('=')[0]}")
                if gen.get("literals"):
                    self.error(path, "secretGenerator with literals: secrets inline")

    def check_rendered_overlays(self):
        """With kubectl at hand, render each overlay and check that every name a resource points
        at (Secret, ConfigMap, TriggerAuthentication, scale target) is in the output; generated
        names carry a hash suffix that kustomize must rewrite everywhere, CRDs included."""
        kubectl = shutil.which("kubectl")
        if not kubectl:
            print("check_manifests: kubectl not found, overlays not rendered")
            return
        for overlay in sorted((self.deploy / "k8s/overlays").glob("*/kustomization.yaml")):
            run = subprocess.run([kubectl, "kustomize", str(overlay.parent)], capture_output=True, text=True)
            if run.returncode != 0:
                self.error(overlay, f"kubectl kustomize: {run.stderr.strip()[:300]}")
                continue
            docs = [d for d in yaml.safe_load_all(run.stdout) if d]
            names = {(d["kind"], d["metadata"]["name"]) for d in docs}
            refs = []
            for d in docs:
                spec = d.get("spec", {})
                pod = (spec.get("template") or {}).get("spec", {})
                for c in pod.get("containers", []):
                    for src in c.get("envFrom", []):
                        if "secretRef" in src:
                            refs.append(("Secret", src["secretRef"]["name"]))
                        if "configMapRef" in src:
                            refs.append(("ConfigMap", src["configMapRef"]["name"]))
                for t in spec.get("secretTargetRef", []):
                    refs.append(("Secret", t["name"]))
                for trig in spec.get("triggers", []):
                    refs.append(("TriggerAuthentication", trig["authenticationRef"]["name"]))
                if "scaleTargetRef" in spec:
                    refs.append(("Deployment", spec["scaleTargetRef"]["name"]))
            for ref in refs:
                if ref not in names:
                    self.error(overlay, f"rendered: {ref[0]} {ref[1]!r} is referenced but not defined")
            if len(docs) < 10:
                self.error(overlay, f"rendered only {len(docs)} resources")

    # -- monitoring

    def check_monitoring(self):
        series = self.code.series()
        exprs: list[tuple[Path, str]] = []
        for path, doc in self.yaml_docs("monitoring/alerts"):
            for group in doc.get("groups", []):
                for rule in group.get("rules", []):
                    exprs.append((path, rule["expr"]))
        dash = self.deploy / "monitoring/dashboard.json"
        for doc in self.docs.get(dash, []):
            for panel in doc.get("panels", []):
                for t in panel.get("targets", []):
                    exprs.append((dash, t["expr"].replace("$prefix", self.code.prefix)))
        if not exprs:
            self.error("monitoring", "no alert rules or dashboard queries")
        used = set()
        for path, expr in exprs:
            for name, selector in re.findall(r"\b(epaper_[a-z_]+)(\{[^}]*\})?", expr):
                used.add(name)
                if name not in series:
                    self.error(path, f"metric {name} is not recorded by the code")
                    continue
                for label, op, value in re.findall(r'(\w+)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"', selector):
                    if label not in series[name]:
                        self.error(path, f"{name} has no label {label}")
                    if label == "queue" and op == "=~":
                        regex = value.replace("\\\\", "\\")
                        matched = {q for q in [*self.code.work_queues.values(), *self.code.dead_letter_queues.values()]
                                   if re.fullmatch(regex, q)}
                        if matched not in (set(self.code.work_queues.values()), set(self.code.dead_letter_queues.values())):
                            self.error(path, f"queue selector {value!r} does not match the code's queues")
            for stage in re.findall(r'stage="(\w+)"', expr):
                if stage not in STAGE_BINARIES:
                    self.error(path, f"stage {stage!r} is not one of the code's stages")
        for wanted in ("epaper_queue_ready", "epaper_dead_letters", "epaper_queue_consumers",
                       "epaper_messages_total", "epaper_fetches_total", "epaper_schedule_lag_seconds"):
            if wanted in series and wanted not in used:
                self.error("monitoring", f"{wanted} is in neither the dashboard nor the alerts")
        for path, doc in self.yaml_docs("monitoring/prometheus-compose"):
            for job in doc.get("scrape_configs", []):
                for sd in job.get("dns_sd_configs", []):
                    stage = next((s for s, b in STAGE_BINARIES.items() if [b] == sd["names"]), None)
                    if stage and sd["port"] != self.code.ports[stage]:
                        self.error(path, f"{sd['names'][0]} scraped on {sd['port']}, the code serves {self.code.ports[stage]}")
                    if sd["names"] == [SCHEDULER] and sd["port"] != self.code.scheduler_port:
                        self.error(path, f"{SCHEDULER} scraped on {sd['port']}, the code serves {self.code.scheduler_port}")


# ---- self-test ------------------------------------------------------------------------------

# (file under deploy/, text to replace, replacement, what the check must then report)
BREAKAGES = [
    ("k8s/base/keda.yaml", "queueName: epaper.parse", "queueName: epaper.parsing", "queueName"),
    ("k8s/base/parser.yaml", "path: /readyz", "path: /ready", "readinessProbe"),
    ("k8s/base/indexer.yaml", "runAsNonRoot: true", "runAsNonRoot: false", "runAsNonRoot"),
    ("k8s/base/crawler.yaml", "limits: {cpu: \"1\", memory: 512Mi}", "limits: {}", "limits"),
    ("k8s/base/crawler.yaml", "containerPort: 9101", "containerPort: 9111", "containerPort"),
    ("compose.yaml", "EPAPER__SERVICE__HTTP_ADDR: 0.0.0.0:9102", "EPAPER__SERVICE__HTTP_ADDR: 0.0.0.0:9202", "port 9102"),
    ("compose.yaml", "EPAPER__AMQP__PREFETCH", "EPAPER__AMQP__PREFECTH", "not a key"),
    ("compose.yaml", "${EPAPER_PG_PASSWORD:?set it in deploy/.env (see example.env)}@postgres", "hunter2@postgres", "password inline"),
    ("monitoring/alerts.yml", "epaper_dead_letters{", "epaper_dead_letter{", "not recorded"),
    ("monitoring/dashboard.json", "sum by (status) (rate(epaper_fetches_total[5m]))", "sum by (code) (rate(epaper_fetch_total[5m]))", "epaper_fetch_total"),
    ("monitoring/alerts.yml", "(crawl|parse|index)\\\\.dlq", "(crawl|parse|index)\\\\.dead", "queue selector"),
    ("Dockerfile", "USER 10001:10001", "USER root", "root"),
    ("Dockerfile.runtime", "USER 10001:10001", "", "no USER"),
    ("k8s/overlays/example/secrets.example.env", "epaper:CHANGE-ME@postgres", "epaper:s3cret@postgres", "placeholder"),
    ("k8s/base/kustomization.yaml", "  - kustomizeconfig.yaml\n", "", "rendered: Secret"),
    ("k8s/base/schedule.yaml", "containerPort: 9104", "containerPort: 9114", "containerPort"),
    ("compose.yaml", "EPAPER__SERVICE__HTTP_ADDR: 0.0.0.0:9104", "EPAPER__SERVICE__HTTP_ADDR: 0.0.0.0:9204", "port 9104"),
    ("compose.yaml", "EPAPER__SCHEDULE__BASE_URLS__SAMPLE", "EPAPER__SCHEDULE__BASE_URL__SAMPLE", "not a key"),
    ("monitoring/alerts.yml", "max by (site) (epaper_schedule_lag_seconds)", "max by (site) (epaper_schedule_lag)", "not recorded"),
    ("Dockerfile", 'ENTRYPOINT ["/usr/local/bin/epaper", "schedule"]', 'ENTRYPOINT ["/usr/local/bin/epaper"]', "not `epaper schedule`"),
]


def self_test(deploy: Path, code: Code) -> int:
    failures = 0
    for rel, old, new, expect in BREAKAGES:
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "deploy"
            shutil.copytree(deploy, copy)
            target = copy / rel
            text = target.read_text()
            if old not in text:
                print(f"self-test: {rel}: {old!r} not found (update BREAKAGES)")
                failures += 1
                continue
            target.write_text(text.replace(old, new, 1))
            errors = Checker(copy, code).run()
            caught = [e for e in errors if expect in e]
            status = "caught" if caught else "MISSED"
            print(f"self-test: {status}: {rel}: {old!r} -> {new!r}" + (f"  ({caught[0]})" if caught else ""))
            failures += not caught
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = Path(__file__).resolve().parent
    parser.add_argument("--root", type=Path, default=here.parent, help="the repository")
    parser.add_argument("--deploy", type=Path, help="the deploy directory (default ROOT/deploy)")
    parser.add_argument("--self-test", action="store_true")
    args = parser.parse_args()
    code = Code(args.root)
    deploy = args.deploy or args.root / "deploy"
    errors = Checker(deploy, code).run()
    for e in errors:
        print(f"error: {e}")
    n_files = sum(1 for p in deploy.rglob("*") if p.is_file())
    print(f"check_manifests: {n_files} files, {len(code.metrics)} metrics, queues "
          f"{sorted(code.work_queues.values())}, ports {code.ports}: {len(errors)} problems")
    failed = 1 if errors else 0
    if args.self_test:
        missed = self_test(deploy, code)
        print(f"self-test: {len(BREAKAGES) - missed} of {len(BREAKAGES)} breakages caught")
        failed |= 1 if missed else 0
    return failed


if __name__ == "__main__":
    sys.exit(main())
