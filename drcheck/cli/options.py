"""Options shared by drcheck commands (Typer annotations)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

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
