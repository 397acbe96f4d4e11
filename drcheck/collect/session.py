"""Credentials, roles, Regions and clients: turning CLI options into ready AccountTargets.

Everything that can go wrong here is the user's to fix (no credentials, unknown profile, a role
that cannot be assumed, a Region that does not exist), so it raises UserError with one clear line.
"""

from __future__ import annotations

import os
import threading
import time
from datetime import UTC, datetime
from typing import Any

import boto3
import botocore.session
from botocore.config import Config
from botocore.credentials import RefreshableCredentials
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, ProfileNotFound

from drcheck import __version__
from drcheck.collect.guard import install_read_only_guard
from drcheck.collect.runner import AccountTarget
from drcheck.errors import UserError

ENABLED_OPT_IN = {"opt-in-not-required", "opted-in"}


DEFAULT_MAX_ATTEMPTS = 6


def client_config(max_workers: int, max_attempts: int | None = None) -> Config:
    """Adaptive retries absorb throttling; the pool matches our threads; timeouts stop a hung scan.

    AWS_MAX_ATTEMPTS (the standard AWS setting) overrides our default number of attempts.
    """
    if max_attempts is None:
        raw = os.environ.get("AWS_MAX_ATTEMPTS", str(DEFAULT_MAX_ATTEMPTS))
        try:
            max_attempts = max(1, int(raw))
        except ValueError:
            raise UserError(f"AWS_MAX_ATTEMPTS must be a number, got {raw!r}") from None
    return Config(
        retries={"mode": "adaptive", "max_attempts": max_attempts},
        max_pool_connections=max(10, max_workers),
        connect_timeout=10,
        read_timeout=60,
        user_agent_extra=f"drcheck/{__version__}",
    )


class RateLimiter:
    """At most `rate` requests per second through one client (retries included), shared by threads.

    A scan must never starve the client's own workloads of their API quota, which AWS counts per
    account, Region and API.
    """

    def __init__(self, rate: float):
        self.interval = 1.0 / rate
        self._lock = threading.Lock()
        self._next = time.monotonic()

    def acquire(self, **_: Any) -> None:
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next)
            self._next = start + self.interval
        if start > now:
            time.sleep(start - now)


def make_client_factory(config: Config, max_rate: float | None = None):
    """Clients are made on the main thread before workers start (boto3 sessions are not thread-safe).

    Each client refuses non-read operations and, with `max_rate`, paces its requests.
    """

    def make_client(session: Any, service: str, region: str) -> Any:
        client = session.client(service, region_name=region, config=config)
        install_read_only_guard(client)
        if max_rate:
            client.meta.events.register("before-send", RateLimiter(max_rate).acquire)
        return client

    return make_client


def base_session(profile: str | None) -> boto3.Session:
    try:
        return boto3.Session(profile_name=profile) if profile else boto3.Session()
    except ProfileNotFound as exc:
        raise UserError(f"AWS profile not found: {exc.kwargs.get('profile', profile)}") from None
    except BotoCoreError as exc:
        raise UserError(f"AWS configuration error: {exc}") from None


def open_account(
    session: boto3.Session,
    *,
    regions: list[str],
    all_regions: bool,
    role_arn: str | None = None,
    external_id: str | None = None,
    name: str | None = None,
) -> AccountTarget:
    """Resolve identity (and assume `role_arn` if given), then the Regions to scan."""
    home_region = regions[0] if regions else session.region_name
    if not home_region:
        raise UserError("No AWS Region: pass --region REGION, or set AWS_REGION or a region in your profile")
    check_region_names(session, regions or [home_region])
    if role_arn:
        session = assume_role(session, role_arn, external_id, home_region)
    identity = caller_identity(session, home_region)
    partition = identity["Arn"].split(":")[1]
    if all_regions:
        scan_regions = enabled_regions(session, home_region)
    else:
        scan_regions = list(dict.fromkeys(regions or [home_region]))
    return AccountTarget(session=session, account_id=identity["Account"], partition=partition,
                         regions=scan_regions, name=name)


def check_region_names(session: boto3.Session, regions: list[str]) -> None:
    known: set[str] = set()
    for partition in session.get_available_partitions():
        known.update(session.get_available_regions("ec2", partition_name=partition))
    for region in regions:
        if region not in known:
            raise UserError(f"Unknown AWS Region: {region!r} (e.g. us-east-1, eu-west-1)")


def caller_identity(session: boto3.Session, region: str) -> dict:
    try:
        sts = session.client("sts", region_name=region)
        install_read_only_guard(sts)
        return sts.get_caller_identity()
    except NoCredentialsError:
        raise UserError(
            "No AWS credentials found: configure a profile (--profile), environment variables, SSO "
            "(aws sso login) or an instance role"
        ) from None
    except ClientError as exc:
        error = exc.response.get("Error", {})
        raise UserError(f"AWS rejected the credentials: {error.get('Code')}: {error.get('Message')}") from None
    except BotoCoreError as exc:
        raise UserError(f"Could not reach AWS STS to check credentials: {exc}") from None


def assume_role(session: boto3.Session, role_arn: str, external_id: str | None, region: str) -> boto3.Session:
    """A session in the client's account whose credentials renew themselves during long scans."""
    return assume_role_with(read_only_client(session, "sts", region), role_arn, external_id, region)


def read_only_client(session: boto3.Session, service: str, region: str) -> Any:
    client = session.client(service, region_name=region)
    install_read_only_guard(client)
    return client


def assume_role_with(sts: Any, role_arn: str, external_id: str | None, region: str) -> boto3.Session:
    """Like assume_role, from an existing STS client (clients are thread-safe; sessions are not)."""
    params: dict[str, Any] = {"RoleArn": role_arn, "RoleSessionName": "drcheck"}
    if external_id:
        params["ExternalId"] = external_id

    def fetch() -> dict:
        try:
            credentials = sts.assume_role(**params)["Credentials"]
        except NoCredentialsError:
            raise UserError("No AWS credentials found to assume the role with") from None
        except ClientError as exc:
            error = exc.response.get("Error", {})
            raise UserError(f"Cannot assume role {role_arn}: {error.get('Code')}: {error.get('Message')}") from None
        except BotoCoreError as exc:
            raise UserError(f"Cannot assume role {role_arn}: {exc}") from None
        expiry = credentials["Expiration"]
        if isinstance(expiry, datetime):
            expiry = expiry.astimezone(UTC).isoformat()
        return {
            "access_key": credentials["AccessKeyId"],
            "secret_key": credentials["SecretAccessKey"],
            "token": credentials["SessionToken"],
            "expiry_time": expiry,
        }

    refreshable = RefreshableCredentials.create_from_metadata(
        metadata=fetch(), refresh_using=fetch, method="sts-assume-role"
    )
    core = botocore.session.get_session()
    core._credentials = refreshable  # botocore has no public setter for ready-made credentials
    core.set_config_variable("region", region)
    return boto3.Session(botocore_session=core)


def enabled_regions(session: boto3.Session, region: str) -> list[str]:
    """Regions enabled for the account (opt-in Regions only once opted in)."""
    try:
        ec2 = session.client("ec2", region_name=region)
        install_read_only_guard(ec2)
        answer = ec2.describe_regions(AllRegions=True)
    except ClientError as exc:
        error = exc.response.get("Error", {})
        raise UserError(f"Cannot list the account's Regions (ec2:DescribeRegions): {error.get('Code')}") from None
    except BotoCoreError as exc:
        raise UserError(f"Cannot list the account's Regions: {exc}") from None
    return sorted(r["RegionName"] for r in answer["Regions"] if r.get("OptInStatus", "opt-in-not-required")
                  in ENABLED_OPT_IN)
