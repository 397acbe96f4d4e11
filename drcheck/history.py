"""Every scan, assess and demo run recorded in an embedded SQLite database: trends and baselines.

The database lives in the user's data directory (`platformdirs`; e.g. ~/.local/share/drcheck/
history.sqlite3), or at --history PATH / $DRCHECK_HISTORY; --no-history records nothing. A run
row holds its time, command, scope (accounts and Regions), rules version, score card (overall,
by category, account and workload) and counts; one row per finding holds its key and status, so
any run can later be a baseline (`--baseline @ID`, `--baseline @last`).

Concurrent runs share the file safely: WAL journal mode (readers never block the writer), one
transaction per run (`BEGIN IMMEDIATE`, so a run is recorded whole or not at all), and a long
busy timeout, so a second writer waits for the first instead of failing.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from drcheck import __version__
from drcheck.errors import UserError
from drcheck.score import score

ENV = "DRCHECK_HISTORY"
SCHEMA_VERSION = 1
# A writer waits this long for another run's transaction to finish (seconds). Recording takes
# milliseconds; the bound only stops a run hanging forever behind a stuck process.
BUSY_TIMEOUT = 600.0

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    recorded_at TEXT NOT NULL,
    command TEXT NOT NULL,
    scope TEXT NOT NULL,
    accounts TEXT NOT NULL,
    regions TEXT NOT NULL,
    rules_version TEXT NOT NULL,
    tool_version TEXT NOT NULL,
    inventory_generated_at TEXT,
    overall REAL,
    grade TEXT,
    coverage REAL,
    counts TEXT NOT NULL,
    scores TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_by_scope ON runs (scope, id);
CREATE TABLE IF NOT EXISTS findings (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    account_id TEXT NOT NULL,
    region TEXT NOT NULL,
    rule_id TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    resource_name TEXT,
    status TEXT NOT NULL,
    severity TEXT NOT NULL,
    category TEXT NOT NULL,
    service TEXT NOT NULL,
    title TEXT NOT NULL,
    suppressed INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS findings_by_run ON findings (run_id);
"""


@dataclass(frozen=True)
class Run:
    """One recorded run, as `drcheck history` and the report's chart read it."""

    id: int
    recorded_at: str
    command: str
    scope: str
    accounts: tuple[str, ...]
    regions: tuple[str, ...]
    rules_version: str
    overall: float | None
    grade: str | None
    coverage: float | None
    counts: Mapping[str, int]
    scores: Mapping[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "recorded_at": self.recorded_at, "command": self.command, "scope": self.scope,
                "accounts": list(self.accounts), "regions": list(self.regions), "rules_version": self.rules_version,
                "overall": self.overall, "grade": self.grade, "coverage": self.coverage, "counts": dict(self.counts),
                "scores": dict(self.scores)}


def default_path() -> Path:
    """$DRCHECK_HISTORY, else history.sqlite3 in the user's data directory."""
    if os.environ.get(ENV):
        return Path(os.environ[ENV])
    from platformdirs import user_data_path

    return user_data_path("drcheck", appauthor=False) / "history.sqlite3"


def scope_of(inventory: Mapping[str, Any]) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """(scope key, accounts, Regions): runs over the same accounts and Regions are comparable."""
    accounts = tuple(sorted(str(a["account_id"]) for a in inventory.get("accounts", [])))
    regions = tuple(sorted(str(r) for r in inventory.get("regions", [])))
    return f"accounts={','.join(accounts)};regions={','.join(regions)}", accounts, regions


def rules_version(rules: Iterable[Any]) -> str:
    """drcheck's version plus a digest of the rules run (ids and definitions): a changed rule set shows."""
    digest = hashlib.sha256()
    for rule in sorted(rules, key=lambda r: r.id):
        digest.update(rule.id.encode())
        digest.update(json.dumps(rule.raw, sort_keys=True, default=str).encode())
    return f"{__version__}+{digest.hexdigest()[:12]}"


class History:
    """The history database at `path`; opened (and created) by `open_history`."""

    def __init__(self, path: Path):
        self.path = path

    def _connect(self) -> sqlite3.Connection:
        try:
            connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT, isolation_level=None)
            connection.execute("PRAGMA foreign_keys = ON")
            return connection
        except sqlite3.Error as exc:
            raise UserError(f"--history: cannot open {self.path}: {exc}") from None

    def _setup(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UserError(f"--history: cannot create {self.path.parent}: {exc.strerror or exc}") from None
        with closing(self._connect()) as connection:
            try:
                connection.execute("PRAGMA journal_mode = WAL")
                version = connection.execute("PRAGMA user_version").fetchone()[0]
                if version > SCHEMA_VERSION:
                    raise UserError(f"--history: {self.path} was written by a newer drcheck (schema {version})")
                connection.execute("BEGIN IMMEDIATE")
                for statement in SCHEMA.split(";"):
                    if statement.strip():
                        connection.execute(statement)
                connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                connection.execute("COMMIT")
            except sqlite3.DatabaseError as exc:
                raise UserError(f"--history: {self.path} is not a drcheck history database ({exc})") from None

    def record(self, assessment: Any, command: str) -> int:
        """Record one run (its scores and every finding's key and status) in one transaction."""
        scope, accounts, regions = scope_of(assessment.inventory)
        card = assessment.scorecard
        scores = {"by_category": {k: v.get("score") for k, v in (card.get("by_category") or {}).items()},
                  "by_account": {k: v.get("score") for k, v in (card.get("by_account") or {}).items()},
                  "by_workload": workload_scores(assessment.findings, assessment.objectives)}
        rows = [(str(f.get("account_id") or ""), str(f.get("region") or ""), f["rule_id"], str(f.get("resource_id") or ""),
                 f.get("resource_name"), f["status"], f["severity"], f["category"], f.get("service") or "", f["title"],
                 1 if f.get("suppression") else 0) for f in assessment.findings]
        with closing(self._connect()) as connection:
            try:
                connection.execute("BEGIN IMMEDIATE")
                cursor = connection.execute(
                    "INSERT INTO runs (recorded_at, command, scope, accounts, regions, rules_version, tool_version, "
                    "inventory_generated_at, overall, grade, coverage, counts, scores) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (assessment.generated_at, command, scope, json.dumps(accounts), json.dumps(regions),
                     rules_version(assessment.rules), __version__, assessment.inventory.get("generated_at"),
                     card.get("overall"), card.get("grade"), card.get("coverage"), json.dumps(card.get("counts") or {}),
                     json.dumps(scores)))
                run_id = int(cursor.lastrowid or 0)
                connection.executemany(
                    "INSERT INTO findings (run_id, account_id, region, rule_id, resource_id, resource_name, status, "
                    "severity, category, service, title, suppressed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [(run_id, *row) for row in rows])
                connection.execute("COMMIT")
            except sqlite3.Error as exc:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                raise UserError(f"--history: could not record the run in {self.path}: {exc}") from None
        return run_id

    def runs(self, scope: str | None = None, account: str | None = None, limit: int | None = None) -> list[Run]:
        """Recorded runs, oldest first (the newest `limit` of them when given)."""
        query, params = "SELECT * FROM runs", []
        if scope is not None:
            query += " WHERE scope = ?"
            params.append(scope)
        query += " ORDER BY id DESC"
        with closing(self._connect()) as connection:
            connection.row_factory = sqlite3.Row
            rows = connection.execute(query, params).fetchall()
        runs = [_run(row) for row in rows]
        if account is not None:
            runs = [r for r in runs if account in r.accounts]
        return list(reversed(runs[:limit] if limit else runs))

    def run(self, run_id: int) -> Run:
        with closing(self._connect()) as connection:
            connection.row_factory = sqlite3.Row
            row = connection.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            raise UserError(f"--baseline: no run @{run_id} in the history {self.path} (see `drcheck history`)")
        return _run(row)

    def findings_document(self, run_id: int) -> dict[str, Any]:
        """A recorded run as the findings.json subset `drcheck diff` and --baseline read."""
        run = self.run(run_id)
        with closing(self._connect()) as connection:
            connection.row_factory = sqlite3.Row
            rows = connection.execute("SELECT * FROM findings WHERE run_id = ? ORDER BY rowid", (run_id,)).fetchall()
        findings = [{key: row[key] for key in ("account_id", "region", "rule_id", "resource_id", "resource_name",
                                               "status", "severity", "category", "service", "title")} for row in rows]
        return {"generated_at": run.recorded_at, "history_run": run.id, "findings": findings}


def open_history(path: Path | None = None) -> History:
    """The history at `path` (default: `default_path()`), created if missing; one line if unusable."""
    history = History(path or default_path())
    history._setup()
    return history


def _run(row: sqlite3.Row) -> Run:
    return Run(id=row["id"], recorded_at=row["recorded_at"], command=row["command"], scope=row["scope"],
               accounts=tuple(json.loads(row["accounts"])), regions=tuple(json.loads(row["regions"])),
               rules_version=row["rules_version"], overall=row["overall"], grade=row["grade"],
               coverage=row["coverage"], counts=json.loads(row["counts"]), scores=json.loads(row["scores"]))


def workload_scores(findings: Sequence[Mapping[str, Any]], objectives: Mapping[str, Any] | None) -> dict[str, Any]:
    """Score per workload (from the objectives document's components), when objectives were estimated."""
    if not objectives:
        return {}
    owner: dict[tuple[str, str, str], str] = {}
    for workload in objectives.get("workloads") or []:
        if not workload.get("assigned"):
            continue
        for component in workload.get("components") or []:
            owner[(str(component["account_id"]), str(component["region"]), str(component["id"]))] = workload["name"]
    grouped: dict[str, list[Mapping[str, Any]]] = {}
    for finding in findings:
        name = owner.get((str(finding.get("account_id")), str(finding.get("region")), str(finding.get("resource_id"))))
        if name is not None:
            grouped.setdefault(name, []).append(finding)
    return {name: score(items)["overall"] for name, items in sorted(grouped.items())}


def resolve_baseline(reference: str, history: History, inventory: Mapping[str, Any]) -> dict[str, Any]:
    """`@ID` (a recorded run) or `@last` (the latest run of this inventory's scope) as a baseline document."""
    name = reference.removeprefix("@")
    if name == "last":
        scope, _, _ = scope_of(inventory)
        earlier = history.runs(scope=scope, limit=1)
        if not earlier:
            raise UserError(f"--baseline @last: no earlier run of this scope ({scope}) in {history.path}")
        return history.findings_document(earlier[-1].id)
    if not name.isdigit():
        raise UserError(f"--baseline {reference}: expected @<run id> or @last (see `drcheck history`)")
    return history.findings_document(int(name))


def is_history_reference(value: str) -> bool:
    return value.startswith("@")
