"""`drcheck objectives` and `drcheck whatif`: recovery objectives and outage what-ifs.

Both read a saved inventory (the INVENTORY argument, as in `drcheck assess`), or, without one,
scan live through the scan's own option groups, target resolution and collection (--region,
--profile, --org, --accounts, --max-workers, --max-rate …), collecting only what the recovery
model reads. Every option is optional at the Typer level and checked here, so a bad combination is
one clear line and exit 2 (UserError), not a usage screen.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated, Any

import typer

from drcheck.cli.groups import grouped, option_group
from drcheck.cli.objectives_tables import print_assumptions, print_objectives, print_whatif
from drcheck.cli.options import AccountOptions, CollectOptions, ConfigPath, Json, OrgOptions, Quiet
from drcheck.cli.prepare import announce_config, client_factory, collection_deadlines, console_for, resolve_accounts
from drcheck.errors import UserError

OUTAGE_PANEL = "What goes down"
OutageRegion = Annotated[str | None, typer.Option("--outage-region", metavar="REGION", rich_help_panel=OUTAGE_PANEL,
                                                  help="Region that goes down (with --service: where it goes down).")]
OutageZone = Annotated[str | None, typer.Option("--az", metavar="ZONE", rich_help_panel=OUTAGE_PANEL,
                                                help="Availability Zone that goes down (name or zone ID).")]
OutageService = Annotated[str | None, typer.Option("--service", metavar="SERVICE", rich_help_panel=OUTAGE_PANEL,
                                                   help="Service that goes down in --outage-region (dynamodb, s3, etc.).")]


def deprecated(old: str, new: str) -> None:
    """One line on stderr: the old spelling still works, and this is the new one."""
    typer.echo(f"drcheck: {old} is deprecated; {new}", err=True)


@option_group
@dataclass(frozen=True)
class InventorySource:
    """Where the inventory comes from: a file, or a live scan (optionally saved)."""

    inventory: Annotated[Path | None, typer.Argument(
        metavar="INVENTORY", show_default=False,
        help="inventory.json from drcheck scan, collect or demo (plain or .gz). Without it, drcheck scans "
             "live with the AWS account options.")] = None
    inventory_option: Annotated[Path | None, typer.Option("--inventory", "-i", hidden=True)] = None  # deprecated
    scan_region: Annotated[list[str] | None, typer.Option("--scan-region", hidden=True)] = None  # deprecated
    save_inventory: Annotated[Path | None, typer.Option("--save-inventory", metavar="FILE",
                                                        help="Live scan: also write the inventory here.")] = None
    quiet: Quiet = False

    def path(self) -> Path | None:
        """The inventory file, however it was spelled (the old --inventory with a notice)."""
        if self.inventory_option is not None:
            if self.inventory is not None:
                raise UserError("give the inventory once: as an argument (--inventory is its old spelling)")
            deprecated("--inventory/-i", "give the inventory file as an argument, as in drcheck assess")
            return self.inventory_option
        return self.inventory


def _with_old_scan_regions(source: InventorySource, account: AccountOptions) -> AccountOptions:
    if not source.scan_region:
        return account
    deprecated("--scan-region", "use --region (the Region to scan, as in drcheck scan)")
    return replace(account, region=[*(account.region or []), *source.scan_region])


def _live_scan_asked(account: AccountOptions, org: OrgOptions) -> bool:
    return bool(account.region or account.all_regions or account.profile or account.role_arn or org.org
                or org.accounts)


def _load(source: InventorySource, account: AccountOptions, org: OrgOptions, collection: CollectOptions,
          config: Path | None):
    """The recovery model and the prepared objectives of the inventory file or of a live scan."""
    from drcheck.collectors import all_collectors
    from drcheck.config import load_config
    from drcheck.inventory import read_inventory
    from drcheck.link import link
    from drcheck.linkers import load_linkers
    from drcheck.objectives.assess import prepare
    from drcheck.objectives.settings import settings_from_config
    from drcheck.objectives.stage import load_objectives

    path = source.path()
    account = _with_old_scan_regions(source, account)
    loaded = load_config(config)
    settings = settings_from_config(loaded)
    announce_config(loaded, source.quiet)
    collectors, linkers = all_collectors(), load_linkers()
    objectives = load_objectives(collectors, linkers, settings)
    live = _live_scan_asked(account, org)
    if path is not None and live:
        raise UserError("use either an inventory file or a live scan (--region, --all-regions, --profile, "
                        "--role-arn, --org, --accounts), not both")
    if path is None and not live:
        raise UserError("give an INVENTORY file (from drcheck scan, collect or demo), or scan live with "
                        "--region REGION, --all-regions, --profile, --org or --accounts")
    if path is not None:
        data = read_inventory(path)
    else:
        data = _scan(objectives, collectors, linkers, source, account, org, collection, loaded)
    return objectives.model, prepare(link(data, linkers), objectives.model, settings)


def _scan(objectives: Any, collectors: Any, linkers: Any, source: InventorySource, account: AccountOptions,
          org: OrgOptions, collection: CollectOptions, config: Any = None) -> dict:
    """Collect only what the objectives model reads, through the scan's targets and collection."""
    from drcheck.inventory import inventory_json
    from drcheck.outputs import check_output_dir, write_files
    from drcheck.pipeline import Catalogue
    from drcheck.runs import collect_with_progress

    deadlines = collection_deadlines(collection, config)
    if source.save_inventory is not None:
        check_output_dir(source.save_inventory.parent)  # before any AWS call
    targets, unreachable = resolve_accounts(account, org, collection)
    catalogue = Catalogue(collectors, linkers, rules=(), objectives=objectives)
    inventory = collect_with_progress(catalogue, targets, max_workers=collection.max_workers,
                                      client_factory=client_factory(collection, deadlines),
                                      console=console_for(source.quiet), unreachable=unreachable,
                                      deadlines=deadlines)
    if source.save_inventory is not None:
        write_files(source.save_inventory.parent, {source.save_inventory.name: inventory_json(inventory)})
    return inventory


def _outage_region(outage_region: str | None, source: InventorySource,
                   account: AccountOptions) -> tuple[str | None, AccountOptions]:
    """The Region that goes down, reading the old `whatif --region` where it cannot mean a Region to scan.

    Before, whatif's --region named the Region that goes down (the scan Regions were --scan-region).
    With an inventory file or --scan-region, a --region cannot be a Region to scan, so it keeps its
    old meaning, with a notice.
    """
    if outage_region is not None or not account.region:
        return outage_region, account
    if source.inventory is None and source.inventory_option is None and not source.scan_region:
        return None, account
    deprecated("whatif --region for the Region that goes down",
               "use --outage-region (--region is the Region to scan, as in drcheck scan)")
    if len(account.region) > 1:
        raise UserError("--outage-region: name one Region that goes down")
    return account.region[0], replace(account, region=None)


@grouped
def whatif(
    *,
    outage_region: OutageRegion = None,
    az: OutageZone = None,
    service: OutageService = None,
    source: InventorySource,
    account: AccountOptions,
    org: OrgOptions,
    collection: CollectOptions,
    config: ConfigPath = None,
    as_json: Json = False,
) -> None:
    """What if a Region, an Availability Zone or a service in a Region goes down? Per workload."""
    from drcheck.objectives.scenarios import make_scenario, run_scenario

    region, account = _outage_region(outage_region, source, account)
    if not (region or az or service):
        raise UserError("say what goes down: --outage-region REGION, --az ZONE, or --service SERVICE "
                        "--outage-region REGION (--region names the Region to scan)")
    if service and not region:
        raise UserError("--service needs --outage-region: the Region where the service goes down")
    _, prepared = _load(source, account, org, collection, config)
    result = run_scenario(prepared, make_scenario(prepared, region, az, service))
    if as_json:
        typer.echo(json.dumps(result, indent=1, default=str))
        return
    print_whatif(result)


@grouped
def objectives(
    *,
    source: InventorySource,
    assumptions: Annotated[bool, typer.Option("--assumptions", help="Print the assumption table and its sources.")] = False,
    account: AccountOptions,
    org: OrgOptions,
    collection: CollectOptions,
    config: ConfigPath = None,
    as_json: Json = False,
) -> None:
    """Per-workload recovery objectives: tier, estimated RPO/RTO per disruption, met?, DR strategy."""
    if assumptions:
        from drcheck.collectors import all_collectors
        from drcheck.linkers import load_linkers
        from drcheck.objectives.document import assumptions_table
        from drcheck.objectives.model import load_model

        table = assumptions_table(load_model(all_collectors(), load_linkers()))
        if as_json:
            typer.echo(json.dumps(table, indent=1))
        else:
            print_assumptions(table)
        return
    from drcheck.objectives.document import objectives_document

    _, prepared = _load(source, account, org, collection, config)
    document = objectives_document(prepared)
    if as_json:
        typer.echo(json.dumps(document, indent=1, default=str))
        return
    print_objectives(document)
