"""diff: progress between two assessments."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from drcheck.cli.groups import grouped
from drcheck.cli.options import Json
from drcheck.text import terminal_text


@grouped
def diff(
    old: Annotated[Path, typer.Argument(metavar="OLD", help="Earlier findings.json or report folder.")],
    new: Annotated[Path, typer.Argument(metavar="NEW", help="Later findings.json or report folder.")],
    as_json: Json = False,
) -> None:
    """What changed between two assessments: new failures, regressed, fixed, no longer visible, still failing."""
    from drcheck.diff import diff_findings, read_findings

    result = diff_findings(read_findings(old), read_findings(new))
    if as_json:
        typer.echo(json.dumps(result, indent=1))
        return
    console = Console(highlight=False)
    overall = result["overall"]
    # Both files are someone else's (a client's report folder): every value printed goes through terminal_text.
    console.print(f"Score {terminal_text(overall['old'])} → {terminal_text(overall['new'])} "
                  f"(change {terminal_text(overall['change'])})")
    if overall["no_longer_visible"]:
        console.print(f"[yellow]{overall['no_longer_visible']} finding(s) no longer visible[/yellow] (FAIL or PASS "
                      f"before, UNKNOWN now): not progress. Change over what both runs saw: "
                      f"{terminal_text(overall['visible_change'])}")
    for title, key in (("By category", "by_category"), ("By account", "by_account")):
        table = Table(title=title)
        for column in ("", "old", "new", "change"):
            table.add_column(column)
        for name, row in result[key].items():
            table.add_row(*(terminal_text(v) for v in (name, row["old"], row["new"], row["change"])))
        console.print(table)
    for key, label in (("new_failures", "New failures"), ("regressed", "Regressed (passed before)"),
                       ("fixed", "Fixed"), ("no_longer_visible", "No longer visible (now UNKNOWN)"),
                       ("still_failing", "Still failing"), ("gone", "Failing resources no longer present")):
        console.print(f"[bold]{label}[/bold]: {result['counts'][key]}")
        for item in result[key][:50]:
            # What it was and what it is now: NOT_APPLICABLE -> FAIL is not PASS -> FAIL.
            change = f"{item.get('was') or 'new'} -> {item.get('now') or 'gone'}"
            console.print("  " + "  ".join(terminal_text(v, markup=False) for v in (
                item["rule_id"], f"{item['account_id']}/{item['region']}", item["resource_name"], change)),
                markup=False)
