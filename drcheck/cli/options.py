"""Options shared by drcheck commands (Typer annotations)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from drcheck.cli.groups import option_group

if TYPE_CHECKING:
    from drcheck.history import History

OutputDir = Annotated[Path, typer.Option("--output-dir", "-o", help="Where to write the report files.")]
Formats = Annotated[str, typer.Option("--format", help="Comma-separated: html,pdf,json,csv,md (the default), "
                                                       "sarif, ocsf, asff, junit.")]
DEFAULT_FORMATS = "html,pdf,json,csv,md"  # drcheck.report.outputs.FORMATS, kept literal for a fast --help
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary output.")]
Stdout = Annotated[bool, typer.Option("--stdout", help="Print the one --format (default json) on stdout instead "
                                                       "of writing files (same as -o -).")]
HistoryPath = Annotated[Path | None, typer.Option("--history", help="Run history database (default: $DRCHECK_HISTORY, "
                                                                    "else history.sqlite3 in the user data folder).")]
NoHistory = Annotated[bool, typer.Option("--no-history", help="Do not record this run in the run history.")]
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
Baseline = Annotated[Path | None, typer.Option("--baseline", help="Earlier findings.json or report dir to compare "
                                                                 "with, or a recorded run: @ID or @last.")]
FailUnder = Annotated[float | None, typer.Option("--fail-under", min=0, max=100, help="Exit 1 if the score is below this.")]
FailOn = Annotated[str | None, typer.Option("--fail-on", help="Exit 1 on any FAIL of this severity or worse.")]
Redact = Annotated[bool, typer.Option("--redact", help="Pseudonymise account ids and resource names in every output.")]
ConfigPath = Annotated[Path | None, typer.Option("--config", help="Settings file (default: ./drcheck.yaml if present).")]


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


# Option groups: each command takes the groups it needs as parameters (see groups.py); the fields
# keep the names of the options above.

@option_group
@dataclass(frozen=True)
class AccountOptions:
    """Which credentials and Regions: the caller's account, or one reached through --role-arn."""

    region: Regions = None
    all_regions: AllRegions = False
    profile: Profile = None
    role_arn: RoleArn = None
    external_id: ExternalId = None

    @property
    def regions(self) -> list[str]:
        return list(self.region or [])


@option_group
@dataclass(frozen=True)
class OrgOptions:
    """Many accounts: an organization or an accounts file, narrowed by filters."""

    org: Org = False
    org_role: OrgRole = "OrganizationAccountAccessRole"
    accounts: AccountsFile = None
    include_account: IncludeAccount = None
    exclude_account: ExcludeAccount = None
    include_ou: IncludeOu = None
    exclude_ou: ExcludeOu = None
    include_name: IncludeName = None
    exclude_name: ExcludeName = None


@option_group
@dataclass(frozen=True)
class CollectOptions:
    """How collection runs: concurrency and request pacing."""

    max_workers: MaxWorkers = 16
    max_rate: MaxRate = None


@option_group
@dataclass(frozen=True)
class RuleOptions:
    """Which rules, and the settings file they and the report read."""

    rules_dir: RulesDir = None
    only: Only = None
    skip: Skip = None
    config: ConfigPath = None


@option_group
@dataclass(frozen=True)
class ReportFlags:
    """The report's details, on top of the settings file (prepare.report_options builds ReportOptions)."""

    client: Client = None
    assessor: Assessor = None
    title: Title = None
    paper: Paper = None
    template_dir: TemplateDir = None
    logo: Logo = None


@option_group
@dataclass(frozen=True)
class AssessFlags:
    """What an assessment adds to the rules: accepted risks, a baseline, CI gates, redaction."""

    suppressions: SuppressionsFile = None
    baseline: Baseline = None
    fail_under: FailUnder = None
    fail_on: FailOn = None
    redact: Redact = False


@option_group
@dataclass(frozen=True)
class OutputOptions:
    """Where the reports go, in which formats, and how much is said on the way."""

    output_dir: OutputDir = Path("drcheck-report")
    formats: Formats = DEFAULT_FORMATS
    quiet: Quiet = False
    stdout: Stdout = False

    def destination(self) -> Path:
        """The output folder, or `-` (drcheck.runs.STDOUT) for machine output on stdout."""
        return Path("-") if self.stdout else self.output_dir

    def chosen_formats(self) -> str:
        """The formats to render: on stdout exactly one, json unless --format names another."""
        if self.destination() != Path("-"):
            return self.formats
        from drcheck.runs import stdout_format

        return stdout_format(self.formats, self.formats == DEFAULT_FORMATS)


@option_group
@dataclass(frozen=True)
class HistoryOptions:
    """Where runs are recorded for `drcheck history`, trends and `--baseline @ID`, or not at all."""

    history: HistoryPath = None
    no_history: NoHistory = False

    def open(self) -> History | None:
        """The history database (created if missing; one line if unusable), or None with --no-history."""
        if self.no_history:
            return None
        from drcheck.history import open_history

        return open_history(self.history)
