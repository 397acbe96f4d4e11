"""From options to what a run uses: config, catalogue, report options, accounts."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console

from drcheck.errors import UserError


def console_for(quiet: bool) -> Console:
    return Console(stderr=True, quiet=quiet)


@dataclass(frozen=True)
class Prepared:
    config: Any
    catalogue: Any
    options: Any
    template_dir: Path | None
    assess_options: Any = None


def with_assess_options(prepared: Prepared, suppressions: Path | None, baseline: Path | None, redact: bool,
                    fail_under: float | None, fail_on: str | None) -> Prepared:
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


def prepare_run(config_path: Path | None, rules_dir: list[Path] | None, only: list[str] | None, skip: list[str] | None,
             title: str | None, client: str | None, assessor: str | None, paper: str | None,
             template_dir: Path | None, logo: Path | None = None) -> Prepared:
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
    return Prepared(config, catalogue, options, template_dir)


def resolve_accounts(region, all_regions, profile, role_arn, external_id, org, org_role, accounts, include_account,
                     exclude_account, include_ou, exclude_ou, include_name, exclude_name, max_workers):
    """The reachable accounts (and the unreachable ones, with reasons) the scan options name."""
    from drcheck.collect.accounts import AccountFilters
    from drcheck.targets import TargetOptions, resolve_targets

    filters = AccountFilters(tuple(include_account or ()), tuple(exclude_account or ()), tuple(include_ou or ()),
                             tuple(exclude_ou or ()), tuple(include_name or ()), tuple(exclude_name or ()))
    return resolve_targets(TargetOptions(regions=list(region or []), all_regions=all_regions, profile=profile,
                                         role_arn=role_arn, external_id=external_id, org=org, org_role=org_role,
                                         accounts_file=accounts, filters=filters, max_workers=max_workers))
