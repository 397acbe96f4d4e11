"""`drcheck objectives` and `drcheck whatif`: recovery objectives and outage what-ifs.

They read a saved inventory (--inventory), or scan live with the scan command's account options
(--profile, --role-arn, --external-id; Regions as --scan-region or --all-regions, because
`whatif --region` names the Region that goes down), collecting only what the model reads.
Registered in drcheck/cli/app.py. Every option is optional at the Typer level and checked here, so a
bad combination is one clear line and exit 2 (UserError), not a usage screen.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer

from drcheck.errors import UserError

InventoryOpt = Annotated[Path | None, typer.Option("--inventory", "-i", help="inventory.json from a scan.")]
ConfigOpt = Annotated[Path | None, typer.Option("--config", help="Settings file (default: ./drcheck.yaml if present).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]
ScanRegions = Annotated[list[str] | None, typer.Option("--scan-region", help="Scan live: a Region to scan (repeatable).")]
AllRegions = Annotated[bool, typer.Option("--all-regions", help="Scan live: every Region enabled for the account.")]
Profile = Annotated[str | None, typer.Option("--profile", help="AWS profile to use (live scan).")]
RoleArn = Annotated[str | None, typer.Option("--role-arn", help="Assume this role first (live scan).")]
ExternalId = Annotated[str | None, typer.Option("--external-id", help="External ID for --role-arn.")]
SaveInventory = Annotated[Path | None, typer.Option("--save-inventory", help="Live scan: also write the inventory here.")]


@dataclass(frozen=True)
class LiveScan:
    regions: list[str]
    all_regions: bool = False
    profile: str | None = None
    role_arn: str | None = None
    external_id: str | None = None
    save_to: Path | None = None

    @property
    def wanted(self) -> bool:
        return bool(self.regions or self.all_regions)


def _load(inventory: Path | None, config: Path | None, *, live: LiveScan | None = None,
          need_inventory: bool = True):
    from drcheck.collectors import all_collectors
    from drcheck.config import load_config
    from drcheck.inventory import read_inventory
    from drcheck.linkers import all_linkers
    from drcheck.objectives.assess import prepare
    from drcheck.objectives.model import load_model
    from drcheck.objectives.settings import settings_from_config

    settings = settings_from_config(load_config(config))
    collectors, linkers = all_collectors(), all_linkers()
    model = load_model(collectors, linkers)
    if not need_inventory:
        return model, None
    live = live or LiveScan([])
    if inventory is not None and live.wanted:
        raise UserError("use either --inventory or a live scan (--scan-region / --all-regions), not both")
    if inventory is None and not live.wanted:
        raise UserError("give --inventory FILE (from drcheck scan or demo), or scan live with --scan-region REGION "
                        "or --all-regions")
    data = read_inventory(inventory) if inventory is not None else _scan(live, model, collectors, linkers)
    return model, prepare(data, model, settings, linkers)


def _scan(live: LiveScan, model: Any, collectors: Any, linkers: Any) -> dict:
    """Collect only what the objectives model reads, with the scan command's session plumbing."""
    from drcheck.collect.plan import make_plan
    from drcheck.collect.runner import collect
    from drcheck.collect.session import base_session, client_config, make_client_factory, open_account
    from drcheck.inventory import inventory_json
    from drcheck.outputs import write_files

    if live.all_regions and live.regions:
        raise UserError("use either --scan-region or --all-regions, not both")
    account = open_account(base_session(live.profile), regions=list(live.regions), all_regions=live.all_regions,
                           role_arn=live.role_arn, external_id=live.external_id)
    workers = 16
    inventory = collect(make_plan(model.needs(), collectors, linkers), [account],
                        client_factory=make_client_factory(client_config(workers)), max_workers=workers)
    if live.save_to is not None:
        write_files(live.save_to.parent, {live.save_to.name: inventory_json(inventory)})
    return inventory


def _console():
    from rich.console import Console

    return Console(width=160, highlight=False)


def _cell(text: Any) -> str:
    from rich.markup import escape

    return escape(str(text))


def whatif_command(
    region: Annotated[str | None, typer.Option("--region", "-r", help="Region that goes down.")] = None,
    az: Annotated[str | None, typer.Option("--az", help="Availability Zone that goes down (name or zone ID).")] = None,
    service: Annotated[str | None, typer.Option("--service", help="Service down in --region (dynamodb, s3, …).")] = None,
    inventory: InventoryOpt = None,
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
    scan_region: ScanRegions = None,
    all_regions: AllRegions = False,
    profile: Profile = None,
    role_arn: RoleArn = None,
    external_id: ExternalId = None,
    save_inventory: SaveInventory = None,
) -> None:
    """What if a Region, an Availability Zone or a service in a Region goes down? Per workload."""
    from drcheck.objectives.scenarios import make_scenario, run_scenario

    if not (region or az or service):
        raise UserError("say what goes down: --region REGION, --az ZONE, or --service SERVICE --region REGION")
    if service and not region:
        raise UserError("--service needs --region: the Region where the service goes down")
    live = LiveScan(list(scan_region or []), all_regions, profile, role_arn, external_id, save_inventory)
    _, prepared = _load(inventory, config, live=live)
    result = run_scenario(prepared, make_scenario(prepared, region, az, service))
    if as_json:
        typer.echo(json.dumps(result, indent=1, default=str))
        return
    _print_whatif(result)


def _print_whatif(result: dict[str, Any]) -> None:
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


def objectives_command(
    inventory: InventoryOpt = None,
    assumptions: Annotated[bool, typer.Option("--assumptions", help="Print the assumption table and its sources.")] = False,
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
    scan_region: ScanRegions = None,
    all_regions: AllRegions = False,
    profile: Profile = None,
    role_arn: RoleArn = None,
    external_id: ExternalId = None,
    save_inventory: SaveInventory = None,
) -> None:
    """Per-workload recovery objectives: tier, estimated RPO/RTO per disruption, met?, DR strategy."""
    if assumptions:
        from drcheck.objectives.document import assumptions_table

        model, _ = _load(None, config, need_inventory=False)
        table = assumptions_table(model)
        if as_json:
            typer.echo(json.dumps(table, indent=1))
        else:
            _print_assumptions(table)
        return
    from drcheck.objectives.document import objectives_document

    live = LiveScan(list(scan_region or []), all_regions, profile, role_arn, external_id, save_inventory)
    _, prepared = _load(inventory, config, live=live)
    document = objectives_document(prepared)
    if as_json:
        typer.echo(json.dumps(document, indent=1, default=str))
        return
    _print_objectives(document)


def _print_objectives(document: dict[str, Any]) -> None:
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
            decided = f"\n← {v['deciding'][0]['name']}" if v.get("deciding") else ""
            cells.append(f"{v['verdict']}\nRPO {v['rpo_text']}\nRTO {v['rto_text']}{decided}")
        table.add_row(_cell(w["name"]), _cell(tier), *(_cell(c) for c in cells),
                      _cell(w["strategy"]["name"] if w["strategy"] else "–"))
    console.print(table)
    for w in document["workloads"]:
        for a in w["advice"]:
            console.print(f"  {_cell(w['name'])}: {_cell(a['name'])} ({_cell(a['label'])}, {a['disruption']}) — "
                          f"{_cell(a['change'])}")
    console.print("Figures and their AWS sources: drcheck objectives --assumptions")


def _print_assumptions(table: dict[str, Any]) -> None:
    from rich.table import Table

    console = _console()
    grid = Table(title=f"Recovery assumptions ({table['file']})", show_lines=False)
    for column in ("resource type", "disruption", "when", "outcome", "RPO", "RTO", "sources"):
        grid.add_column(column)
    for row in table["rows"]:
        outcome = row["outcome"] if not row["unknown"] else f"unknown: {row['unknown']}"
        grid.add_row(_cell(row["label"]), row["disruption"], _cell(row["when"]), _cell(outcome), _cell(row["rpo"]),
                     _cell(row["rto"]), _cell(", ".join(s["id"] for s in row["sources"])))
    console.print(grid)
    for source in table["sources"]:
        console.print(f"[bold]{_cell(source['id'])}[/bold]: {_cell(source['title'])} — {_cell(source['url'])}\n"
                      f"    {_cell(source['says'])}")
