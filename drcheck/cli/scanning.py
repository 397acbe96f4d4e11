"""scan, collect, demo, assess and doctor."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from drcheck.cli.groups import grouped
from drcheck.cli.options import (
    AccountOptions,
    AssessFlags,
    CollectOptions,
    HistoryOptions,
    Logo,
    OrgOptions,
    OutputDir,
    OutputOptions,
    Quiet,
    Redact,
    ReportFlags,
    RuleOptions,
)
from drcheck.cli.prepare import (
    client_factory,
    collection_deadlines,
    console_for,
    prepare_run,
    resolve_accounts,
    with_assess_options,
)
from drcheck.outputs import check_output_dir
from drcheck.text import terminal_text


@grouped
def scan(
    account: AccountOptions,
    org: OrgOptions,
    output: OutputOptions,
    collection: CollectOptions,
    rules: RuleOptions,
    report: ReportFlags,
    assess_flags: AssessFlags,
    recording: HistoryOptions,
) -> None:
    """Scan AWS accounts (read-only) and write the DR readiness report."""
    from drcheck.runs import check_gates, collect_and_report

    formats = output.chosen_formats()
    prepared = with_assess_options(prepare_run(rules, report, quiet=output.quiet), assess_flags, recording, "scan",
                                   output.destination())
    deadlines = collection_deadlines(collection, prepared.config)
    check_output_dir(output.destination())  # before any AWS call
    targets, unreachable = resolve_accounts(account, org, collection)
    console = console_for(output.quiet)
    result = collect_and_report(prepared.catalogue, targets, max_workers=collection.max_workers,
                                client_factory=client_factory(collection, deadlines), deadlines=deadlines,
                                output_dir=output.destination(),
                                formats=formats, options=prepared.options,
                                template_dir=prepared.template_dir, assess_options=prepared.assess_options,
                                console=console, unreachable=unreachable)
    raise typer.Exit(check_gates(result, prepared.assess_options, console))


@grouped
def collect(
    account: AccountOptions,
    org: OrgOptions,
    collection: CollectOptions,
    rules: RuleOptions,
    output_dir: OutputDir = Path("drcheck-report"),
    gzip_output: Annotated[bool, typer.Option("--gzip", help="Write inventory.json.gz.")] = False,
    redact: Redact = False,
    quiet: Quiet = False,
) -> None:
    """Collect the inventory only (no report); assess it later, anywhere, with `drcheck assess`."""
    from drcheck.redact import Redactor, redaction_key
    from drcheck.runs import collect_inventory

    prepared = prepare_run(rules, quiet=quiet)
    deadlines = collection_deadlines(collection, prepared.config)
    check_output_dir(output_dir)  # before any AWS call
    targets, unreachable = resolve_accounts(account, org, collection)
    collect_inventory(prepared.catalogue, targets, max_workers=collection.max_workers,
                      client_factory=client_factory(collection, deadlines), deadlines=deadlines,
                      output_dir=output_dir, gzip_output=gzip_output,
                      console=console_for(quiet), unreachable=unreachable,
                      redactor=Redactor(redaction_key()) if redact else None)


@grouped
def demo(output: OutputOptions, recording: HistoryOptions, logo: Logo = None) -> None:
    """Scan an emulated AWS account (no AWS account or network needed) and write the report."""
    from drcheck.demo.run import require_emulator, run_demo

    require_emulator()
    formats = output.chosen_formats()
    run_demo(output_dir=output.destination(), formats=formats, quiet=output.quiet,
             console=console_for(output.quiet), logo=logo, history=recording.open())


@grouped
def assess(
    inventory: Annotated[Path, typer.Argument(metavar="INVENTORY", help="inventory.json from drcheck scan, collect or "
                                                                         "demo (plain or .gz).")],
    output: OutputOptions,
    rules: RuleOptions,
    report: ReportFlags,
    assess_flags: AssessFlags,
    recording: HistoryOptions,
) -> None:
    """Evaluate a saved inventory without calling AWS, and write the same reports."""
    from drcheck.inventory import read_inventory
    from drcheck.report.outputs import parse_formats
    from drcheck.runfolders import refuse_overwriting_inputs
    from drcheck.runs import assess_inventory, check_gates, record_run, report_and_summarise

    formats = output.chosen_formats()
    parse_formats(formats)
    if output.destination() != Path("-"):
        baseline_file = assess_flags.baseline if assess_flags.baseline and not str(assess_flags.baseline).startswith(
            "@") else None
        refuse_overwriting_inputs(output.destination(), [inventory, assess_flags.suppressions, baseline_file,
                                                         rules.config])
    prepared = with_assess_options(prepare_run(rules, report, quiet=output.quiet), assess_flags, recording, "assess",
                                   output.destination())
    check_output_dir(output.destination())
    data = read_inventory(inventory)
    console = console_for(output.quiet)
    result = assess_inventory(prepared.catalogue, data, prepared.assess_options, console)
    report_and_summarise(result, output.destination(), formats, prepared.options, prepared.template_dir, console)
    record_run(result, prepared.assess_options, console)
    raise typer.Exit(check_gates(result, prepared.assess_options, console))


@grouped
def doctor(account: AccountOptions, rules: RuleOptions, org: OrgOptions) -> None:
    """Check credentials, identity, Regions and permissions before a long scan, and say what to fix.

    With --org or --accounts, every account the scan would reach is opened and checked the same way;
    an account that cannot be reached is a problem named with its reason.
    """
    from drcheck.collect.session import client_config, make_client_factory
    from drcheck.doctor import Check, probe_permissions, region_checks

    prepared = prepare_run(rules)
    targets, unreachable = resolve_accounts(account, org)
    console = Console(highlight=False)
    plan = prepared.catalogue.plan()
    factory = make_client_factory(client_config(1, 2))
    problems = 0
    probed: set[str] = set()
    for entry in unreachable:
        problems += 1
        console.print(f"[red]Account {terminal_text(entry['account_id'])} unreachable[/red]: "
                      f"{terminal_text(entry['reason'])}")
    for target in targets:
        # AWS's answers (ids, error messages) are someone else's text: every value goes through terminal_text.
        console.print(f"Credentials: OK — account {terminal_text(target.account_id)} ({terminal_text(target.partition)})")
        checks: list[Check] = region_checks(target) + probe_permissions(target, plan, factory)
        table = Table(title=f"drcheck doctor: {len(prepared.catalogue.rules)} rules, {len(plan.collectors)} resource "
                            f"types, account {terminal_text(target.account_id)}")
        for column in ("check", "result", "detail"):
            table.add_column(column)
        for check in checks:
            table.add_row(terminal_text(check.subject), "[green]ok[/green]" if check.ok else "[red]problem[/red]",
                          terminal_text(check.detail))
        console.print(table)
        probed.update(c.subject for c in checks)
        problems += sum(1 for c in checks if not c.ok)
    detail_permissions = sorted(set(plan.permissions()) - probed)
    console.print(f"Also needed for per-resource details (not probed): {terminal_text(', '.join(detail_permissions))}")
    if problems:
        console.print(f"[red]{problems} problem(s)[/red]: fix them (see `drcheck permissions` for the policy) "
                      "or expect UNKNOWN findings where drcheck cannot look.")
        raise typer.Exit(1)
    console.print("[green]Ready to scan.[/green]")
