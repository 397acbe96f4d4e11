"""The least-privilege IAM policy a scan needs, per principal, derived from the declarations.

Three kinds of calls, each declared where it is made: the collectors' list and detail calls and
the identity/Region calls (`collect.session.SCANNED_ACCOUNT_OPERATIONS`), made in every scanned
account; `sts:AssumeRole` (`collect.session.CALLER_OPERATIONS`), made by the caller to enter an
account through a role; and the organization discovery calls (`collect.accounts.
ORGANIZATION_OPERATIONS`), made in the management or delegated administrator account for --org.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import botocore.session

from drcheck.collect.plan import Plan


def iam_actions(operations: Mapping[str, Iterable[str]]) -> set[str]:
    """IAM action names of (boto3 service -> operations): the service's signing name is its IAM prefix."""
    core = botocore.session.get_session()
    actions: set[str] = set()
    for service, names in operations.items():
        prefix = core.get_service_model(service).signing_name
        actions.update(f"{prefix}:{name}" for name in names)
    return actions


def scanned_account_actions(plan: Plan) -> list[str]:
    """What a role in a scanned account needs: the planned collector calls plus identity and Regions."""
    from drcheck.collect.session import SCANNED_ACCOUNT_OPERATIONS

    return sorted(set(plan.permissions()) | iam_actions(SCANNED_ACCOUNT_OPERATIONS))


def policy(plan: Plan, *, org: bool = False, org_role: str | None = None) -> dict[str, Any]:
    """The policy document `drcheck permissions` prints.

    Without `org`: for the role in each scanned account (single account, --all-regions,
    --accounts, and the member accounts of --org). With `org`: for the management or delegated
    administrator account that runs `scan --org`, which is scanned itself with its own
    credentials, lists the organization and assumes `org_role` in each member.
    """
    from drcheck.collect.accounts import DEFAULT_ORG_ROLE, ORGANIZATION_OPERATIONS
    from drcheck.collect.session import CALLER_OPERATIONS

    statements: list[dict[str, Any]] = [
        {"Sid": "DrcheckReadOnly", "Effect": "Allow", "Action": scanned_account_actions(plan), "Resource": "*"}]
    if org:
        statements += [
            {"Sid": "DrcheckOrganization", "Effect": "Allow", "Action": sorted(iam_actions(ORGANIZATION_OPERATIONS)),
             "Resource": "*"},
            {"Sid": "DrcheckAssumeMemberRole", "Effect": "Allow", "Action": sorted(iam_actions(CALLER_OPERATIONS)),
             "Resource": f"arn:*:iam::*:role/{org_role or DEFAULT_ORG_ROLE}"},
        ]
    return {"Version": "2012-10-17", "Statement": statements}
