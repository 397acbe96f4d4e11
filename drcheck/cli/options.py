"""Options shared by drcheck commands: Typer annotations, and the option groups commands take."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, ClassVar, Literal

import typer

from drcheck.cli.groups import option_group
from drcheck.errors import UserError

if TYPE_CHECKING:
    from drcheck.history import History

# Help panels: each group's options are listed together in --help.
ACCOUNT_PANEL = "AWS account"
ORG_PANEL = "Many accounts"
COLLECT_PANEL = "Collection"
RULES_PANEL = "Rules"
REPORT_PANEL = "Report"
ASSESS_PANEL = "Assessment"
OUTPUT_PANEL = "Output"
GENERAL_PANEL = "General"

# Every option that takes a value names it with a metavar (REGION, FILE, N): --help shows no Python types.
# drcheck.report.outputs.FORMATS and DEFAULT_FORMATS, literal for a fast --help (a test keeps them equal)
FORMAT_NAMES = ("html", "pdf", "json", "csv", "md", "fixes", "sarif", "ocsf", "asff", "junit")
DEFAULT_FORMATS = "html,pdf,json,csv,md,fixes"  # the interchange formats are written only when asked for
PaperSize = Literal["a4", "letter"]
Severity = Literal["critical", "high", "medium", "low"]  # drcheck.model.SEVERITIES (a test keeps them equal)

OutputDir = Annotated[Path, typer.Option("--output-dir", "-o", metavar="DIR", help="Where to write the report files.",
                                         rich_help_panel=OUTPUT_PANEL)]
Formats = Annotated[str, typer.Option("--format", metavar="FORMATS", rich_help_panel=OUTPUT_PANEL,
                                      help=f"Comma-separated, from: {', '.join(FORMAT_NAMES)}.")]
Stdout = Annotated[bool, typer.Option("--stdout", rich_help_panel=OUTPUT_PANEL,
                                      help="Print the one --format (default json) on stdout instead of writing "
                                           "files (same as -o -).")]
HistoryPath = Annotated[Path | None, typer.Option("--history", metavar="FILE", rich_help_panel=OUTPUT_PANEL,
                                                  help="Run history database (default: $DRCHECK_HISTORY, else "
                                                       "history.sqlite3 in the user data folder).")]
NoHistory = Annotated[bool, typer.Option("--no-history", help="Do not record this run in the run history.",
                                         rich_help_panel=OUTPUT_PANEL)]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary output.",
                                     rich_help_panel=OUTPUT_PANEL)]
RulesDir = Annotated[list[Path] | None, typer.Option("--rules-dir", metavar="DIR", rich_help_panel=RULES_PANEL,
                                                     help="Extra directory of rule files (repeatable).")]
Only = Annotated[list[str] | None, typer.Option("--only", metavar="SELECTOR", rich_help_panel=RULES_PANEL,
                                                help="Run only these rules (repeatable): rule:ID, service:NAME, "
                                                     "category:NAME, or a bare name, which selects the rule, "
                                                     "service and category of that name.")]
Skip = Annotated[list[str] | None, typer.Option("--skip", metavar="SELECTOR", rich_help_panel=RULES_PANEL,
                                                help="Skip these rules (repeatable): rule:ID, service:NAME, "
                                                     "category:NAME, or a bare name (rule, service and category "
                                                     "of that name).")]
ConfigPath = Annotated[Path | None, typer.Option("--config", metavar="FILE", rich_help_panel=RULES_PANEL,
                                                 help="Settings file (default: ./drcheck.yaml if present).")]
Client = Annotated[str | None, typer.Option("--client", metavar="NAME", help="Client name for the report.",
                                            rich_help_panel=REPORT_PANEL)]
Assessor = Annotated[str | None, typer.Option("--assessor", metavar="NAME", help="Who assessed, for the report.",
                                              rich_help_panel=REPORT_PANEL)]
Title = Annotated[str | None, typer.Option("--title", metavar="TEXT", help="Report title.",
                                           rich_help_panel=REPORT_PANEL)]
Paper = Annotated[PaperSize | None, typer.Option("--paper", case_sensitive=False, help="PDF paper size (default a4).",
                                                 rich_help_panel=REPORT_PANEL)]
Logo = Annotated[Path | None, typer.Option("--logo", metavar="FILE", help="PNG, JPEG or SVG logo for the report cover.",
                                           rich_help_panel=REPORT_PANEL)]
TemplateDir = Annotated[Path | None, typer.Option("--template-dir", metavar="DIR", rich_help_panel=REPORT_PANEL,
                                                  help="Directory overriding report templates.")]
SuppressionsFile = Annotated[Path | None, typer.Option("--suppressions", metavar="FILE", rich_help_panel=ASSESS_PANEL,
                                                       help="YAML file of accepted risks.")]
Baseline = Annotated[Path | None, typer.Option("--baseline", metavar="PATH", rich_help_panel=ASSESS_PANEL,
                                               help="Earlier findings.json or report folder to compare with, or a "
                                                    "recorded run: @ID or @last.")]
FailUnder = Annotated[float | None, typer.Option("--fail-under", min=0, max=100, metavar="SCORE",
                                                 rich_help_panel=ASSESS_PANEL, help="Exit 1 if the score is below this.")]
FailOn = Annotated[Severity | None, typer.Option("--fail-on", case_sensitive=False, rich_help_panel=ASSESS_PANEL,
                                                 help="Exit 1 on any FAIL or UNKNOWN of this severity or worse.")]
MinCoverage = Annotated[float | None, typer.Option(
    "--min-coverage", min=0, max=100, metavar="PCT", rich_help_panel=ASSESS_PANEL,
    help="Exit 1 if coverage (findings with a PASS or FAIL verdict, in %) is below this.")]
AllowUnknown = Annotated[bool, typer.Option("--allow-unknown", rich_help_panel=ASSESS_PANEL,
                                            help="--fail-on counts FAIL only (by default an UNKNOWN of that "
                                                 "severity fails it too).")]
Redact = Annotated[bool, typer.Option("--redact", rich_help_panel=ASSESS_PANEL,
                                      help="Pseudonymise account ids and resource names in every output "
                                           "(HMAC key: DRCHECK_REDACT_KEY, else a file in ~/.config/drcheck).")]

Regions = Annotated[list[str] | None, typer.Option("--region", "-r", metavar="REGION", rich_help_panel=ACCOUNT_PANEL,
                                                   help="Region to scan (repeatable; default: AWS_REGION or the "
                                                        "profile's Region).")]
AllRegions = Annotated[bool, typer.Option("--all-regions", help="Scan every Region enabled for each account.",
                                          rich_help_panel=ACCOUNT_PANEL)]
Profile = Annotated[str | None, typer.Option("--profile", "-p", metavar="NAME", envvar="AWS_PROFILE", show_envvar=True,
                                             help="AWS profile to use.", rich_help_panel=ACCOUNT_PANEL)]
RoleArn = Annotated[str | None, typer.Option("--role-arn", metavar="ARN", rich_help_panel=ACCOUNT_PANEL,
                                             help="Assume this role first (one client account).")]
ExternalId = Annotated[str | None, typer.Option("--external-id", metavar="ID", rich_help_panel=ACCOUNT_PANEL,
                                                help="External ID for the role(s) assumed.")]
EndpointUrl = Annotated[str | None, typer.Option("--endpoint-url", metavar="URL", envvar="AWS_ENDPOINT_URL",
                                                 show_envvar=True, rich_help_panel=ACCOUNT_PANEL,
                                                 help="Send every AWS call to this endpoint (an emulator, a proxy).")]
Org = Annotated[bool, typer.Option("--org", help="Scan every account of the AWS Organization.",
                                   rich_help_panel=ORG_PANEL)]
OrgRole = Annotated[str, typer.Option("--org-role", metavar="NAME", rich_help_panel=ORG_PANEL,
                                      help="Role to assume in each organization account.")]
AccountsFile = Annotated[Path | None, typer.Option("--accounts", metavar="FILE", rich_help_panel=ORG_PANEL,
                                                   help="YAML list: account_id, role_arn, external_id, name.")]
IncludeAccount = Annotated[list[str] | None, typer.Option("--include-account", metavar="ID", rich_help_panel=ORG_PANEL,
                                                          help="Only these account ids.")]
ExcludeAccount = Annotated[list[str] | None, typer.Option("--exclude-account", metavar="ID", rich_help_panel=ORG_PANEL,
                                                          help="Skip these account ids.")]
IncludeOu = Annotated[list[str] | None, typer.Option("--include-ou", metavar="OU", rich_help_panel=ORG_PANEL,
                                                     help="Only accounts under this OU (id or name).")]
ExcludeOu = Annotated[list[str] | None, typer.Option("--exclude-ou", metavar="OU", rich_help_panel=ORG_PANEL,
                                                     help="Skip accounts under this OU (id or name).")]
IncludeName = Annotated[list[str] | None, typer.Option("--include-name", metavar="GLOB", rich_help_panel=ORG_PANEL,
                                                       help="Only account names matching.")]
ExcludeName = Annotated[list[str] | None, typer.Option("--exclude-name", metavar="GLOB", rich_help_panel=ORG_PANEL,
                                                       help="Skip account names matching.")]
MaxWorkers = Annotated[int, typer.Option("--max-workers", min=1, max=64, metavar="N", rich_help_panel=COLLECT_PANEL,
                                         help="Concurrent API calls.")]
MaxRate = Annotated[float | None, typer.Option("--max-rate", min=0.1, metavar="RATE", rich_help_panel=COLLECT_PANEL,
                                               help="Max requests/second per API, Region and account.")]
CallDeadline = Annotated[str | None, typer.Option(
    "--call-deadline", metavar="DURATION", rich_help_panel=COLLECT_PANEL,
    help="Longest one AWS call may take, retries included (e.g. 90s, 2m; default 2m); a call past it is UNKNOWN.")]
ScanDeadline = Annotated[str | None, typer.Option(
    "--scan-deadline", metavar="DURATION", rich_help_panel=COLLECT_PANEL,
    help="Longest the whole collection may take (e.g. 30m, 2h; default none); what is left is UNKNOWN and the "
         "report is still written.")]
Debug = Annotated[bool, typer.Option("--debug", envvar="DRCHECK_DEBUG", show_envvar=True, rich_help_panel=GENERAL_PANEL,
                                     help="Show tracebacks and botocore's request log.")]
NoColor = Annotated[bool, typer.Option("--no-color", rich_help_panel=GENERAL_PANEL,
                                       help="No colours (also when NO_COLOR is set).")]
Json = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


# Option groups: each command takes the groups it needs as parameters (see groups.py); the fields
# keep the names of the options above. A group's `reads` names the environment variables behind it
# (listed in each command's --help); `environment()` gives variables to set while the command runs.

@option_group
@dataclass(frozen=True)
class AccountOptions:
    """Which credentials and Regions: the caller's account, or one reached through --role-arn."""

    reads: ClassVar[tuple[str, ...]] = ("AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL",
                                        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                                        "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE")

    region: Regions = None
    all_regions: AllRegions = False
    profile: Profile = None
    role_arn: RoleArn = None
    external_id: ExternalId = None
    endpoint_url: EndpointUrl = None

    @property
    def regions(self) -> list[str]:
        return list(self.region or [])

    def environment(self) -> dict[str, str]:
        """--endpoint-url is AWS_ENDPOINT_URL: botocore reads it for every client it makes, including
        STS, Organizations and the clients of assumed-role sessions."""
        if not self.endpoint_url:
            return {}
        if not self.endpoint_url.startswith(("http://", "https://")):
            raise UserError(f"--endpoint-url: {self.endpoint_url!r} is not an http:// or https:// URL")
        return {"AWS_ENDPOINT_URL": self.endpoint_url}


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
    """How collection runs: concurrency, request pacing and deadlines."""

    reads: ClassVar[tuple[str, ...]] = ("AWS_MAX_ATTEMPTS",)

    max_workers: MaxWorkers = 16
    max_rate: MaxRate = None
    call_deadline: CallDeadline = None
    scan_deadline: ScanDeadline = None


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

    reads: ClassVar[tuple[str, ...]] = ("DRCHECK_REDACT_KEY",)

    suppressions: SuppressionsFile = None
    baseline: Baseline = None
    fail_under: FailUnder = None
    fail_on: FailOn = None
    min_coverage: MinCoverage = None
    allow_unknown: AllowUnknown = False
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

    reads: ClassVar[tuple[str, ...]] = ("DRCHECK_HISTORY",)

    history: HistoryPath = None
    no_history: NoHistory = False

    def open(self) -> History | None:
        """The history database (created if missing; one line if unusable), or None with --no-history."""
        if self.no_history:
            return None
        from drcheck.history import open_history

        return open_history(self.history)


@option_group
@dataclass(frozen=True)
class GlobalOptions:
    """Accepted by every command (and before it: `drcheck --debug scan`); added by @grouped."""

    reads: ClassVar[tuple[str, ...]] = ("DRCHECK_DEBUG", "NO_COLOR")

    debug: Debug = False
    no_color: NoColor = False

    def environment(self) -> dict[str, str]:
        # rich (every console of ours, and Typer's) and the PDF worker honour NO_COLOR.
        return {"NO_COLOR": "1"} if self.no_color else {}
