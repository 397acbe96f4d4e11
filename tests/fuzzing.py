"""The bad-input fuzzer: deterministic cases of hostile inventories, YAML files, rule files, flags and
AWS settings, each run the way a user would and judged by one property:

    a complete report (every requested file, valid UTF-8), or one line on stderr and exit 2;
    never exit 3, never a traceback, never a hang.

Cases are generated from a seed, so a failing case id names the same input on every machine.
`cases(n)` makes about `n` cases (tests/test_fuzz.py runs a few hundred; bench/fuzz.py runs more).
"""

from __future__ import annotations

import copy
import gzip
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SEED = 14

DEEP = json.loads("[" * 150 + "]" * 150)
HOSTILE_VALUES: list[Any] = [
    None, True, False, 0, -1, 1.5, 10 ** 40, -(10 ** 40), "", " ", "x" * 5000, "\ud800", "a\udfffb",
    "\u202eexe.txt", "zero\u200bwidth", "<script>alert(1)</script>", "=HYPERLINK(\"http://x\")", "$(rm -rf ~)",
    "\x1b[2J\x1b[31mred", "[bold red]markup[/]", "{{ 7*7 }}", "../../etc/passwd", "2027-02-30T00:00:00Z",
    "not-a-date", [], [None], ["a", 1], [[[]]], {}, {"a": None}, {"Key": 1, "Value": [2]}, DEEP,
    {"__proto__": {"x": 1}}, "AWS::Nope::Thing", "us-east-1\n", "NaN",
]
REPORT_FORMATS = "json,csv,md,html"


@dataclass(frozen=True)
class Run:
    """What one case runs: drcheck's command line (in-process) or a reader function."""

    argv: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    function: Callable[[], Any] | None = None
    outputs: tuple[str, ...] = ()  # files a successful run must have written (in its report folder)
    out: Path | None = None
    forbidden: tuple[Path, ...] = ()  # files that must not exist afterwards (what a hostile input tried to run)


@dataclass(frozen=True)
class Case:
    id: str
    build: Callable[[Path, Path], Run]  # (case folder, base inventory) -> what to run


def _outputs(formats: str) -> tuple[str, ...]:
    names = {"html": "report.html", "pdf": "report.pdf", "json": "findings.json", "csv": "findings.csv",
             "md": "summary.md"}
    return ("inventory.json", *(names[f] for f in formats.split(",")))


def assess_run(folder: Path, inventory: Path, *extra: str, formats: str = REPORT_FORMATS) -> Run:
    out = folder / "out"
    return Run(argv=["assess", str(inventory), "-o", str(out), "--format", formats, "-q", "--no-history", *extra],
               outputs=_outputs(formats), out=out)


# -- inventories -----------------------------------------------------------------------------------


def shrink(inventory: dict, per_type: int = 2) -> dict:
    """A small copy of an inventory: at most `per_type` resources of each type (cheap to assess)."""
    kept: dict[str, int] = {}
    resources = []
    for resource in inventory["resources"]:
        if kept.get(resource["resource_type"], 0) < per_type:
            kept[resource["resource_type"]] = kept.get(resource["resource_type"], 0) + 1
            resources.append(resource)
    return {**inventory, "resources": resources, "errors": inventory["errors"][:5]}


def _paths(data: Any, prefix: tuple = (), depth: int = 0) -> list[tuple]:
    """Every key/index path in a JSON value, down to `depth` 6."""
    found = []
    if depth > 6:
        return found
    if isinstance(data, dict):
        for key, value in data.items():
            found.append((*prefix, key))
            found += _paths(value, (*prefix, key), depth + 1)
    elif isinstance(data, list):
        for index, value in enumerate(data[:3]):
            found.append((*prefix, index))
            found += _paths(value, (*prefix, index), depth + 1)
    return found


def _mutate(data: dict, rng: random.Random) -> str:
    """One hostile change to `data` in place; returns what it did."""
    paths = _paths(data)
    if not paths:
        return "nothing left to change"
    path = rng.choice(paths)
    parent = data
    for step in path[:-1]:
        parent = parent[step]
    action = rng.random()
    if action < 0.12 and isinstance(parent, dict):
        del parent[path[-1]]
        return f"delete {path}"
    if action < 0.18 and isinstance(parent, list):
        parent.append(copy.deepcopy(parent[path[-1]]))
        return f"duplicate {path}"
    value = copy.deepcopy(rng.choice(HOSTILE_VALUES))
    parent[path[-1]] = value
    return f"set {path} = {str(value)[:40]!r}"


def inventory_mutation(number: int) -> Case:
    def build(folder: Path, base: Path) -> Run:
        rng = random.Random(f"{SEED}-inventory-{number}")
        data = json.loads(base.read_text())
        for _ in range(rng.choice((1, 1, 1, 2, 3))):
            _mutate(data, rng)
        path = folder / "inventory.json"
        path.write_text(json.dumps(data))  # lone surrogates are written as \\ud800 escapes
        return assess_run(folder, path)

    return Case(f"inventory-mutation-{number:03d}", build)


def _inventory_file(name: str, content: Callable[[bytes], bytes]) -> Case:
    def build(folder: Path, base: Path) -> Run:
        path = folder / "inventory.json"
        path.write_bytes(content(base.read_bytes()))
        return assess_run(folder, path)

    return Case(f"inventory-file-{name}", build)


INVENTORY_FILES = [
    _inventory_file("truncated-gzip-head", lambda b: gzip.compress(b, mtime=0)[:20]),
    _inventory_file("truncated-gzip-middle", lambda b: (g := gzip.compress(b, mtime=0))[: len(g) // 2]),
    _inventory_file("truncated-gzip-tail", lambda b: gzip.compress(b, mtime=0)[:-4]),
    _inventory_file("gzip-of-garbage", lambda b: gzip.compress(b"\x00garbage" * 100, mtime=0)),
    _inventory_file("corrupt-gzip", lambda b: b"\x1f\x8b\x08" + bytes(range(256))),
    _inventory_file("utf-16", lambda b: b.decode("utf-8").encode("utf-16")),
    _inventory_file("invalid-utf-8", lambda b: b[:100] + b"\xff\xfe" + b[100:]),
    _inventory_file("bom", lambda b: b"\xef\xbb\xbf" + b),
    _inventory_file("deep-nesting", lambda b: b"[" * 200_000 + b"]" * 200_000),
    _inventory_file("huge-integer", lambda b: b'{"schema_version": ' + b"7" * 10_000 + b"}"),
    _inventory_file("nan", lambda b: b.replace(b'"schema_version": 1', b'"schema_version": NaN', 1)),
    _inventory_file("infinity", lambda b: b.replace(b'"schema_version": 1', b'"schema_version": 1e999', 1)),
    _inventory_file("empty", lambda b: b""),
    _inventory_file("binary", lambda b: bytes(random.Random(SEED).randrange(256) for _ in range(4096))),
    _inventory_file("truncated-json", lambda b: b[: len(b) // 2]),
    _inventory_file("trailing-garbage", lambda b: b + b"}}]]"),
    _inventory_file("json-array", lambda b: b"[1, 2, 3]"),
    _inventory_file("json-string", lambda b: b'"inventory"'),
    _inventory_file("null-resource-types", lambda b: json.dumps(
        {**(d := json.loads(b)), "resources": [{**r, "resource_type": None} for r in d["resources"]]}).encode()),
    _inventory_file("all-unknown-types", lambda b: json.dumps(
        {**(d := json.loads(b)), "resources": [{**r, "resource_type": "AWS::X::Y"} for r in d["resources"]]}).encode()),
    _inventory_file("surrogates-everywhere", lambda b: json.dumps(_surrogates(json.loads(b))).encode()),
    _inventory_file("deceptive-names", lambda b: json.dumps(
        {**(d := json.loads(b)), "resources": [{**r, "name": f"prod\u202e{r['id']}\u200b", "tags": {
            **(r.get("tags") or {}), "Name": "\x1b]0;owned\x07[red]x[/red]"}} for r in d["resources"]]}).encode()),
    _inventory_file("empty-detail-answers", lambda b: json.dumps(_empty_details(json.loads(b))).encode()),
    _inventory_file("unreachable-account", lambda b: json.dumps(_unreachable(json.loads(b))).encode()),
]


def _empty_details(inventory: dict) -> dict:
    """Every detail answer that is an object replaced by null: an HTTP 200 without its member
    (GetBackupPlan, GetBackupSelection, GetLifecyclePolicy …) for every resource at once."""
    for resource in inventory["resources"]:
        for key, value in resource["properties"].items():
            if isinstance(value, dict):
                resource["properties"][key] = None
    return inventory


def _unreachable(inventory: dict) -> dict:
    inventory["unreachable_accounts"] = [{"account_id": "999988887777", "name": "payments \u202eprod",
                                          "reason": "AccessDenied \x1b[31m assuming the audit role"}]
    return inventory


def _surrogates(value: Any) -> Any:
    if isinstance(value, str):
        return value + "\ud800"
    if isinstance(value, list):
        return [_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {k: (v if k in ("schema_version", "resource_type", "status", "generated_at") else _surrogates(v))
                for k, v in value.items()}
    return value


# -- YAML settings files -------------------------------------------------------------------------------

BOMB = ("a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]\n" for i in range(7))).encode()

HOSTILE_YAML: dict[str, bytes] = {
    "alias-bomb": BOMB,
    "recursive-alias": b"a: &a [*a]\n",
    "deep-flow": ("a: " + "[" * 500 + "]" * 500 + "\n").encode(),
    "deep-block": "".join("  " * i + "k:\n" for i in range(90)).encode() + b"  " * 90 + b"v\n",
    "invalid-utf-8": b"report: {client: \xff\xfe}\n",
    "truncated-utf-16": b"\xff\xfer\x00e\x00p\x00\x00\xd8",
    "impossible-date": b"expires: 2027-02-30\n",
    "huge-integer": b"a: " + b"9" * 5000 + b"\n",
    "lone-surrogate": b'a: "\\ud800"\n',
    "python-tag": b"a: !!python/object/apply:os.system [echo owned]\n",
    "duplicate-key": b"report: {}\nreport: {}\n",
    "syntax-error": b"a: [1, 2\n",
    "nul-bytes": b"a: 1\x00\n",
    "tab-indent": b"report:\n\tclient: x\n",
    "empty": b"",
    "scalar": b"just a string\n",
    "list": b"- 1\n- 2\n",
    "huge": b"a: " + b"x" * (9 * 1024 * 1024) + b"\n",
}

CONFIG = {
    "rules": {"parameters": {"rds-instance-backup-enabled": {"min_retention_days": 14}}, "only": [], "skip": []},
    "report": {"client": "ACME", "assessor": "Jane", "paper": "a4"},
    "workloads": {"tag_keys": ["workload"], "default_tier": "standard",
                  "define": {"pay": {"tier": "critical", "resources": ["arn:aws:rds:*:*:db:pay-*"]}}},
    "tiers": {"gold": {"rpo": "5m", "rto": "30m"}},
    "collect": {"call_deadline": "2m", "scan_deadline": "none"},
}
SUPPRESSIONS = {"suppressions": [{"rule": "s3-*", "resource": "brightpaw-*", "reason": "accepted by the CTO",
                                  "owner": "jane@example.com", "expires": "2099-12-31", "tags": {"env": "dev"}}]}
ACCOUNTS = [{"account_id": "111122223333", "role_arn": "arn:aws:iam::111122223333:role/audit", "name": "prod"},
            {"account_id": "444455556666", "external_id": "x"}]


def _yaml_text(data: Any) -> bytes:
    import yaml

    return yaml.safe_dump(data, allow_unicode=False).encode("utf-8")


def _settings_case(what: str, name: str, content: Callable[[], bytes]) -> Case:
    def build(folder: Path, base: Path) -> Run:
        path = folder / f"{what}.yaml"
        path.write_bytes(content())
        if what == "config":
            return assess_run(folder, base, "--config", str(path))
        if what == "suppressions":
            return assess_run(folder, base, "--suppressions", str(path))
        from drcheck.collect.accounts import accounts_from_file

        return Run(function=lambda: accounts_from_file(path))

    return Case(f"{what}-{name}", build)


def _settings_mutation(what: str, base: Any, number: int) -> Case:
    def content() -> bytes:
        rng = random.Random(f"{SEED}-{what}-{number}")
        data = copy.deepcopy(base)
        wrapped = {"root": data}
        for _ in range(rng.choice((1, 1, 2))):
            _mutate(wrapped, rng)
        return _yaml_text(wrapped.get("root"))

    return _settings_case(what, f"mutation-{number:03d}", content)


# -- rule files ----------------------------------------------------------------------------------------

RULE = {
    "id": "s3-bucket-fuzzed", "title": "A fuzzed bucket rule", "service": "s3", "resource_type": "AWS::S3::Bucket",
    "category": "backup", "severity": "low", "description": "A rule made by the fuzzer to test the loader.",
    "parameters": {"n": {"default": 1, "description": "a count"}, "pattern": {"default": "^brightpaw",
                                                                              "description": "a name pattern"}},
    "applies_when": {"field": "resource.name", "matches": {"param": "pattern"}},
    "condition": {"any": [{"field": "BucketVersioning.Status", "equals": "Enabled", "default": "Off"},
                          {"field": "tags.team", "length_gte": {"param": "n"}},
                          {"field": "derived.replication_destinations", "any_item": {
                              "field": "CrossRegion", "equals": True}}]},
    "messages": {"pass": "ok", "fail": "not ok"},
    "remediation": {"summary": "Turn versioning on for the bucket.", "cli": "aws s3api x --bucket <name>",
                    "terraform": "x"},
    "references": {"well_architected": ["REL09-BP01"]},
    "examples": [
        {"name": "on", "status": "PASS", "resource": {"name": "brightpaw-a",
                                                      "properties": {"BucketVersioning": {"Status": "Enabled"}}}},
        {"name": "off", "status": "FAIL", "now": "2026-01-01T00:00:00Z", "params": {"n": 3},
         "resource": {"name": "brightpaw-b", "properties": {"BucketVersioning": {}},
                      "derived": {"replication_destinations": []}}},
    ],
}


def _rule_case(name: str, content: Callable[[], bytes]) -> Case:
    def build(folder: Path, base: Path) -> Run:
        rules = folder / "rules" / "s3"
        rules.mkdir(parents=True)
        (rules / "s3-bucket-fuzzed.yaml").write_bytes(content())

        def load_and_judge() -> None:
            from datetime import UTC, datetime

            from drcheck.collectors import all_collectors
            from drcheck.linkers import load_linkers
            from drcheck.ruleset.examples import example_failures
            from drcheck.ruleset.loader import load_rules

            for rule in load_rules([folder / "rules"], collectors=all_collectors(), linkers=load_linkers()):
                example_failures(rule)
                for resource in json.loads(base.read_text())["resources"]:
                    if resource["resource_type"] == rule.resource_type:
                        rule.judge({**resource, "derived": {}}, datetime.now(UTC), rule.defaults())

        return Run(function=load_and_judge)

    return Case(f"rule-{name}", build)


def _rule_mutation(number: int) -> Case:
    def content() -> bytes:
        rng = random.Random(f"{SEED}-rule-{number}")
        data = copy.deepcopy(RULE)
        for _ in range(rng.choice((1, 1, 2))):
            _mutate(data, rng)
        return _yaml_text(data)

    return _rule_case(f"mutation-{number:03d}", content)


OPERAND_CASES = {
    "length-gte-text": {"field": "tags.team", "length_gte": "2"},
    "matches-number": {"field": "tags.team", "matches": 5},
    "contains-number-on-text": {"field": "BucketVersioning.Status", "contains": 5},
    "gte-list": {"field": "BucketVersioning.Status", "gte": [1]},
    "in-text": {"field": "BucketVersioning.Status", "in": "Enabled"},
    "exists-text": {"field": "BucketVersioning.Status", "exists": "yes"},
    "bad-regex": {"field": "BucketVersioning.Status", "matches": "(("},
    "unknown-operator": {"field": "BucketVersioning.Status", "looks_like": "x"},
    "unknown-param": {"field": "tags.team", "length_gte": {"param": "nope"}},
    "deep-not": json.loads('{"not": ' * 60 + '{"field": "tags.a", "exists": true}' + "}" * 60),
}


def _operand_case(name: str, condition: Any) -> Case:
    return _rule_case(f"operand-{name}", lambda: _yaml_text({**RULE, "condition": condition}))


EXAMPLE_CASES = {
    "now-not-a-date": {"now": "yesterday"},
    "now-impossible": {"now": "2027-02-30T00:00:00Z"},
    "params-unknown": {"params": {"nope": 1}},
    "params-wrong-type": {"params": {"n": "three"}},
    "unavailable-text": {"resource": {"unavailable": {"BucketVersioning": "denied"}}},
    "unavailable-list": {"resource": {"unavailable": ["BucketVersioning"]}},
    "properties-list": {"resource": {"properties": [1, 2]}},
}


def _example_case(name: str, change: dict) -> Case:
    def content() -> bytes:
        data = copy.deepcopy(RULE)
        data["examples"][1] = {**data["examples"][1], **change}
        return _yaml_text(data)

    return _rule_case(f"example-{name}", content)


# -- flags and the AWS environment -----------------------------------------------------------------------

FLAG_CASES: dict[str, list[str]] = {
    "format-unknown": ["--format", "xml"],
    "format-empty": ["--format", ","],
    "paper": ["--paper", "a5"],
    "fail-on": ["--fail-on", "severe"],
    "only-unknown": ["--only", "no-such-rule"],
    "skip-everything": ["--skip", "backup", "--skip", "replication", "--skip", "high-availability",
                        "--skip", "protection", "--skip", "recovery-readiness"],
    "template-dir-missing": ["--template-dir", "/nonexistent/templates"],
    "rules-dir-missing": ["--rules-dir", "/nonexistent/rules"],
    "suppressions-missing": ["--suppressions", "/nonexistent/suppressions.yaml"],
    "baseline-missing": ["--baseline", "/nonexistent/findings.json"],
    "config-missing": ["--config", "/nonexistent/drcheck.yaml"],
    "logo-missing": ["--logo", "/nonexistent/logo.png"],
}


def _flag_case(name: str, flags: list[str]) -> Case:
    return Case(f"flags-{name}", lambda folder, base: assess_run(folder, base, *flags))


def _file_flag_case(name: str, flag: str, filename: str, content: bytes) -> Case:
    def build(folder: Path, base: Path) -> Run:
        path = folder / filename
        path.write_bytes(content)
        return assess_run(folder, base, flag, str(path))

    return Case(f"flags-{name}", build)


FILE_FLAG_CASES = [
    _file_flag_case("logo-garbage", "--logo", "logo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50),
    _file_flag_case("logo-huge", "--logo", "logo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * (2 * 1024 * 1024)),
    _file_flag_case("logo-svg-script", "--logo", "logo.svg",
                    b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    _file_flag_case("baseline-garbage", "--baseline", "findings.json", b"\xff\x00garbage"),
    _file_flag_case("baseline-wrong-shape", "--baseline", "findings.json", b'{"findings": [1, "x", null]}'),
    _file_flag_case("baseline-deep", "--baseline", "findings.json", b"[" * 100_000 + b"]" * 100_000),
]


def _template_case(name: str, template: str, *, from_working_dir: bool = False) -> Case:
    """A user template in --template-dir (or named by a ./drcheck.yaml in the working directory);
    MARKER in it is a file its command would create: it must never exist."""
    def build(folder: Path, base: Path) -> Run:
        templates = folder / "templates"
        templates.mkdir()
        marker = folder / "owned"
        (templates / "_cover.html.j2").write_text(template.replace("MARKER", str(marker)))
        if from_working_dir:
            (folder / "drcheck.yaml").write_text("report:\n  template_dir: templates\n")
            run = assess_run(folder, base)
        else:
            run = assess_run(folder, base, "--template-dir", str(templates))
        return Run(argv=run.argv, outputs=run.outputs, out=run.out, forbidden=(marker,))

    return Case(f"template-{name}", build)


TEMPLATE_ESCAPES = {
    "escape-sandbox": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "import-os": "{{ cycler.__init__.__globals__.os.popen('touch MARKER').read() }}",
    "joiner-os": "{{ joiner.__init__.__globals__.os.system('touch MARKER') }}",
    "lipsum-os": "{{ lipsum.__globals__['os'].system('touch MARKER') }}",
    "popen-subclass": "{% for c in ''.__class__.__mro__[1].__subclasses__() %}{% if c.__name__ == 'Popen' %}"
                      "{{ c(['touch', 'MARKER']) }}{% endif %}{% endfor %}",
    "format-globals": "{{ '{0.__init__.__globals__[os]}'.format(cycler) }}",
    "mutate-view": "{{ view.actions.append(1) }}",
    "syntax-error": "{% if %}",
    "undefined": "{{ nothing.here }}",
    "range-bomb": "{{ range(10 ** 12) | list | length }}",
}
TEMPLATE_CASES = [_template_case(name, text) for name, text in TEMPLATE_ESCAPES.items()] + [
    _template_case("workdir-import-os", TEMPLATE_ESCAPES["import-os"], from_working_dir=True),
    _template_case("workdir-friendly", "<header id=\"cover\">{{ view.title }}</header>", from_working_dir=True),
]


def _workdir_config_case(name: str, content: bytes) -> Case:
    """A ./drcheck.yaml found in the working directory (no --config): read as carefully as any other."""
    def build(folder: Path, base: Path) -> Run:
        (folder / "drcheck.yaml").write_bytes(content)
        return assess_run(folder, base)

    return Case(f"workdir-config-{name}", build)


WORKDIR_CONFIGS = {
    **{name: HOSTILE_YAML[name] for name in ("alias-bomb", "invalid-utf-8", "deep-flow", "impossible-date",
                                               "lone-surrogate", "python-tag")},
    "template-dir-missing": b"report:\n  template_dir: no-such-templates\n",
    "template-dir-a-file": b"report:\n  template_dir: drcheck.yaml\n",
    "friendly": b"report:\n  client: ACME\n",
}

# Text flags: bytes that are not UTF-8 on a command line reach Python as lone surrogates.
UNDECODABLE_FLAGS = {f"{flag[2:]}-undecodable": [flag, "AC\udcffME"] for flag in ("--client", "--title", "--assessor")}


def _output_under_a_file() -> Case:
    def build(folder: Path, base: Path) -> Run:
        (folder / "a-file").write_text("x")
        run = assess_run(folder, base)
        argv = [str(folder / "a-file" / "out") if arg == str(run.out) else arg for arg in run.argv]
        return Run(argv=argv, outputs=run.outputs, out=folder / "a-file" / "out")

    return Case("flags-output-under-a-file", build)

ENV_CASES = {
    "max-attempts-text": {"AWS_MAX_ATTEMPTS": "abc"},
    "max-attempts-zero": {"AWS_MAX_ATTEMPTS": "0"},
    "endpoint-not-a-url": {"AWS_ENDPOINT_URL": "not a url"},
    "endpoint-bad-port": {"AWS_ENDPOINT_URL": "http://localhost:port"},
    "service-endpoint": {"AWS_ENDPOINT_URL_S3": "s3 please"},
    "retry-mode": {"AWS_RETRY_MODE": "yolo"},
    "ca-bundle": {"AWS_CA_BUNDLE": "/nonexistent/ca.pem"},
    "refused-endpoint": {"AWS_ENDPOINT_URL": "http://127.0.0.1:9"},
}


def _env_case(name: str, env: dict[str, str]) -> Case:
    def build(folder: Path, base: Path) -> Run:
        out = folder / "out"
        return Run(argv=["scan", "--region", "us-east-1", "--only", "s3", "-o", str(out), "--format", "json", "-q",
                         "--no-history", "--call-deadline", "20s"],
                   env={"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "y", "AWS_MAX_ATTEMPTS": "1", **env},
                   outputs=_outputs("json"), out=out)

    return Case(f"env-{name}", build)


# -- all of them -------------------------------------------------------------------------------------------


def cases(mutations: int = 150) -> list[Case]:
    """Fixed cases plus `mutations` inventory mutations and a third as many of each settings file and rule."""
    settings = max(1, mutations // 5)
    found: list[Case] = [inventory_mutation(n) for n in range(mutations)]
    found += INVENTORY_FILES
    for what, base in (("config", CONFIG), ("suppressions", SUPPRESSIONS), ("accounts", ACCOUNTS)):
        found += [_settings_case(what, name, lambda c=content: c) for name, content in HOSTILE_YAML.items()]
        found += [_settings_mutation(what, base, n) for n in range(settings)]
    found += [_rule_case(f"yaml-{name}", lambda c=content: c) for name, content in HOSTILE_YAML.items()]
    found += [_rule_mutation(n) for n in range(settings * 2)]
    found += [_operand_case(name, condition) for name, condition in OPERAND_CASES.items()]
    found += [_example_case(name, change) for name, change in EXAMPLE_CASES.items()]
    found += [_flag_case(name, flags) for name, flags in {**FLAG_CASES, **UNDECODABLE_FLAGS}.items()]
    found += FILE_FLAG_CASES + TEMPLATE_CASES + [_output_under_a_file()]
    found += [_workdir_config_case(name, content) for name, content in WORKDIR_CONFIGS.items()]
    found += [_env_case(name, env) for name, env in ENV_CASES.items()]
    return found
