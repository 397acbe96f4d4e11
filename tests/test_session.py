"""Credentials, roles and Regions: turning options into an AccountTarget."""

import pytest

from drcheck.collect.session import RateLimiter, open_account
from drcheck.errors import UserError


def test_role_arn_scans_the_client_account(aws):
    target = open_account(aws, regions=["us-east-1"], all_regions=False,
                          role_arn="arn:aws:iam::444455556666:role/DrcheckAudit", external_id="xyz")
    assert target.account_id == "444455556666"
    assert target.session.client("sts", region_name="us-east-1").get_caller_identity()["Account"] == "444455556666"


def test_all_regions_are_the_enabled_ones(aws):
    target = open_account(aws, regions=[], all_regions=True)
    assert "us-east-1" in target.regions and "eu-west-1" in target.regions
    assert "ap-east-1" not in target.regions  # an opt-in Region the account has not enabled


def test_default_region_is_the_profiles(aws):
    assert open_account(aws, regions=[], all_regions=False).regions == ["us-east-1"]


def test_duplicate_regions_are_scanned_once(aws):
    assert open_account(aws, regions=["us-west-2", "us-west-2"], all_regions=False).regions == ["us-west-2"]


def test_unknown_region_is_a_user_error(aws):
    with pytest.raises(UserError, match="Unknown AWS Region"):
        open_account(aws, regions=["mars-north-1"], all_regions=False)


def test_rate_limiter_paces_requests(monkeypatch):
    clock = {"now": 100.0}
    sleeps = []
    monkeypatch.setattr("drcheck.collect.session.time.monotonic", lambda: clock["now"])
    monkeypatch.setattr("drcheck.collect.session.time.sleep", lambda s: sleeps.append(round(s, 3)))
    limiter = RateLimiter(4)  # one request every 0.25 s
    for _ in range(3):
        limiter.acquire()
    assert sleeps == [0.25, 0.5]


@pytest.mark.parametrize("attempts", [1, 3])
def test_max_attempts_counts_the_first_call(monkeypatch, attempts):
    """AWS_MAX_ATTEMPTS=N means N requests in all (botocore reads a Config's `max_attempts` as retries)."""
    import boto3
    from botocore.awsrequest import AWSResponse

    from drcheck.collect.session import client_config, make_client_factory

    monkeypatch.setenv("AWS_MAX_ATTEMPTS", str(attempts))
    monkeypatch.setattr("time.sleep", lambda _: None)  # the retry back-off
    # A plain session (no emulator, whose own before-send hook would answer first); every request is
    # answered here with a 500 before it is sent.
    session = boto3.Session(aws_access_key_id="k", aws_secret_access_key="s", region_name="us-east-1")
    client = make_client_factory(client_config(1))(session, "dynamodb", "us-east-1")
    sent = []

    def answer_500(request, **_):
        sent.append(request.url)
        return AWSResponse(request.url, 500, {}, _EmptyBody())

    client.meta.events.register("before-send", answer_500)
    with pytest.raises(Exception, match="500|InternalError|reached max retries"):
        client.list_tables()
    assert len(sent) == attempts


class _EmptyBody:
    def stream(self, **_):
        yield b""

    def read(self, *_):
        return b""
