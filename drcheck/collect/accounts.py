"""Which accounts to scan: the caller's own, an explicit list (--accounts FILE) or an AWS Organization.

An account that cannot be reached (role missing, SCP deny, account suspended) is reported with
its reason and never stops the others.
"""

from __future__ import annotations

import concurrent.futures as cf
import fnmatch
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from drcheck import arns
from drcheck.collect.runner import AccountTarget
from drcheck.collect.session import assume_role_with, caller_identity, enabled_regions, read_only_client
from drcheck.errors import UserError
from drcheck.yamlfile import check_schema, read_yaml

DEFAULT_ORG_ROLE = "OrganizationAccountAccessRole"
# The organization discovery calls below (the read-only guard allows these and nothing else here).
ORGANIZATION_OPERATIONS = {"organizations": ("ListAccounts", "ListRoots", "ListAccountsForParent",
                                             "ListOrganizationalUnitsForParent")}

ACCOUNTS_FILE_SCHEMA: dict = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "additionalProperties": False,
        "required": ["account_id"],
        "properties": {
            "account_id": {"type": "string", "pattern": "^[0-9]{12}$"},
            "role_arn": {"type": "string", "pattern": "^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+"},
            "external_id": {"type": "string"},
            "name": {"type": "string"},
        },
    },
}


@dataclass(frozen=True)
class AccountSpec:
    """An account to scan and how to get in (no role: use the caller's own credentials)."""

    account_id: str
    role_arn: str | None = None
    external_id: str | None = None
    name: str | None = None
    ou_path: tuple[str, ...] = ()


@dataclass(frozen=True)
class AccountFilters:
    include_ids: tuple[str, ...] = ()
    exclude_ids: tuple[str, ...] = ()
    include_ous: tuple[str, ...] = ()
    exclude_ous: tuple[str, ...] = ()
    include_names: tuple[str, ...] = ()  # glob patterns
    exclude_names: tuple[str, ...] = ()

    def keep(self, spec: AccountSpec) -> bool:
        def by_name(patterns: tuple[str, ...]) -> bool:
            return any(fnmatch.fnmatchcase(spec.name or "", p) for p in patterns)

        def by_ou(ous: tuple[str, ...]) -> bool:
            return any(ou in spec.ou_path for ou in ous)

        included = not (self.include_ids or self.include_ous or self.include_names) or (
            spec.account_id in self.include_ids or by_ou(self.include_ous) or by_name(self.include_names))
        excluded = spec.account_id in self.exclude_ids or by_ou(self.exclude_ous) or by_name(self.exclude_names)
        return included and not excluded


def accounts_from_file(path: Path) -> list[AccountSpec]:
    data = read_yaml(path, "accounts file")
    if isinstance(data, dict) and "accounts" in data:
        data = data["accounts"]
    check_schema(data, ACCOUNTS_FILE_SCHEMA, path, "accounts file")
    first: dict[str, int] = {}
    for number, entry in enumerate(data, start=1):
        # Scanning an account twice doubles its findings (and its weight in the score): refuse it.
        if entry["account_id"] in first:
            raise UserError(f"Accounts file {path}: account {entry['account_id']} is listed twice (entries "
                            f"{first[entry['account_id']]} and {number}); list each account once")
        first[entry["account_id"]] = number
    return [AccountSpec(a["account_id"], a.get("role_arn"), a.get("external_id"), a.get("name")) for a in data]


def accounts_from_organization(session: Any, region: str, role_name: str, external_id: str | None,
                               partition: str, caller_account: str) -> list[AccountSpec]:
    """Active accounts of the caller's AWS Organization (management or delegated administrator).

    The caller's own account is scanned with the caller's credentials: the organization role
    exists only in member accounts.
    """
    org = read_only_client(session, "organizations", region)
    try:
        accounts = org.get_paginator("list_accounts").paginate().build_full_result()["Accounts"]
        ou_paths = _ou_paths(org)
    except ClientError as exc:
        error = exc.response.get("Error", {})
        raise UserError(f"Cannot list the organization's accounts ({error.get('Code')}): run --org from the "
                        "management account or a delegated administrator") from None
    except BotoCoreError as exc:
        raise UserError(f"Cannot list the organization's accounts: {exc}") from None
    return [
        AccountSpec(account_id=a["Id"], name=a.get("Name"), external_id=external_id,
                    role_arn=None if a["Id"] == caller_account else f"arn:{partition}:iam::{a['Id']}:role/{role_name}",
                    ou_path=ou_paths.get(a["Id"], ()))
        for a in accounts if a.get("Status", "ACTIVE") == "ACTIVE"
    ]


def _ou_paths(org: Any) -> dict[str, tuple[str, ...]]:
    """account id -> ids and names of every OU above it (so filters take either)."""
    paths: dict[str, tuple[str, ...]] = {}
    roots = org.list_roots()["Roots"]
    queue: list[tuple[str, tuple[str, ...]]] = [(root["Id"], ()) for root in roots]
    while queue:
        parent, above = queue.pop()
        for account in org.get_paginator("list_accounts_for_parent").paginate(ParentId=parent).build_full_result()[
                "Accounts"]:
            paths[account["Id"]] = above
        units = org.get_paginator("list_organizational_units_for_parent").paginate(
            ParentId=parent).build_full_result()["OrganizationalUnits"]
        for unit in units:
            queue.append((unit["Id"], (*above, unit["Id"], unit.get("Name", ""))))
    return paths


def open_accounts(
    session: Any,
    specs: list[AccountSpec],
    *,
    regions: list[str],
    all_regions: bool,
    max_workers: int = 8,
) -> tuple[list[AccountTarget], list[dict]]:
    """Assume into each account and settle its Regions; unreachable accounts come back with a reason.

    With explicit Regions, those not enabled for an account are skipped for that account and
    said so (in AccountTarget.skipped_regions).
    """
    home = regions[0] if regions else session.region_name
    if not home:
        raise UserError("No AWS Region: pass --region REGION, or set AWS_REGION or a region in your profile")

    sts = read_only_client(session, "sts", home)  # made here: worker threads must not share the session

    def open_one(spec: AccountSpec) -> AccountTarget:
        target_session = session
        if spec.role_arn:
            target_session = assume_role_with(sts, spec.role_arn, spec.external_id, home)
        identity = caller_identity(target_session, home)
        if identity["Account"] != spec.account_id:
            raise UserError(f"credentials reach account {identity['Account']}, not {spec.account_id}")
        enabled = enabled_regions(target_session, home)
        if all_regions:
            chosen, skipped = enabled, []
        else:
            wanted = list(dict.fromkeys(regions or [home]))
            chosen = [r for r in wanted if r in enabled]
            skipped = [{"region": r, "reason": "Region not enabled for this account"} for r in wanted if r not in enabled]
        return AccountTarget(session=target_session, account_id=spec.account_id,
                             partition=arns.require(identity["Arn"], "the caller identity").partition,
                             regions=chosen, name=spec.name, skipped_regions=skipped)

    reachable: list[AccountTarget] = []
    unreachable: list[dict] = []
    pool = cf.ThreadPoolExecutor(max_workers=max(1, min(max_workers, 8)), thread_name_prefix="drcheck-account")
    try:
        futures = {pool.submit(open_one, spec): spec for spec in specs}
        for future in cf.as_completed(futures):
            spec = futures[future]
            try:
                target = future.result()
            except UserError as exc:
                unreachable.append({"account_id": spec.account_id, "name": spec.name, "reason": str(exc)})
                continue
            except Exception as exc:  # noqa: BLE001 - an odd STS/EC2 answer makes one account unreachable, not the run fail
                unreachable.append({"account_id": spec.account_id, "name": spec.name,
                                    "reason": f"unexpected answer while opening the account: {type(exc).__name__}: "
                                              f"{' '.join(str(exc).split())[:200]}"})
                continue
            if target.regions:
                reachable.append(target)
            else:
                unreachable.append({"account_id": spec.account_id, "name": spec.name,
                                    "reason": "none of the requested Regions is enabled for this account"})
    except KeyboardInterrupt:
        pool.shutdown(wait=False, cancel_futures=True)  # Ctrl-C: no queued account is opened any more
        raise
    finally:
        pool.shutdown(wait=False)
    reachable.sort(key=lambda t: t.account_id)
    unreachable.sort(key=lambda u: u["account_id"])
    return reachable, unreachable
