"""`drcheck doctor`: before a long scan, check credentials, identity, Regions and list permissions.

Each planned list operation is called once in the first Region (one page; read-only like every
drcheck call). A denied call names the IAM action to add. Per-resource detail calls cannot be
probed without resources; they are listed from the declarations, so the policy can be checked
against `drcheck permissions`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore import xform_name
from botocore.exceptions import BotoCoreError, ClientError
from botocore.parsers import ResponseParserError

from drcheck.collect.answers import UnreadableAnswer
from drcheck.collect.plan import Plan
from drcheck.collect.runner import AccountTarget
from drcheck.collect.session import read_only_client


@dataclass(frozen=True)
class Check:
    subject: str
    ok: bool
    detail: str


def probe_permissions(account: AccountTarget, plan: Plan, client_factory: Any) -> list[Check]:
    """Call every planned top-level list operation once in the account's first Region."""
    region = account.regions[0]
    checks = []
    for planned in plan.collectors:
        collector = planned.collector
        if collector.parent:
            continue  # listed per parent resource: covered by the parent's permission check
        client = client_factory(account.session, collector.service, region)
        method = getattr(client, xform_name(collector.list_operation))
        params = dict(collector.list_params)
        try:
            method(**params)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            denied = "Denied" in code or "Unauthorized" in code or code == "Forbidden"
            detail = (f"{code}: add {collector.list_permission}" if denied
                      else f"{code}: the API failed; checks that need it will be UNKNOWN")
            checks.append(Check(collector.list_permission, False, detail))
            continue
        except (BotoCoreError, ResponseParserError, UnreadableAnswer) as exc:
            # An answer that is not AWS's (a proxy's HTML page, an emulator's error page) is a
            # problem to report, as a scan reports it (UNKNOWN), never a crash.
            checks.append(Check(collector.list_permission, False, f"{unreadable(exc)}; checks that need it will "
                                                                  "be UNKNOWN"))
            continue
        checks.append(Check(collector.list_permission, True, "allowed"))
    return checks


def region_checks(account: AccountTarget) -> list[Check]:
    """Each Region answers an authenticated call (an SCP or a disabled Region shows up here)."""
    checks = []
    for region in account.regions:
        try:
            read_only_client(account.session, "sts", region).get_caller_identity()
            checks.append(Check(region, True, "reachable"))
        except (ClientError, BotoCoreError, ResponseParserError, UnreadableAnswer) as exc:
            checks.append(Check(region, False, unreadable(exc)))
    for skipped in account.skipped_regions:
        checks.append(Check(skipped["region"], False, skipped["reason"]))
    return checks


def unreadable(exc: BaseException) -> str:
    """One line for a failed call: the exception's kind and its message on one line."""
    return f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}"
