"""Scan speed and memory on an emulated account of a given size (moto in-process).

    .venv/bin/python bench/scan.py [--buckets 300] [--volumes 300] [--tables 100] [--instances 50] [--workers 16]

Prints resources, API calls, wall time for collection and for the whole assess+render, and peak RSS.
Emulated latency is near zero, so this measures drcheck's own overhead and call count; against
real AWS the wall time is dominated by round trips and scales with calls / workers.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--buckets", type=int, default=300)
    parser.add_argument("--volumes", type=int, default=300)
    parser.add_argument("--tables", type=int, default=100)
    parser.add_argument("--instances", type=int, default=50)
    parser.add_argument("--workers", type=int, default=16)
    args = parser.parse_args()

    from drcheck.collect.runner import AccountTarget
    from drcheck.collect.session import client_config, make_client_factory
    from drcheck.demo.run import demo_session, emulated_aws
    from drcheck.pipeline import assess, load_catalogue, run_collection
    from drcheck.report.outputs import render_outputs
    from drcheck.report.view import ReportOptions

    catalogue = load_catalogue()
    with emulated_aws():
        session = demo_session()
        s3 = session.client("s3")
        for i in range(args.buckets):
            s3.create_bucket(Bucket=f"bench-bucket-{i:05d}")
        ec2 = session.client("ec2")
        for _ in range(args.volumes):
            ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)
        ddb = session.client("dynamodb")
        for i in range(args.tables):
            ddb.create_table(TableName=f"bench-{i}", KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                             AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
                             BillingMode="PAY_PER_REQUEST")
        if args.instances:
            ec2.run_instances(ImageId="ami-12c6146b", MinCount=args.instances, MaxCount=args.instances)
        calls = {"n": 0}
        session.events.register("before-call", lambda **_: calls.__setitem__("n", calls["n"] + 1))
        account = AccountTarget(session=session, account_id="123456789012", partition="aws", regions=["us-east-1"])
        started = time.perf_counter()
        inventory = run_collection(catalogue, [account], client_factory=make_client_factory(client_config(args.workers, 1)),
                                   max_workers=args.workers)
        collected = time.perf_counter() - started
    started = time.perf_counter()
    assessment = assess(catalogue, inventory)
    files = render_outputs(assessment, ("html", "json"), ReportOptions())
    assessed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"resources      {len(inventory['resources'])}")
    print(f"API calls      {calls['n']}")
    print(f"collect        {collected:.2f} s ({args.workers} workers, moto in-process)")
    print(f"assess+render  {assessed:.2f} s ({len(assessment.findings)} findings, html+json, no pdf)")
    print(f"report.html    {len(files['report.html']) / 1e6:.2f} MB")
    print(f"peak RSS       {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
