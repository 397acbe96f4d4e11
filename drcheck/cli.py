"""The drcheck command line: thin wrappers that parse options and call the pipeline."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from drcheck.errors import UserError
from drcheck.objectives.cli import objectives_command, whatif_command

app = typer.Typer(
    help="drcheck: would your AWS account survive a disaster? Read-only DR readiness checks and reports.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
rules_app = typer.Typer(help="Browse and check the rule catalogue.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")

OutputDir = Annotated[Path, typer.Option("--output-dir", "-o", help="Where to write the report files.")]
Formats = Annotated[str, typer.Option("--format", help="Comma-separated subset of html,pdf,json,csv,md.")]
DEFAULT_FORMATS = "html,pdf,json,csv,md"  # drcheck.report.outputs.FORMATS, kept literal for a fast --help
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary output.")]
RulesDir = Annotated[list[Path] | None, typer.Option("--rules-dir", help="Extra directory of rule files.")]
Only = Annotated[list[str] | None, typer.Option("--only", help="Run only these rule ids, services or categories.")]
Skip = Annotated[list[str] | None, typer.Option("--skip", help="Skip these rule ids, services or categories.")]
Client = Annotated[str | None, typer.Option("--client", help="Client name for the report.")]
Assessor = Annotated[str | None, typer.Option("--assessor", help="Who assessed, for the report.")]
Title = Annotated[str | None, typer.Option("--title", help="Report title.")]
Paper = Annotated[str | None, typer.Option("--paper", help="PDF paper size: a4 or letter.")]
Logo = Annotated[Path | None, typer.Option("--logo", help="PNG, JPEG or SVG logo for the report cover.")]
TemplateDir = Annotated[Path | None, typer.Option("--template-dir", help="Directory overriding report templates.")]
SuppressionsFile = Annotated[Path | None, typer.Option("--suppressions", help="YAML file of accepted risks.")]
Baseline = Annotated[Path | None, typer.Option("--baseline", help="Earlier findings.json or report dir to compare with.")]
FailUnder = Annotated[float | None, typer.Option("--fail-under", min=0, max=100, help="Exit 1 if the score is below this.")]
FailOn = Annotated[str | None, typer.Option("--fail-on", help="Exit 1 on any FAIL of this severity or worse.")]
Redact = Annotated[bool, typer.Option("--redact", help="Pseudonymise account ids and resource names in every output.")]
ConfigPath = Annotated[Path | None, typer.Option("--config", help="Settings file (default: ./drcheck.yaml if present).")]


def _console(quiet: bool) -> Console:
    return Console(stderr=True, quiet=quiet)


@dataclass(frozen=True)
class _Prepared:
    config: Any
    catalogue: Any
    options: Any
    template_dir: Path | None
    assess_options: Any = None


def _assess_options(prepared: _Prepared, suppressions: Path | None, baseline: Path | None, redact: bool,
                    fail_under: float | None, fail_on: str | None) -> _Prepared:
    """Read the files behind --suppressions / --baseline and check the gates before any work."""
    from dataclasses import replace

    from drcheck.diff import read_findings
    from drcheck.model import SEVERITIES
    from drcheck.redact import Redactor, redaction_key
    from drcheck.runs import AssessOptions
    from drcheck.suppressions import load_suppressions

    if fail_on is not None and fail_on not in SEVERITIES:
        raise UserError(f"--fail-on: {fail_on!r} is not one of {', '.join(SEVERITIES)}")
    options = AssessOptions(
        parameters=prepared.config.parameters,
        suppressions=load_suppressions(suppressions) if suppressions else None,
        baseline=read_findings(baseline) if baseline else None,
        redactor=Redactor(redaction_key()) if redact else None,
        fail_under=fail_under,
        fail_on=fail_on,
    )
    return replace(prepared, assess_options=options)


def _prepare(config_path: Path | None, rules_dir: list[Path] | None, only: list[str] | None, skip: list[str] | None,
             title: str | None, client: str | None, assessor: str | None, paper: str | None,
             template_dir: Path | None, logo: Path | None = None) -> _Prepared:
    """Config file, then CLI flags on top: the catalogue and report options a run uses."""
    from drcheck.config import check_parameters, load_config
    from drcheck.objectives.settings import settings_from_config
    from drcheck.pipeline import load_catalogue
    from drcheck.report.logo import logo_data_url
    from drcheck.report.view import ReportOptions

    config = load_config(config_path)
    report = config.report
    logo = logo or (config.resolve(report["logo"]) if report.get("logo") else None)
    paper = (paper or report.get("paper") or "a4").lower()
    if paper not in ("a4", "letter"):
        raise UserError(f"--paper: {paper!r} is not a4 or letter")
    options = ReportOptions(title=title or report.get("title") or ReportOptions.title,
                            client=client or report.get("client"), assessor=assessor or report.get("assessor"),
                            paper=paper, logo=logo_data_url(logo) if logo else None)
    dirs = [config.resolve(d) for d in config.rules.get("dirs", [])] + list(rules_dir or [])
    only = list(only or config.rules.get("only", []))
    skip = list(skip or config.rules.get("skip", []))
    # Recovery objectives need the whole picture; a run narrowed with --only/--skip checks just the
    # selected rules (and `drcheck permissions` then asks for just their calls).
    catalogue = load_catalogue(dirs, only=only, skip=skip, objectives=not (only or skip),
                               objectives_settings=settings_from_config(config))
    check_parameters(config.parameters, catalogue.rules, config.source)
    if template_dir is None and report.get("template_dir"):
        template_dir = config.resolve(report["template_dir"])
    return _Prepared(config, catalogue, options, template_dir)


Regions = Annotated[list[str] | None, typer.Option("--region", "-r", help="Region to scan (repeatable).")]
AllRegions = Annotated[bool, typer.Option("--all-regions", help="Scan every Region enabled for each account.")]
Profile = Annotated[str | None, typer.Option("--profile", help="AWS profile to use.")]
RoleArn = Annotated[str | None, typer.Option("--role-arn", help="Assume this role first (one client account).")]
ExternalId = Annotated[str | None, typer.Option("--external-id", help="External ID for the role(s) assumed.")]
Org = Annotated[bool, typer.Option("--org", help="Scan every account of the AWS Organization.")]
OrgRole = Annotated[str, typer.Option("--org-role", help="Role name to assume in each organization account.")]
AccountsFile = Annotated[Path | None, typer.Option("--accounts", help="YAML list: account_id, role_arn, external_id, name.")]
IncludeAccount = Annotated[list[str] | None, typer.Option("--include-account", help="Only these account ids.")]
ExcludeAccount = Annotated[list[str] | None, typer.Option("--exclude-account", help="Skip these account ids.")]
IncludeOu = Annotated[list[str] | None, typer.Option("--include-ou", help="Only accounts under this OU (id or name).")]
ExcludeOu = Annotated[list[str] | None, typer.Option("--exclude-ou", help="Skip accounts under this OU (id or name).")]
IncludeName = Annotated[list[str] | None, typer.Option("--include-name", help="Only account names matching (glob).")]
ExcludeName = Annotated[list[str] | None, typer.Option("--exclude-name", help="Skip account names matching (glob).")]
MaxWorkers = Annotated[int, typer.Option("--max-workers", min=1, max=64, help="Concurrent API calls.")]
MaxRate = Annotated[float | None, typer.Option("--max-rate", min=0.1,
                                               help="Max requests/second per service, Region and account.")]


def _targets(region, all_regions, profile, role_arn, external_id, org, org_role, accounts, include_account,
             exclude_account, include_ou, exclude_ou, include_name, exclude_name, max_workers):
    from drcheck.collect.accounts import AccountFilters
    from drcheck.targets import TargetOptions, resolve_targets

    filters = AccountFilters(tuple(include_account or ()), tuple(exclude_account or ()), tuple(include_ou or ()),
                             tuple(exclude_ou or ()), tuple(include_name or ()), tuple(exclude_name or ()))
    return resolve_targets(TargetOptions(regions=list(region or []), all_regions=all_regions, profile=profile,
                                         role_arn=role_arn, external_id=external_id, org=org, org_role=org_role,
                                         accounts_file=accounts, filters=filters, max_workers=max_workers))


@app.command()
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

    prepared = _prepare(config, rules_dir, only, skip, title, client, assessor, paper, template_dir, logo)
    prepared = _assess_options(prepared, suppressions, baseline, redact, fail_under, fail_on)
    targets, unreachable = _targets(region, all_regions, profile, role_arn, external_id, org, org_role, accounts,
                                    include_account, exclude_account, include_ou, exclude_ou, include_name,
                                    exclude_name, max_workers)
    console = _console(quiet)
    assessment = collect_and_report(prepared.catalogue, targets, max_workers=max_workers,
                                    client_factory=make_client_factory(client_config(max_workers), max_rate),
                                    output_dir=output_dir, formats=formats, options=prepared.options,
                                    template_dir=prepared.template_dir, assess_options=prepared.assess_options,
                                    console=console, unreachable=unreachable)
    raise typer.Exit(check_gates(assessment, prepared.assess_options, console))


@app.command()
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

    prepared = _prepare(config, rules_dir, only, skip, None, None, None, None, None)
    targets, unreachable = _targets(region, all_regions, profile, role_arn, external_id, org, org_role, accounts,
                                    include_account, exclude_account, include_ou, exclude_ou, include_name,
                                    exclude_name, max_workers)
    collect_inventory(prepared.catalogue, targets, max_workers=max_workers,
                      client_factory=make_client_factory(client_config(max_workers), max_rate),
                      output_dir=output_dir, gzip_output=gzip_output, console=_console(quiet), unreachable=unreachable,
                      redactor=Redactor(redaction_key()) if redact else None)


@app.command()
def demo(
    output_dir: OutputDir = Path("drcheck-report"),
    formats: Formats = DEFAULT_FORMATS,
    logo: Logo = None,
    quiet: Quiet = False,
) -> None:
    """Scan an emulated AWS account (no AWS account or network needed) and write the report."""
    from drcheck.demo.run import run_demo

    run_demo(output_dir=output_dir, formats=formats, quiet=quiet, console=_console(quiet), logo=logo)


@app.command()
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
    prepared = _prepare(config, rules_dir, only, skip, title, client, assessor, paper, template_dir, logo)
    prepared = _assess_options(prepared, suppressions, baseline, redact, fail_under, fail_on)
    data = read_inventory(inventory)
    assessment = assess_inventory(prepared.catalogue, data, prepared.assess_options)
    console = _console(quiet)
    report_and_summarise(assessment, output_dir, formats, prepared.options, prepared.template_dir, console)
    raise typer.Exit(check_gates(assessment, prepared.assess_options, console))


@app.command()
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

    prepared = _prepare(config, rules_dir, only, skip, None, None, None, None, None)
    [account], _ = _targets(region, all_regions, profile, role_arn, external_id, False, "", None, None, None, None,
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


@app.command()
def diff(
    old: Annotated[Path, typer.Argument(help="Earlier findings.json or report directory.")],
    new: Annotated[Path, typer.Argument(help="Later findings.json or report directory.")],
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """What changed between two assessments: new failures, fixed, regressed, still failing."""
    from drcheck.diff import diff_findings, read_findings

    result = diff_findings(read_findings(old), read_findings(new))
    if as_json:
        typer.echo(json.dumps(result, indent=1))
        return
    console = Console(highlight=False)
    overall = result["overall"]
    console.print(f"Score {overall['old']} → {overall['new']} (change {overall['change']})")
    for title, key in (("By category", "by_category"), ("By account", "by_account")):
        table = Table(title=title)
        for column in ("", "old", "new", "change"):
            table.add_column(column)
        for name, row in result[key].items():
            table.add_row(name, str(row["old"]), str(row["new"]), str(row["change"]))
        console.print(table)
    for key, label in (("new_failures", "New failures"), ("regressed", "Regressed"), ("fixed", "Fixed"),
                       ("still_failing", "Still failing"), ("gone", "Failing resources no longer present")):
        console.print(f"[bold]{label}[/bold]: {result['counts'][key]}")
        for item in result[key][:50]:
            console.print(f"  {item['rule_id']}  {item['account_id']}/{item['region']}  {item['resource_name']}",
                          markup=False)


@rules_app.command("list")
def rules_list(
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    rules_dir: RulesDir = None,
) -> None:
    """Print the rule catalogue: id, service, category, severity, title."""
    from drcheck.pipeline import load_catalogue

    catalogue = load_catalogue(rules_dir or [])
    if as_json:
        rows = [{"id": r.id, "service": r.service, "category": r.category, "severity": r.severity,
                 "title": r.title, "resource_type": r.resource_type,
                 "references": r.references, "remediation": r.remediation,
                 "examples": [{"name": e["name"], "status": e["status"]} for e in r.examples]}
                for r in catalogue.rules]
        typer.echo(json.dumps(rows, indent=1))
        return
    table = Table(title=f"drcheck rules ({len(catalogue.rules)})")
    for column in ("id", "service", "category", "severity", "title"):
        table.add_column(column)
    for r in sorted(catalogue.rules, key=lambda r: (r.service, r.id)):
        table.add_row(r.id, r.service, r.category, r.severity, r.title)
    Console(width=200).print(table)


@rules_app.command("show")
def rules_show(rule_id: Annotated[str, typer.Argument(help="Rule id.")], rules_dir: RulesDir = None) -> None:
    """Print one rule in full: description, parameters, remediation, references."""
    from drcheck.pipeline import load_catalogue

    catalogue = load_catalogue(rules_dir or [])
    rule = next((r for r in catalogue.rules if r.id == rule_id), None)
    if rule is None:
        raise UserError(f"no rule with id {rule_id!r} (see: drcheck rules list)")
    console = Console()
    console.print(f"[bold]{rule.title}[/bold]  ({rule.id})", highlight=False)
    console.print(f"service {rule.service} · {rule.resource_type} · {rule.category} · {rule.severity}", highlight=False)
    console.print(rule.description, highlight=False)
    if rule.parameters:
        console.print("\n[bold]Parameters[/bold]")
        for name, spec in rule.parameters.items():
            console.print(f"  {name} = {spec['default']!r}: {spec['description']}", highlight=False)
    console.print("\n[bold]Remediation[/bold]\n" + rule.remediation["summary"], highlight=False)
    console.print("\nAWS CLI:\n" + rule.remediation["cli"], highlight=False, markup=False)
    console.print("\nTerraform:\n" + rule.remediation["terraform"], highlight=False, markup=False)
    refs = rule.references
    console.print("\n[bold]References[/bold]: " + ", ".join(
        refs.get("well_architected", []) + [f"Security Hub {c}" for c in refs.get("security_hub", [])]
        + refs.get("docs", [])), highlight=False)


@rules_app.command("check")
def rules_check(directory: Annotated[Path, typer.Argument(help="Directory of rule files.")]) -> None:
    """Validate a directory of custom rules and run their examples.

    Prints one line per problem (file:line: message) and exits 1 if there is any; a directory
    that is missing or holds no rule files is a usage error (exit 2).
    """
    from drcheck.collectors import all_collectors
    from drcheck.linkers import all_linkers
    from drcheck.paths import builtin_rules_dir
    from drcheck.ruleset.examples import example_failures
    from drcheck.ruleset.loader import check_rule_files, rule_files

    if not directory.is_dir():
        raise UserError(f"{directory}: rules directory not found")
    if not rule_files(directory):
        raise UserError(f"{directory}: no rule files (*.yaml) found")
    collectors, linkers = all_collectors(), all_linkers()
    builtin, _ = check_rule_files(builtin_rules_dir(), collectors=collectors, linkers=linkers)
    reserved = {} if directory.resolve() == builtin_rules_dir().resolve() else {r.id: r.source for r in builtin}
    rules, problems = check_rule_files(directory, collectors=collectors, linkers=linkers, reserved=reserved)
    problems += [line for rule in rules for line in example_failures(rule)]
    for line in problems:
        typer.echo(line, err=True)
    if problems:
        typer.echo(f"{len(problems)} problem(s) in {directory}", err=True)
        raise typer.Exit(1)
    typer.echo(f"{len(rules)} rule(s) valid, {sum(len(r.examples) for r in rules)} example(s) pass")


@app.command()
def permissions(
    rules_dir: RulesDir = None,
    only: Only = None,
    skip: Skip = None,
) -> None:
    """Print the least-privilege IAM policy the selected rules need (derived from the collectors)."""
    from drcheck.pipeline import load_catalogue

    catalogue = load_catalogue(rules_dir or [], only=only or [], skip=skip or [], objectives=not (only or skip))
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "DrcheckReadOnly", "Effect": "Allow", "Action": catalogue.plan().permissions(),
                       "Resource": "*"}],
    }
    typer.echo(json.dumps(policy, indent=2))


app.command("objectives")(objectives_command)
app.command("whatif")(whatif_command)

EXIT_INTERNAL_ERROR = 3


def main() -> None:
    """Entry point. Exit codes: 0 done; 1 a gate failed (--fail-under, --fail-on, rules check,
    doctor); 2 a problem with the user's input or environment (one line says what); 3 a bug."""
    try:
        app()
    except UserError as exc:
        Console(stderr=True, highlight=False).print("[red]drcheck:[/red] " + escape(str(exc)), soft_wrap=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        print("drcheck: interrupted", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:  # a bug in drcheck: say so in one line, keep the traceback for who asks
        if os.environ.get("DRCHECK_DEBUG"):
            raise
        print(f"drcheck: internal error: {type(exc).__name__}: {exc} (set DRCHECK_DEBUG=1 for details)",
              file=sys.stderr)
        sys.exit(EXIT_INTERNAL_ERROR)
