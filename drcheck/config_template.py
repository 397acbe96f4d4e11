"""`drcheck init`: a commented drcheck.yaml with every setting at its default (docs/configuration.md)."""

from __future__ import annotations

import os
from pathlib import Path

from drcheck.errors import UserError

CONFIG_TEMPLATE = """\
# drcheck settings. Every key is optional; flags on the command line win over this file.
# Reference: docs/configuration.md. Paths are relative to this file's folder.
# Each value below is drcheck's default, so this file changes nothing until you edit it.

rules:
  # Override rule parameters: `drcheck rules show RULE-ID` lists a rule's parameters.
  # e.g.  rds-instance-backup-enabled: {min_retention_days: 14}
  parameters: {}
  # Run only these rule ids, services (rds) or categories (backup); empty runs every rule.
  # A narrowed run does not estimate recovery objectives.
  only: []
  # Leave out these rule ids, services or categories.
  skip: []
  # Extra directories of your own rules (check them with `drcheck rules check DIR`).
  dirs: []

report:
  # Shown on the cover and in the running header (empty: not shown).
  client: ""
  assessor: ""
  title: Disaster-recovery readiness report
  # PDF paper size: a4 or letter.
  paper: a4
  # PNG, JPEG or SVG logo for the cover, at most 1 MB (empty: none).
  logo: ""
  # A directory of templates overriding the built-in ones by file name (empty: none).
  template_dir: ""

# Recovery objectives: how resources are grouped into workloads (docs/objectives.md).
workloads:
  # Tag keys (any case) whose value names a resource's workload.
  tag_keys: [workload, app, application, service]
  # Group untagged resources by their CloudFormation stack.
  cloudformation_stacks: true
  # The tier of a workload that names none.
  default_tier: standard
  # Workloads defined here instead of by tags, e.g.
  #   payments:
  #     tier: critical
  #     resources: ["arn:aws:rds:*:*:db:pay-*"]
  #     tags: {team: payments}
  define: {}

# Recovery tiers: drcheck ships critical (RPO 15m, RTO 1h), important (1h, 4h) and
# standard (24h, 24h); entries here add tiers or override those, e.g.
#   gold: {rpo: 5m, rto: 30m, description: card payments}
tiers: {}

# How long collection may take; past a deadline what is missing is UNKNOWN and the report is
# still written. A duration (90s, 2m, 1h) or "none".
collect:
  # Longest one AWS call may take, retries included.
  call_deadline: 2m
  # Longest the whole collection may take.
  scan_deadline: none
"""


def write_config(path: Path, force: bool = False) -> Path:
    """Write the template to `path`; an existing file is kept unless `force`."""
    if path.exists() and not force:
        raise UserError(f"{path} already exists (use --force to overwrite it)")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f".{path.name}.tmp")
        temp.write_text(CONFIG_TEMPLATE, encoding="utf-8")
        os.replace(temp, path)
    except OSError as exc:
        raise UserError(f"Cannot write {path}: {exc.strerror or exc}") from None
    return path
