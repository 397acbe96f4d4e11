"""rules list / show / check, and permissions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from drcheck.cli.groups import grouped
from drcheck.cli.options import Json, Only, RulesDir, Skip
from drcheck.errors import UserError


@grouped
def rules_list(
    as_json: Json = False,
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


@grouped
def rules_show(rule_id: Annotated[str, typer.Argument(metavar="RULE_ID", help="Rule id (see: drcheck rules list).")],
               rules_dir: RulesDir = None) -> None:
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


@grouped
def rules_check(directory: Annotated[Path, typer.Argument(metavar="DIR", help="Directory of rule files.")]) -> None:
    """Validate a directory of custom rules and run their examples.

    Prints one line per problem (file:line: message) and exits 1 if there is any; a directory
    that is missing or holds no rule files is a usage error (exit 2).
    """
    from drcheck.collectors import all_collectors
    from drcheck.linkers import load_linkers
    from drcheck.paths import builtin_rules_dir
    from drcheck.ruleset.examples import example_failures
    from drcheck.ruleset.loader import check_rule_files, rule_files

    if not directory.is_dir():
        raise UserError(f"{directory}: rules directory not found")
    if not rule_files(directory):
        raise UserError(f"{directory}: no rule files (*.yaml) found")
    collectors, linkers = all_collectors(), load_linkers()
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


@grouped
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
