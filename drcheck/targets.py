"""From scan options to the accounts to collect: one account, an --accounts file, or an --org."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from drcheck import arns
from drcheck.collect.accounts import (
    DEFAULT_ORG_ROLE,
    AccountFilters,
    AccountSpec,
    accounts_from_file,
    accounts_from_organization,
    open_accounts,
)
from drcheck.collect.runner import AccountTarget
from drcheck.collect.session import base_session, caller_identity, check_region_names, open_account
from drcheck.errors import UserError


@dataclass(frozen=True)
class TargetOptions:
    regions: list[str] = field(default_factory=list)
    all_regions: bool = False
    profile: str | None = None
    role_arn: str | None = None
    external_id: str | None = None
    org: bool = False
    org_role: str = DEFAULT_ORG_ROLE
    accounts_file: Path | None = None
    filters: AccountFilters = AccountFilters()
    max_workers: int = 16


def resolve_targets(options: TargetOptions) -> tuple[list[AccountTarget], list[dict]]:
    """(reachable accounts, unreachable accounts with reasons). UserError when nothing can be scanned."""
    if options.all_regions and options.regions:
        raise UserError("use either --region or --all-regions, not both")
    if options.org and options.accounts_file:
        raise UserError("use either --org or --accounts FILE, not both")
    if options.role_arn and (options.org or options.accounts_file):
        raise UserError("--role-arn scans one account; with --org use --org-role, with --accounts put role_arn in the file")
    session = base_session(options.profile)
    if not (options.org or options.accounts_file):
        if options.filters != AccountFilters():
            raise UserError("account filters (--include-*/--exclude-*) need --org or --accounts")
        return [open_account(session, regions=options.regions, all_regions=options.all_regions,
                             role_arn=options.role_arn, external_id=options.external_id)], []
    home = options.regions[0] if options.regions else session.region_name
    if not home:
        raise UserError("No AWS Region: pass --region REGION, or set AWS_REGION or a region in your profile")
    check_region_names(session, options.regions or [home])
    identity = caller_identity(session, home)
    if options.org:
        specs = accounts_from_organization(session, home, options.org_role, options.external_id,
                                           arns.require(identity["Arn"], "the caller identity").partition,
                                           identity["Account"])
    elif options.accounts_file is not None:
        specs = accounts_from_file(options.accounts_file)
    else:  # ruled out above: a run without --org or --accounts returned already
        raise AssertionError("no account source")
    specs = [s for s in specs if options.filters.keep(s)]
    if not specs:
        raise UserError("no accounts left to scan after the include/exclude filters")
    reachable, unreachable = open_accounts(session, specs, regions=options.regions, all_regions=options.all_regions,
                                           max_workers=options.max_workers)
    if not reachable:
        reasons = "; ".join(f"{u['account_id']}: {u['reason']}" for u in unreachable[:3])
        raise UserError(f"none of the {len(specs)} account(s) could be reached ({reasons})")
    return reachable, unreachable


__all__ = ["AccountSpec", "TargetOptions", "resolve_targets"]
