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

app = typer.Typer(
    help="drcheck: would your AWS account survive a disaster? Read-only DR readiness checks and reports.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
rules_app = typer.Typer(help="Browse and check the rule catalogue.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")

OutputDir = Annotated[Path, typer.Option("--output-dir", "-o", help="Where to write the report files.")]
Formats = Annotated[str, typer.Option("--format", help="Comma-separated subset of html,pdf,json.")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary output.")]
RulesDir = Annotated[list[Path] | None, typer.Option("--rules-dir", help="Extra directory of rule files.")]
Only = Annotated[list[str] | None, typer.Option("--only", help="Run only these rule ids, services or categories.")]
Skip = Annotated[list[str] | None, typer.Option("--skip", help="Skip these rule ids, services or categories.")]
Client = Annotated[str | None, typer.Option("--client", help="Client name for the report.")]
Assessor = Annotated[str | None, typer.Option("--assessor", help="Who assessed, for the report.")]
Title = Annotated[str | None, typer.Option("--title", help="Report title.")]
Paper = Annotated[str | None, typer.Option("--paper", help="PDF paper size: a4 or letter.")]
TemplateDir = Annotated[Path | None, typer.Option("--template-dir", help="Directory overriding report templates.")]
ConfigPath = Annotated[Path | None, typer.Option("--config", help="Settings file (default: ./drcheck.yaml if present).")]


def _console(quiet: bool) -> Console:
    return Console(stderr=True, quiet=quiet)


@dataclass(frozen=True)
class _Prepared:
    config: Any
    catalogue: Any
    options: Any
    template_dir: Path | None


def _prepare(config_path: Path | None, rules_dir: list[Path] | None, only: list[str] | None, skip: list[str] | None,
             title: str | None, client: str | None, assessor: str | None, paper: str | None,
             template_dir: Path | None) -> _Prepared:
    """Config file, then CLI flags on top: the catalogue and report options a run uses."""
    from drcheck.config import check_parameters, load_config
    from drcheck.pipeline import load_catalogue
    from drcheck.report.view import ReportOptions

    config = load_config(config_path)
    report = config.report
    paper = (paper or report.get("paper") or "a4").lower()
    if paper not in ("a4", "letter"):
        raise UserError(f"--paper: {paper!r} is not a4 or letter")
    options = ReportOptions(title=title or report.get("title") or ReportOptions.title,
                            client=client or report.get("client"), assessor=assessor or report.get("assessor"),
                            paper=paper)
    dirs = [config.resolve(d) for d in config.rules.get("dirs", [])] + list(rules_dir or [])
    catalogue = load_catalogue(dirs, only=list(only or config.rules.get("only", [])),
                               skip=list(skip or config.rules.get("skip", [])))
    check_parameters(config.parameters, catalogue.rules, config.source)
    if template_dir is None and report.get("template_dir"):
        template_dir = config.resolve(report["template_dir"])
    return _Prepared(config, catalogue, options, template_dir)


@app.command()
def scan(
    region: Annotated[list[str] | None, typer.Option("--region", "-r", help="Region to scan (repeatable).")] = None,
    all_regions: Annotated[bool, typer.Option("--all-regions", help="Scan every Region enabled for the account.")] = False,
    profile: Annotated[str | None, typer.Option("--profile", help="AWS profile to use.")] = None,
    role_arn: Annotated[str | None, typer.Option("--role-arn", help="Assume this role first (client account).")] = None,
    external_id: Annotated[str | None, typer.Option("--external-id", help="External ID for --role-arn.")] = None,
    output_dir: OutputDir = Path("drcheck-report"),
    formats: Formats = "html,pdf,json",
    max_workers: Annotated[int, typer.Option("--max-workers", min=1, max=64, help="Concurrent API calls.")] = 16,
    rules_dir: RulesDir = None,
    only: Only = None,
    skip: Skip = None,
    client: Client = None,
    assessor: Assessor = None,
    title: Title = None,
    paper: Paper = None,
    template_dir: TemplateDir = None,
    config: ConfigPath = None,
    quiet: Quiet = False,
) -> None:
    """Scan an AWS account (read-only) and write the DR readiness report."""
    from drcheck.collect.session import base_session, client_config, make_client_factory, open_account
    from drcheck.runs import collect_and_report

    if all_regions and region:
        raise UserError("use either --region or --all-regions, not both")
    prepared = _prepare(config, rules_dir, only, skip, title, client, assessor, paper, template_dir)
    session = base_session(profile)
    account = open_account(session, regions=list(region or []), all_regions=all_regions, role_arn=role_arn,
                           external_id=external_id)
    collect_and_report(prepared.catalogue, [account], max_workers=max_workers,
                       client_factory=make_client_factory(client_config(max_workers)), output_dir=output_dir,
                       formats=formats, options=prepared.options, template_dir=prepared.template_dir,
                       parameters=prepared.config.parameters, console=_console(quiet))


@app.command()
def demo(
    output_dir: OutputDir = Path("drcheck-report"),
    formats: Formats = "html,pdf,json",
    quiet: Quiet = False,
) -> None:
    """Scan an emulated AWS account (no AWS account or network needed) and write the report."""
    from drcheck.demo.run import run_demo

    run_demo(output_dir=output_dir, formats=formats, quiet=quiet, console=_console(quiet))


@app.command()
def assess(
    inventory: Annotated[Path, typer.Argument(help="inventory.json from an earlier scan.")],
    output_dir: OutputDir = Path("drcheck-report"),
    formats: Formats = "html,pdf,json",
    rules_dir: RulesDir = None,
    only: Only = None,
    skip: Skip = None,
    client: Client = None,
    assessor: Assessor = None,
    title: Title = None,
    paper: Paper = None,
    template_dir: TemplateDir = None,
    config: ConfigPath = None,
    quiet: Quiet = False,
) -> None:
    """Evaluate a saved inventory without calling AWS, and write the same reports."""
    from drcheck.inventory import read_inventory
    from drcheck.pipeline import assess as run_assess
    from drcheck.report.outputs import parse_formats
    from drcheck.runs import report_and_summarise

    parse_formats(formats)
    prepared = _prepare(config, rules_dir, only, skip, title, client, assessor, paper, template_dir)
    data = read_inventory(inventory)
    assessment = run_assess(prepared.catalogue, data, parameters=prepared.config.parameters)
    report_and_summarise(assessment, output_dir, formats, prepared.options, prepared.template_dir, _console(quiet))


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

    catalogue = load_catalogue(rules_dir or [], only=only or [], skip=skip or [])
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "DrcheckReadOnly", "Effect": "Allow", "Action": catalogue.plan().permissions(),
                       "Resource": "*"}],
    }
    typer.echo(json.dumps(policy, indent=2))


def main() -> None:
    """Entry point: user errors print one line and exit 2; nothing prints a traceback unasked."""
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
        sys.exit(1)
