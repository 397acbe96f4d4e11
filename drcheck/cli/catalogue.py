"""rules list / show / check, and permissions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from drcheck.cli.groups import grouped
from drcheck.cli.options import ORG_PANEL, Json, Only, OrgRole, RulesDir, Skip
from drcheck.errors import UserError
from drcheck.text import terminal_text


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
        # Custom rules are someone else's text: every cell goes through terminal_text.
        table.add_row(*(terminal_text(v) for v in (r.id, r.service, r.category, r.severity, r.title)))
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
    text = terminal_text  # a custom rule's every string is someone else's text

    def block(value: str) -> str:
        return text(value, keep_newlines=True)

    console.print(f"[bold]{text(rule.title)}[/bold]  ({text(rule.id)})", highlight=False)
    console.print(f"service {text(rule.service)} · {text(rule.resource_type)} · {text(rule.category)} · "
                  f"{text(rule.severity)}", highlight=False)
    console.print(block(rule.description), highlight=False)
    if rule.parameters:
        console.print("\n[bold]Parameters[/bold]")
        for name, spec in rule.parameters.items():
            console.print(f"  {text(name)} = {text(repr(spec['default']))}: {text(spec['description'])}",
                          highlight=False)
    console.print("\n[bold]Remediation[/bold]\n" + block(rule.remediation["summary"]), highlight=False)
    console.print("\nAWS CLI:\n" + block(rule.remediation["cli"]), highlight=False)
    console.print("\nTerraform:\n" + block(rule.remediation["terraform"]), highlight=False)
    refs = rule.references
    console.print("\n[bold]References[/bold]: " + ", ".join(text(r) for r in (
        refs.get("well_architected", []) + [f"Security Hub {c}" for c in refs.get("security_hub", [])]
        + refs.get("docs", []))), highlight=False)


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
    for line in problems:  # quotes the rule files' own text
        typer.echo(terminal_text(line, markup=False), err=True)
    if problems:
        typer.echo(f"{len(problems)} problem(s) in {directory}", err=True)
        raise typer.Exit(1)
    typer.echo(f"{len(rules)} rule(s) valid, {sum(len(r.examples) for r in rules)} example(s) pass")


@grouped
def permissions(
    rules_dir: RulesDir = None,
    only: Only = None,
    skip: Skip = None,
    org: Annotated[bool, typer.Option(
        "--org", rich_help_panel=ORG_PANEL,
        help="The policy for the management or delegated administrator account that runs `scan --org`: "
             "also the Organizations listing and sts:AssumeRole of --org-role.")] = False,
    org_role: OrgRole = "OrganizationAccountAccessRole",
) -> None:
    """Print the least-privilege IAM policy the selected rules need (derived from the declarations).

    Without --org: the policy for the role in each scanned account (one account, --all-regions,
    --accounts and the members of --org). The caller that assumes a role (--role-arn, --accounts)
    needs sts:AssumeRole on it as well.
    """
    from drcheck.pipeline import load_catalogue
    from drcheck.policy import policy

    catalogue = load_catalogue(rules_dir or [], only=only or [], skip=skip or [], objectives=not (only or skip))
    typer.echo(json.dumps(policy(catalogue.plan(), org=org, org_role=org_role), indent=2))
