"""scan, collect, demo, assess and doctor."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from drcheck.cli.options import (
    DEFAULT_FORMATS,
    AccountsFile,
    AllRegions,
    Assessor,
    Baseline,
    Client,
    ConfigPath,
    ExcludeAccount,
    ExcludeName,
    ExcludeOu,
    ExternalId,
    FailOn,
    FailUnder,
    Formats,
    IncludeAccount,
    IncludeName,
    IncludeOu,
    Logo,
    MaxRate,
    MaxWorkers,
    Only,
    Org,
    OrgRole,
    OutputDir,
    Paper,
    Profile,
    Quiet,
    Redact,
    Regions,
    RoleArn,
    RulesDir,
    Skip,
    SuppressionsFile,
    TemplateDir,
    Title,
)
from drcheck.cli.prepare import console_for, prepare_run, resolve_accounts, with_assess_options


def scan(
    region: Regions = None,
    all_regions: AllRegions = False,
    profile: Profile = None,
    role_arn: RoleArn = None,
    external_id: ExternalId = None,
    org: Org = False,
    org_role: OrgRole = "OrganizationAccountAccessRole",
    accounts: AccountsFile = None,
    include_account: IncludeAccount = None,
    exclude_account: ExcludeAccount = None,
    include_ou: IncludeOu = None,
    exclude_ou: ExcludeOu = None,
    include_name: IncludeName = None,
    exclude_name: ExcludeName = None,
    output_dir: OutputDir = Path("drcheck-report"),
    formats: Formats = DEFAULT_FORMATS,
    max_workers: MaxWorkers = 16,
    max_rate: MaxRate = None,
    rules_dir: RulesDir = None,
    only: Only = None,
    skip: Skip = None,
    client: Client = None,
    assessor: Assessor = None,
    title: Title = None,
    paper: Paper = None,
    template_dir: TemplateDir = None,
    logo: Logo = None,
    suppressions: SuppressionsFile = None,
    baseline: Baseline = None,
    fail_under: FailUnder = None,
    fail_on: FailOn = None,
    redact: Redact = False,
    config: ConfigPath = None,
    quiet: Quiet = False,
) -> None:
    """Scan AWS accounts (read-only) and write the DR readiness report."""
    from drcheck.collect.session import client_config, make_client_factory
    from drcheck.runs import check_gates, collect_and_report

    prepared = prepare_run(config, rules_dir, only, skip, title, client, assessor, paper, template_dir, logo)
    prepared = with_assess_options(prepared, suppressions, baseline, redact, fail_under, fail_on)
    targets, unreachable = resolve_accounts(region, all_regions, profile, role_arn, external_id, org, org_role, accounts,
                                    include_account, exclude_account, include_ou, exclude_ou, include_name,
                                    exclude_name, max_workers)
    console = console_for(quiet)
    assessment = collect_and_report(prepared.catalogue, targets, max_workers=max_workers,
                                    client_factory=make_client_factory(client_config(max_workers), max_rate),
                                    output_dir=output_dir, formats=formats, options=prepared.options,
                                    template_dir=prepared.template_dir, assess_options=prepared.assess_options,
                                    console=console, unreachable=unreachable)
    raise typer.Exit(check_gates(assessment, prepared.assess_options, console))


def collect(
    region: Regions = None,
    all_regions: AllRegions = False,
    profile: Profile = None,
    role_arn: RoleArn = None,
    external_id: ExternalId = None,
    org: Org = False,
    org_role: OrgRole = "OrganizationAccountAccessRole",
    accounts: AccountsFile = None,
    include_account: IncludeAccount = None,
    exclude_account: ExcludeAccount = None,
    include_ou: IncludeOu = None,
    exclude_ou: ExcludeOu = None,
    include_name: IncludeName = None,
    exclude_name: ExcludeName = None,
    output_dir: OutputDir = Path("drcheck-report"),
    gzip_output: Annotated[bool, typer.Option("--gzip", help="Write inventory.json.gz.")] = False,
    redact: Redact = False,
    max_workers: MaxWorkers = 16,
    max_rate: MaxRate = None,
    rules_dir: RulesDir = None,
    only: Only = None,
    skip: Skip = None,
    config: ConfigPath = None,
    quiet: Quiet = False,
) -> None:
    """Collect the inventory only (no report); assess it later, anywhere, with `drcheck assess`."""
    from drcheck.collect.session import client_config, make_client_factory
    from drcheck.redact import Redactor, redaction_key
    from drcheck.runs import collect_inventory

    prepared = prepare_run(config, rules_dir, only, skip, None, None, None, None, None)
    targets, unreachable = resolve_accounts(region, all_regions, profile, role_arn, external_id, org, org_role, accounts,
                                    include_account, exclude_account, include_ou, exclude_ou, include_name,
                                    exclude_name, max_workers)
    collect_inventory(prepared.catalogue, targets, max_workers=max_workers,
                      client_factory=make_client_factory(client_config(max_workers), max_rate),
                      output_dir=output_dir, gzip_output=gzip_output, console=console_for(quiet), unreachable=unreachable,
                      redactor=Redactor(redaction_key()) if redact else None)


def demo(
    output_dir: OutputDir = Path("drcheck-report"),
    formats: Formats = DEFAULT_FORMATS,
    logo: Logo = None,
    quiet: Quiet = False,
) -> None:
    """Scan an emulated AWS account (no AWS account or network needed) and write the report."""
    from drcheck.demo.run import run_demo

    run_demo(output_dir=output_dir, formats=formats, quiet=quiet, console=console_for(quiet), logo=logo)


def assess(
    inventory: Annotated[Path, typer.Argument(help="inventory.json from an earlier scan.")],
    output_dir: OutputDir = Path("drcheck-report"),
    formats: Formats = DEFAULT_FORMATS,
    rules_dir: RulesDir = None,
    only: Only = None,
    skip: Skip = None,
    client: Client = None,
    assessor: Assessor = None,
    title: Title = None,
    paper: Paper = None,
    template_dir: TemplateDir = None,
    logo: Logo = None,
    suppressions: SuppressionsFile = None,
    baseline: Baseline = None,
    fail_under: FailUnder = None,
    fail_on: FailOn = None,
    redact: Redact = False,
    config: ConfigPath = None,
    quiet: Quiet = False,
) -> None:
    """Evaluate a saved inventory without calling AWS, and write the same reports."""
    from drcheck.inventory import read_inventory
    from drcheck.report.outputs import parse_formats
    from drcheck.runs import assess_inventory, check_gates, report_and_summarise

    parse_formats(formats)
    prepared = prepare_run(config, rules_dir, only, skip, title, client, assessor, paper, template_dir, logo)
    prepared = with_assess_options(prepared, suppressions, baseline, redact, fail_under, fail_on)
    data = read_inventory(inventory)
    assessment = assess_inventory(prepared.catalogue, data, prepared.assess_options)
    console = console_for(quiet)
    report_and_summarise(assessment, output_dir, formats, prepared.options, prepared.template_dir, console)
    raise typer.Exit(check_gates(assessment, prepared.assess_options, console))


def doctor(
    region: Regions = None,
    all_regions: AllRegions = False,
    profile: Profile = None,
    role_arn: RoleArn = None,
    external_id: ExternalId = None,
    rules_dir: RulesDir = None,
    only: Only = None,
    skip: Skip = None,
    config: ConfigPath = None,
) -> None:
    """Check credentials, identity, Regions and permissions before a long scan, and say what to fix."""
    from drcheck.collect.session import client_config, make_client_factory
    from drcheck.doctor import probe_permissions, region_checks

    prepared = prepare_run(config, rules_dir, only, skip, None, None, None, None, None)
    [account], _ = resolve_accounts(region, all_regions, profile, role_arn, external_id, False, "", None, None, None, None,
                            None, None, None, 1)
    console = Console(highlight=False)
    console.print(f"Credentials: OK — account {account.account_id} ({account.partition})")
    plan = prepared.catalogue.plan()
    checks = region_checks(account) + probe_permissions(account, plan, make_client_factory(client_config(1, 2)))
    table = Table(title=f"drcheck doctor: {len(prepared.catalogue.rules)} rules, {len(plan.collectors)} resource types")
    for column in ("check", "result", "detail"):
        table.add_column(column)
    for check in checks:
        table.add_row(check.subject, "[green]ok[/green]" if check.ok else "[red]problem[/red]", check.detail)
    console.print(table)
    detail_permissions = sorted(set(plan.permissions()) - {c.subject for c in checks} - {"sts:GetCallerIdentity"})
    console.print(f"Also needed for per-resource details (not probed): {', '.join(detail_permissions)}")
    problems = [c for c in checks if not c.ok]
    if problems:
        console.print(f"[red]{len(problems)} problem(s)[/red]: fix them (see `drcheck permissions` for the policy) "
                      "or expect UNKNOWN findings where drcheck cannot look.")
        raise typer.Exit(1)
    console.print("[green]Ready to scan.[/green]")
