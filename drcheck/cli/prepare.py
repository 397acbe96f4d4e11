"""From option groups to what a run uses: config, catalogue, report options, assess options, accounts."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from rich.console import Console

from drcheck.cli.options import (
    AccountOptions,
    AssessFlags,
    CollectOptions,
    HistoryOptions,
    OrgOptions,
    ReportFlags,
    RuleOptions,
)
from drcheck.errors import UserError


def console_for(quiet: bool) -> Console:
    return Console(stderr=True, quiet=quiet)


def announce_config(config: Any, quiet: bool = False) -> None:
    """Say when ./drcheck.yaml was picked up from the working directory: it sets rules, parameters
    and report templates, and a checkout someone else prepared may carry one."""
    from drcheck.text import terminal_text

    if getattr(config, "from_working_dir", False) and config.source is not None:
        console_for(quiet).print(f"Using settings from {terminal_text(config.source.resolve())} (found in the working "
                                 "directory; --config FILE names another)", highlight=False, soft_wrap=True)


@dataclass(frozen=True)
class Prepared:
    config: Any
    catalogue: Any
    options: Any
    template_dir: Path | None
    assess_options: Any = None


def with_assess_options(prepared: Prepared, flags: AssessFlags, recording: HistoryOptions | None = None,
                        command: str = "assess", output_dir: Path | None = None) -> Prepared:
    """Read the files behind --suppressions / --baseline, open the run history and check the gates
    before any work. Without --baseline, the previous run of the same scope in `output_dir` is the
    baseline."""
    from drcheck.diff import read_findings
    from drcheck.history import resolve_baseline
    from drcheck.model import SEVERITIES
    from drcheck.redact import Redactor, redaction_key
    from drcheck.runs import AssessOptions
    from drcheck.suppressions import load_suppressions

    if flags.fail_on is not None and flags.fail_on not in SEVERITIES:
        raise UserError(f"--fail-on: {flags.fail_on!r} is not one of {', '.join(SEVERITIES)}")
    history = recording.open() if recording is not None else None
    baseline_ref = str(flags.baseline) if flags.baseline and str(flags.baseline).startswith("@") else None
    if baseline_ref is not None:
        if history is None:
            raise UserError(f"--baseline {baseline_ref} names a run in the history: drop --no-history")
        if baseline_ref != "@last":
            resolve_baseline(baseline_ref, history, {})  # a missing run is refused before any work
    options = AssessOptions(
        parameters=prepared.config.parameters,
        suppressions=load_suppressions(flags.suppressions) if flags.suppressions else None,
        baseline=read_findings(flags.baseline) if flags.baseline and baseline_ref is None else None,
        redactor=Redactor(redaction_key()) if flags.redact else None,
        fail_under=flags.fail_under,
        fail_on=flags.fail_on,
        min_coverage=flags.min_coverage,
        allow_unknown=flags.allow_unknown,
        history=history,
        baseline_ref=baseline_ref,
        command=command,
        previous_runs=output_dir if not flags.baseline else None,
    )
    return replace(prepared, assess_options=options)


def report_options(config: Any, flags: ReportFlags) -> Any:
    """ReportOptions: the flags, over the settings file's `report:` section, over the defaults."""
    from drcheck.report.logo import logo_data_url
    from drcheck.report.view import ReportOptions
    from drcheck.yamlfile import has_lone_surrogate

    for flag, value in (("--title", flags.title), ("--client", flags.client), ("--assessor", flags.assessor)):
        # Bytes that are not UTF-8 reach Python as lone surrogates, which no report file can hold.
        if value and has_lone_surrogate(value):
            raise UserError(f"{flag}: the text is not valid UTF-8 (check the terminal's or the script's encoding)")
    report = config.report
    logo = flags.logo or (config.resolve(report["logo"]) if report.get("logo") else None)
    paper = (flags.paper or report.get("paper") or "a4").lower()
    if paper not in ("a4", "letter"):
        raise UserError(f"--paper: {paper!r} is not a4 or letter")
    return ReportOptions(title=flags.title or report.get("title") or ReportOptions.title,
                         client=flags.client or report.get("client"),
                         assessor=flags.assessor or report.get("assessor"),
                         paper=paper, logo=logo_data_url(logo) if logo else None)


def prepare_run(rules: RuleOptions, report: ReportFlags | None = None, *, quiet: bool = False) -> Prepared:
    """Config file, then CLI flags on top: the catalogue and report options a run uses."""
    from drcheck.config import check_parameters, load_config
    from drcheck.objectives.settings import settings_from_config
    from drcheck.pipeline import load_catalogue
    from drcheck.report.render import check_template_dir

    config = load_config(rules.config)
    report = report or ReportFlags()
    options = report_options(config, report)
    dirs = [config.resolve(d) for d in config.rules.get("dirs", [])] + list(rules.rules_dir or [])
    only = list(rules.only or config.rules.get("only", []))
    skip = list(rules.skip or config.rules.get("skip", []))
    # Recovery objectives need the whole picture; a run narrowed with --only/--skip checks just the
    # selected rules (and `drcheck permissions` then asks for just their calls).
    catalogue = load_catalogue(dirs, only=only, skip=skip, objectives=not (only or skip),
                               objectives_settings=settings_from_config(config))
    # Parameters of a rule this run leaves out (--only/--skip) are checked, not refused.
    check_parameters(config.parameters, catalogue.available or catalogue.rules, config.source)
    template_dir, named_by = report.template_dir, "--template-dir"
    if template_dir is None and config.report.get("template_dir"):
        template_dir = config.resolve(config.report["template_dir"])
        named_by = f"{config.source}: report.template_dir"
    if template_dir is not None:  # a folder that is not there is a mistake, not "use the built-in ones"
        check_template_dir(template_dir, named_by)
    announce_config(config, quiet)  # once it is usable: a refused file is one line naming it
    return Prepared(config, catalogue, options, template_dir)


def resolve_accounts(account: AccountOptions, org: OrgOptions | None = None,
                     collect: CollectOptions | None = None) -> tuple[list, list[dict]]:
    """The reachable accounts (and the unreachable ones, with reasons) the options name."""
    from drcheck.collect.accounts import AccountFilters
    from drcheck.targets import TargetOptions, resolve_targets

    org = org or OrgOptions(org_role="")
    collect = collect or CollectOptions(max_workers=1)
    filters = AccountFilters(tuple(org.include_account or ()), tuple(org.exclude_account or ()),
                             tuple(org.include_ou or ()), tuple(org.exclude_ou or ()),
                             tuple(org.include_name or ()), tuple(org.exclude_name or ()))
    return resolve_targets(TargetOptions(regions=account.regions, all_regions=account.all_regions,
                                         profile=account.profile, role_arn=account.role_arn,
                                         external_id=account.external_id, org=org.org, org_role=org.org_role,
                                         accounts_file=org.accounts, filters=filters,
                                         max_workers=collect.max_workers))


def collection_deadlines(collect: CollectOptions, config: Any = None) -> Any:
    """Call and scan deadlines: the flags, else drcheck.yaml's `collect:` section, else the defaults."""
    from drcheck.collect.workers import resolve_deadlines

    return resolve_deadlines(collect.call_deadline, collect.scan_deadline, getattr(config, "collect", None))


def client_factory(collect: CollectOptions, deadlines: Any = None) -> Any:
    """The scan's client factory: retries, pool size, pacing and timeouts from the collection options."""
    from drcheck.collect.session import client_config, make_client_factory

    call = deadlines.call if deadlines is not None else None
    return make_client_factory(client_config(collect.max_workers, call_deadline=call), collect.max_rate)
