"""Console tables for `drcheck objectives` and `drcheck whatif` (every account-supplied name made inert)."""

from __future__ import annotations

from typing import Any

from drcheck.text import terminal_text


def _console():
    from rich.console import Console

    return Console(width=160, highlight=False)


def _cell(text: Any) -> str:
    """Tag values name workloads: control characters and Rich markup in them must print inert."""
    return terminal_text(text)


def print_whatif(result: dict[str, Any]) -> None:
    from rich.table import Table

    console = _console()
    counts = result["counts"]
    console.print(f"[bold]{_cell(result['scenario']['title'])}[/bold]  {counts['survives']} survive, "
                  f"{counts['degraded']} degraded, {counts['down']} down, {counts['unknown']} unknown")
    table = Table(show_lines=False)
    for column in ("workload", "tier", "outcome", "data at risk (RPO)", "time to recover (RTO)", "tier met?", "decided by"):
        table.add_column(column)
    style = {"survives": "green", "degraded": "yellow", "down": "red", "unknown": "magenta"}
    for w in result["workloads"]:
        decided = "; ".join(f"{d['name']} ({d['case'] or d['outcome']})" for d in w["deciding"][:3])
        if w["deciding_more"] or len(w["deciding"]) > 3:
            decided += f" +{len(w['deciding']) - 3 + w['deciding_more']} more"
        table.add_row(_cell(w["name"]), _cell(w["tier"]["name"] if w["tier"] else "–"),
                      f"[{style[w['status']]}]{_cell(w['status_text'])}[/]", _cell(w["data_at_risk"]),
                      _cell(w["time_to_recover"]), _cell(w["tier_verdict"]), _cell(decided or "–"))
    console.print(table)


def print_objectives(document: dict[str, Any]) -> None:
    from rich.table import Table

    console = _console()
    table = Table(title="Recovery objectives per workload", show_lines=True)
    for column in ("workload", "tier (RPO / RTO)", *document["disruptions"].values(), "DR strategy"):
        table.add_column(_cell(column))
    for w in document["workloads"]:
        tier = f"{w['tier']['name']} ({w['tier']['rpo']} / {w['tier']['rto']})" if w["tier"] else "–"
        cells = []
        for d in document["disruptions"]:
            v = w["disruptions"][d]
            lines = [v["verdict"], f"RPO {v['rpo_text']}", f"RTO {v['rto_text']}"]
            lines += [f"← {v['deciding'][0]['name']}"] if v.get("deciding") else []
            cells.append("\n".join(_cell(line) for line in lines))  # one line per fact, each made inert
        table.add_row(_cell(w["name"]), _cell(tier), *cells,
                      _cell(w["strategy"]["name"] if w["strategy"] else "–"))
    console.print(table)
    for w in document["workloads"]:
        for a in w["advice"]:
            console.print(f"  {_cell(w['name'])}: {_cell(a['name'])} ({_cell(a['label'])}, {_cell(a['disruption'])}) — "
                          f"{_cell(a['change'])}")
    console.print("Figures and their AWS sources: drcheck objectives --assumptions")


def print_assumptions(table: dict[str, Any]) -> None:
    from rich.table import Table

    console = _console()
    grid = Table(title=f"Recovery assumptions ({_cell(table['file'])})", show_lines=False)
    for column in ("resource type", "disruption", "when", "outcome", "RPO", "RTO", "sources"):
        grid.add_column(column)
    for row in table["rows"]:
        outcome = row["outcome"] if not row["unknown"] else f"unknown: {row['unknown']}"
        grid.add_row(_cell(row["label"]), _cell(row["disruption"]), _cell(row["when"]), _cell(outcome), _cell(row["rpo"]),
                     _cell(row["rto"]), _cell(", ".join(s["id"] for s in row["sources"])))
    console.print(grid)
    for source in table["sources"]:
        console.print(f"[bold]{_cell(source['id'])}[/bold]: {_cell(source['title'])} — {_cell(source['url'])}\n"
                      f"    {terminal_text(source['says'], keep_newlines=True)}")
