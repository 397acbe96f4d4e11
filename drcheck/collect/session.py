"""Credentials, roles, Regions and clients: turning CLI options into ready AccountTargets.

Everything that can go wrong here is the user's to fix (no credentials, unknown profile, a role
that cannot be assumed, a Region that does not exist), so it raises UserError with one clear line.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import boto3
import botocore.session
from botocore.config import Config
from botocore.credentials import RefreshableCredentials
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, ProfileNotFound, SSOError
from botocore.parsers import ResponseParserError

from drcheck import __version__, arns
from drcheck.collect.answers import UnreadableAnswer, install_answer_check
from drcheck.collect.guard import AllowList, allowed_operations, install_read_only_guard
from drcheck.collect.runner import AccountTarget
from drcheck.errors import UserError

ENABLED_OPT_IN = {"opt-in-not-required", "opted-in"}

# The calls drcheck makes outside the collectors, here and in doctor, by whose credentials they are
# made. The read-only guard allows them (and nothing else beyond the collectors' declarations);
# `drcheck permissions` prints their IAM actions in the statement of the principal that makes them.
# Made with each scanned account's credentials: who am I (every scan, every account), and which
# Regions are enabled (--all-regions, and every account of --org / --accounts).
SCANNED_ACCOUNT_OPERATIONS = {"sts": ("GetCallerIdentity",), "ec2": ("DescribeRegions",)}
# Made by the caller to enter an account through a role (--role-arn, --accounts with role_arn, --org).
CALLER_OPERATIONS = {"sts": ("AssumeRole",)}
IDENTITY_OPERATIONS = {service: tuple(dict.fromkeys((*SCANNED_ACCOUNT_OPERATIONS.get(service, ()),
                                                      *CALLER_OPERATIONS.get(service, ()))))
                       for service in (*SCANNED_ACCOUNT_OPERATIONS, *CALLER_OPERATIONS)}

DEFAULT_MAX_ATTEMPTS = 6
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 60.0


def client_config(max_workers: int, max_attempts: int | None = None, call_deadline: float | None = None) -> Config:
    """Adaptive retries absorb throttling; the pool matches our threads; timeouts stop a hung call.

    AWS_MAX_ATTEMPTS (the standard AWS setting) overrides our default number of attempts. A call
    deadline shorter than the default timeouts shortens them too, so that botocore itself gives
    up on a silent connection within the deadline (a trickled answer is the runner's to cut).
    """
    if max_attempts is None:
        max_attempts = environment_attempts() or DEFAULT_MAX_ATTEMPTS
    limit = call_deadline if call_deadline else None
    return Config(
        # total_max_attempts counts the first call too, as AWS_MAX_ATTEMPTS does; botocore reads
        # `max_attempts` in a Config as retries after the first, which would add one attempt.
        retries={"mode": "adaptive", "total_max_attempts": max_attempts},
        max_pool_connections=max(10, max_workers),
        connect_timeout=min(CONNECT_TIMEOUT, limit) if limit else CONNECT_TIMEOUT,
        read_timeout=min(READ_TIMEOUT, limit) if limit else READ_TIMEOUT,
        user_agent_extra=f"drcheck/{__version__}",
    )


def environment_attempts(environ: Mapping[str, str] | None = None) -> int | None:
    """AWS_MAX_ATTEMPTS as a number of attempts (None when unset); UserError when it is not one."""
    raw = (os.environ if environ is None else environ).get("AWS_MAX_ATTEMPTS")
    if raw is None or not raw.strip():
        return None
    try:
        value = int(raw)
    except ValueError:
        raise UserError(f"AWS_MAX_ATTEMPTS must be a whole number of attempts, got {raw!r}") from None
    if not 1 <= value <= 100:
        raise UserError(f"AWS_MAX_ATTEMPTS must be between 1 and 100, got {value}")
    return value


def check_aws_environment(environ: Mapping[str, str] | None = None) -> None:
    """The standard AWS settings botocore reads from the environment, checked before any client is made.

    botocore raises a bare ValueError deep inside client creation for these; one line here says
    which variable is wrong.
    """
    environ = os.environ if environ is None else environ
    environment_attempts(environ)
    for name, value in environ.items():
        if name == "AWS_ENDPOINT_URL" or (name.startswith("AWS_ENDPOINT_URL_") and value):
            parsed = urlsplit(value.strip())
            if parsed.scheme not in ("http", "https") or not parsed.hostname:
                raise UserError(f"{name} must be an http(s) URL such as https://example.com, got {value!r}")
            try:
                parsed.port  # noqa: B018 - raises on a port that is not a number
            except ValueError:
                raise UserError(f"{name} has an invalid port: {value!r}") from None
    mode = environ.get("AWS_RETRY_MODE")
    if mode and mode not in ("legacy", "standard", "adaptive"):
        raise UserError(f"AWS_RETRY_MODE must be legacy, standard or adaptive, got {mode!r}")
    bundle = environ.get("AWS_CA_BUNDLE")
    if bundle and not os.path.isfile(bundle):
        raise UserError(f"AWS_CA_BUNDLE names no readable file: {bundle!r}")


def new_client(session: Any, service: str, region: str, config: Config | None = None) -> Any:
    """session.client, with botocore's configuration errors as one UserError line."""
    try:
        return session.client(service, region_name=region, config=config)
    except (ValueError, BotoCoreError) as exc:
        raise UserError(f"Cannot set up the AWS {service} client for {region}: {' '.join(str(exc).split())}") from None


class RateLimiter:
    """At most `rate` requests per second through one API endpoint (retries included), shared by threads.

    A scan must never starve the client's own workloads of their API quota, which AWS counts per
    account, Region and API; `elb` and `elbv2` are one API (elasticloadbalancing) and share a pacer.
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


def make_client_factory(config: Config, max_rate: float | None = None, allowed: AllowList | None = None):
    """Clients are made on the main thread before workers start (boto3 sessions are not thread-safe).

    Each client refuses every operation drcheck does not declare and, with `max_rate`, paces its
    requests with one pacer per account (session), Region and API endpoint.
    """
    allowed = allowed if allowed is not None else allowed_operations()
    pacers: dict[tuple[Any, str, str], RateLimiter] = {}

    def make_client(session: Any, service: str, region: str) -> Any:
        client = new_client(session, service, region, config)
        install_read_only_guard(client, allowed)
        install_answer_check(client)
        if max_rate:
            # The session object itself is the account's key (held here, so its id cannot be reused).
            key = (session, region, client.meta.service_model.endpoint_prefix)
            pacer = pacers.setdefault(key, RateLimiter(max_rate))
            client.meta.events.register("before-send", pacer.acquire)
        return client

    make_client.pacers = pacers  # type: ignore[attr-defined]  # (session, Region, endpoint) -> pacer, for tests
    return make_client


def base_session(profile: str | None) -> boto3.Session:
    check_aws_environment()
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
    partition = arns.require(identity["Arn"], "the caller identity").partition
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
        return read_only_client(session, "sts", region).get_caller_identity()
    except NoCredentialsError:
        raise UserError(
            "No AWS credentials found: configure a profile (--profile), environment variables, SSO "
            "(aws sso login) or an instance role"
        ) from None
    except SSOError:
        # botocore's own text says "run aws sso login with the corresponding profile": name it.
        profile = session.profile_name or "default"
        raise UserError(f"The AWS SSO session of profile {profile!r} is logged out or expired: "
                        f"run aws sso login --profile {profile}") from None
    except ClientError as exc:
        error = exc.response.get("Error", {})
        raise UserError(f"AWS rejected the credentials: {error.get('Code')}: {error.get('Message')}") from None
    except BotoCoreError as exc:
        raise UserError(f"Could not reach AWS STS to check credentials: {exc}") from None
    except (ResponseParserError, UnreadableAnswer) as exc:
        # A proxy's or emulator's page instead of STS's answer: the user's network to fix, one line.
        raise UserError(f"AWS STS did not answer with an AWS answer (a proxy or an emulator in the way?): "
                        f"{' '.join(str(exc).split())[:200]}") from None


def assume_role(session: boto3.Session, role_arn: str, external_id: str | None, region: str) -> boto3.Session:
    """A session in the client's account whose credentials renew themselves during long scans."""
    return assume_role_with(read_only_client(session, "sts", region), role_arn, external_id, region)


def read_only_client(session: boto3.Session, service: str, region: str) -> Any:
    """A client for identity and discovery calls, guarded like every other (AWS_MAX_ATTEMPTS honoured)."""
    client = new_client(session, service, region)
    install_read_only_guard(client)
    install_answer_check(client)
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
        answer = read_only_client(session, "ec2", region).describe_regions(AllRegions=True)
    except ClientError as exc:
        error = exc.response.get("Error", {})
        raise UserError(f"Cannot list the account's Regions (ec2:DescribeRegions): {error.get('Code')}") from None
    except (BotoCoreError, ResponseParserError, UnreadableAnswer) as exc:
        raise UserError(f"Cannot list the account's Regions: {' '.join(str(exc).split())[:200]}") from None
    return sorted(r["RegionName"] for r in answer["Regions"] if r.get("OptInStatus", "opt-in-not-required")
                  in ENABLED_OPT_IN)
