"""history: the runs recorded in the run history, with their scores and trends."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich import box
from rich.console import Console
from rich.table import Table

from drcheck.cli.groups import grouped
from drcheck.cli.options import HistoryPath, Json
from drcheck.text import terminal_text


@grouped
def history(
    history_path: HistoryPath = None,
    account: Annotated[str | None, typer.Option("--account", metavar="ID",
                                                help="Only runs that covered this account id.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, metavar="N", help="Show the newest N runs.")] = 20,
    json_output: Json = False,
) -> None:
    """List recorded scan, assess and demo runs: score, counts and the change since the previous run
    of the same accounts and Regions."""
    from drcheck.history import open_history

    database = open_history(history_path)
    runs = database.runs(account=account)
    previous: dict[str, float | None] = {}
    rows = []
    for run in runs:  # oldest first: each run's change is against the run before it in its scope
        before = previous.get(run.scope)
        change = round(run.overall - before, 1) if run.overall is not None and before is not None else None
        rows.append({**run.as_dict(), "change": change, "first_of_scope": run.scope not in previous})
        previous[run.scope] = run.overall
    rows = rows[-limit:]
    if json_output:
        typer.echo(json.dumps(rows, indent=1))
        return
    console = Console(highlight=False)
    if not rows:
        console.print(f"No runs recorded yet in {database.path}.")
        return
    # Full account and Region lists only when the terminal has room; on 80 columns they become
    # counts so that every header and score stays readable instead of being cut to "acco…".
    wide = console.width >= 120
    table = (Table(title=f"drcheck runs ({database.path})") if wide
             else Table(title=f"drcheck runs ({database.path})", box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True))
    columns = (("run", "recorded", "command", "accounts", "Regions", "score", "coverage", "pass", "fail",
                "unknown", "change") if wide
               else ("run", "when", "cmd", "scope", "score", "cov", "fail", "unk", "change"))
    numeric = {"score", "coverage", "cov", "pass", "fail", "unknown", "unk", "change"}
    for column in columns:
        table.add_column(column, justify="right" if column in numeric else "left", no_wrap=True,
                         min_width=len(column))
    for row in rows:
        counts = row["counts"]
        score = "n/a" if row["overall"] is None else f"{row['overall']:g} ({row['grade']})"
        change_text = ("new" if row["first_of_scope"]
                       else "n/a" if row["change"] is None else f"{row['change']:+g}")
        recorded = str(row["recorded_at"]).replace("T", " ")
        recorded = recorded[:19] if wide else recorded[5:16]
        if wide:
            scope_cells = [", ".join(map(str, row["accounts"])), ", ".join(map(str, row["regions"]))]
        else:
            accounts, regions = len(row["accounts"]), len(row["regions"])
            scope_cells = [f"{accounts} acct, {regions} Reg"]
        coverage = "n/a" if row["coverage"] is None else f"{row['coverage']:g}%"
        count_cells = [str(counts.get(status, 0)) for status in (("PASS", "FAIL", "UNKNOWN") if wide
                                                                 else ("FAIL", "UNKNOWN"))]
        # The database is a file anyone may hand over: its text goes through terminal_text.
        cells = (f"@{row['id']}", recorded, row["command"], *scope_cells, score, coverage, *count_cells, change_text)
        table.add_row(*(terminal_text(c) for c in cells))
    console.print(table)
    for scope in dict.fromkeys(r["scope"] for r in rows):
        scores = [r for r in runs if r.scope == scope]
        first, last = scores[0], scores[-1]
        if len(scores) > 1 and first.overall is not None and last.overall is not None:
            where = terminal_text(f"{', '.join(last.accounts)} in {', '.join(last.regions)}")
            console.print(f"Trend for {where}: {len(scores)} runs, {first.overall:g} → {last.overall:g} "
                          f"({last.overall - first.overall:+.1f}) since {first.recorded_at[:10]}")
