"""The runner's deadlines and cancellation, in-process against moto: a stuck call never holds the scan.

A `before-send` hook that blocks stands for a silent or trickling connection. Deadlines are
fractions of a second here; nothing asserts on speed (a real hang would block the test, and the
events released at the end free every thread).
"""

from __future__ import annotations

import threading

import pytest

from drcheck.collect.plan import make_plan
from drcheck.collect.runner import collect
from drcheck.collect.session import client_config, make_client_factory
from drcheck.collect.workers import Deadlines
from tests.conftest import account, count_calls

TABLE = ("AWS::DynamoDB::Table", {"Table", "ContinuousBackupsDescription"})
DB = ("AWS::RDS::DBInstance", {"DBInstanceIdentifier"})


@pytest.fixture
def released():
    """An event every blocked call waits on; set at the end so no thread outlives the test for long."""
    event = threading.Event()
    yield event
    event.set()


def _tables(session, count: int) -> None:
    ddb = session.client("dynamodb")
    for number in range(count):
        ddb.create_table(TableName=f"t{number}", KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
                         BillingMode="PAY_PER_REQUEST")


def _blocking_factory(operations: set[str], released: threading.Event):
    real = make_client_factory(client_config(4, max_attempts=1))

    def block(model=None, **_):
        released.wait(600)

    def factory(session, service, region):
        client = real(session, service, region)
        for operation in operations:
            service_id = client.meta.service_model.service_id.hyphenize()
            client.meta.events.register(f"before-send.{service_id}.{operation}", block)
        return client

    return factory


def _collect(session, catalogue, needs, factory, deadlines, **kwargs):
    plan = make_plan(needs, catalogue.collectors, catalogue.linkers)
    return collect(plan, [account(session)], client_factory=factory, max_workers=4, deadlines=deadlines, **kwargs)


def test_a_stuck_call_is_unknown_after_the_call_deadline(aws, catalogue, released):
    _tables(aws, 3)
    factory = _blocking_factory({"DescribeTable"}, released)
    inventory = _collect(aws, catalogue, [TABLE, DB], factory, Deadlines(call=2))
    tables = [r for r in inventory["resources"] if r["resource_type"] == "AWS::DynamoDB::Table"]
    assert len(tables) == 3
    for table in tables:
        assert table["unavailable"]["Table"]["error_code"] == "CallDeadlineExceeded"
        assert "call deadline (2 s)" in table["unavailable"]["Table"]["message"]
        # The details after the stuck one were not called, and say so.
        assert "ContinuousBackupsDescription" in table["unavailable"]
    assert "stopped_early" not in inventory


def test_the_scan_deadline_returns_what_was_collected(aws, catalogue, released):
    _tables(aws, 2)
    factory = _blocking_factory({"DescribeDBInstances"}, released)
    inventory = _collect(aws, catalogue, [TABLE, DB], factory, Deadlines(call=None, scan=0.5))
    assert "scan deadline" in inventory["stopped_early"]["reason"]
    [rds] = [c for c in inventory["collections"] if c["resource_type"] == "AWS::RDS::DBInstance"]
    assert rds["status"] == "error" and "scan deadline" in rds["errors"][0]["message"]
    # Whatever else finished in time is kept; what did not says why (never silently missing).
    tables = [r for r in inventory["resources"] if r["resource_type"] == "AWS::DynamoDB::Table"]
    assert all("Table" in t["properties"] or "Table" in t["unavailable"] for t in tables)


def test_ctrl_c_cancels_queued_work(aws, catalogue, released):
    _tables(aws, 12)
    calls = count_calls(aws)
    factory = _blocking_factory(set(), released)
    seen: list[int] = []

    def interrupt_after_the_listing(done, scheduled, label):
        seen.append(sum(calls.values()))
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _collect(aws, catalogue, [TABLE], factory, Deadlines(), progress=interrupt_after_the_listing)
    released.wait(0.5)  # let running tasks reach their next call, where they stop
    # Twelve detail tasks were queued (two calls each); at most the four running ones made one more call.
    assert sum(calls.values()) - seen[0] <= 4


def test_many_tasks_finish_without_waiting_on_each_other(aws, catalogue):
    """Completions come back through one queue (no wait over every pending future)."""
    _tables(aws, 40)
    plan = make_plan([TABLE], catalogue.collectors, catalogue.linkers)
    inventory = collect(plan, [account(aws)], client_factory=make_client_factory(client_config(4, max_attempts=1)),
                        max_workers=4)
    tables = [r for r in inventory["resources"] if r["resource_type"] == "AWS::DynamoDB::Table"]
    assert len(tables) == 40 and all("Table" in t["properties"] for t in tables)
