"""How the reports scale: synthesise an assessment with N findings (default 5,000), render every
output, print seconds and sizes.

    python bench/report_scale.py [--findings 5000] [--out DIR] [--paper a4|letter]

The findings are spread over the real rule catalogue, three accounts and eight Regions, with
every verdict, UNKNOWNs carrying missing permissions, failed API calls, tags and long ARNs, so
the report has the shape a large real account gives it. Targets (issue 4): PDF under 15 s and
readable (each rule lists a bounded number of resources), HTML under 5 MB.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from drcheck.model import Status  # noqa: E402
from drcheck.paths import builtin_reports_dir  # noqa: E402
from drcheck.pipeline import Assessment, load_catalogue  # noqa: E402
from drcheck.report.render import render_html, render_pdf  # noqa: E402
from drcheck.report.tabular import findings_csv, summary_markdown  # noqa: E402
from drcheck.report.view import ReportOptions, build_view  # noqa: E402
from drcheck.score import score  # noqa: E402

ACCOUNTS = ("111111111111", "222222222222", "333333333333")
REGIONS = ("us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2", "ap-northeast-1",
           "sa-east-1")
PERMISSIONS = ("backup:ListBackupSelections", "ec2:DescribeSnapshots", "dlm:GetLifecyclePolicies",
               "s3:GetReplicationConfiguration", "dynamodb:DescribeContinuousBackups")


def synthetic_assessment(count: int, seed: int = 4) -> Assessment:
    rng = random.Random(seed)
    rules = load_catalogue().rules
    findings, resources = [], []
    for i in range(count):
        rule = rules[i % len(rules)]
        account, region = rng.choice(ACCOUNTS), rng.choice(REGIONS)
        name = f"{rule.service}-{rng.choice(['orders', 'payments', 'search', 'ml-feature-store', 'ledger'])}-{i:05d}"
        if i % 97 == 0:
            name += "-" + "x" * 120  # the occasional absurdly long name
        arn = f"arn:aws:{rule.service}:{region}:{account}:{rule.resource_type.split('::')[-1].lower()}/{name}"
        status = rng.choices([Status.PASS, Status.FAIL, Status.UNKNOWN, Status.NOT_APPLICABLE], [45, 35, 10, 10])[0]
        finding = {
            "rule_id": rule.id, "title": rule.title, "status": status.value, "severity": rule.severity,
            "category": rule.category, "service": rule.service, "resource_type": rule.resource_type,
            "resource_id": name, "resource_arn": arn, "resource_name": name, "region": region, "account_id": account,
            "message": rule.messages.get("fail" if status == Status.FAIL else "pass", ""),
            "evidence": {"SomeField": rng.choice([True, False, None]), "derived.items": [{"Region": region}] * 3},
            "tags": {"Name": name, "env": rng.choice(["prod", "staging"]), "team": rng.choice(["core", "data"])},
        }
        if status == Status.UNKNOWN:
            # A rule's detail call fails with that call's permission: one cause per rule, as in a
            # real account where a permission is missing from the role.
            permission = PERMISSIONS[(i % len(rules)) % len(PERMISSIONS)]
            finding["reason"] = f"{permission.split(':')[1]} failed: AccessDenied"
            finding["missing_permissions"] = [permission]
        findings.append(finding)
        resources.append({"resource_type": rule.resource_type, "id": name, "arn": arn, "region": region,
                          "account_id": account, "name": name, "tags": finding["tags"], "properties": {}})
    errors = [{"account_id": rng.choice(ACCOUNTS), "region": rng.choice(REGIONS), "service": "backup",
               "operation": "ListBackupSelections", "permission": "backup:ListBackupSelections",
               "error_code": "AccessDenied", "message": "User is not authorized to perform backup:ListBackupSelections"}
              for _ in range(count // 20)]
    now = datetime.now(UTC).isoformat(timespec="seconds")
    inventory = {"schema_version": 1, "generated_at": now, "regions": list(REGIONS),
                 "accounts": [{"account_id": a, "partition": "aws", "regions": list(REGIONS)} for a in ACCOUNTS],
                 "resources": resources, "errors": errors, "collections": []}
    return Assessment(inventory=inventory, findings=findings, scorecard=score(findings), rules=rules,
                      generated_at=now)


def _pages(pdf: bytes) -> str:
    """Page count from poppler's pdfinfo (the PDF's page objects are compressed)."""
    try:
        info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    except (OSError, subprocess.CalledProcessError):
        return "?"
    return next((line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")), "?")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--findings", type=int, default=5000)
    parser.add_argument("--out", type=Path, default=None, help="also write the files here")
    parser.add_argument("--paper", choices=("a4", "letter"), default="a4")
    args = parser.parse_args()

    assessment = synthetic_assessment(args.findings)
    options = ReportOptions(client="Scale Test Ltd", assessor="bench", paper=args.paper)
    dirs = [builtin_reports_dir()]
    timings: dict[str, float] = {}
    files: dict[str, bytes] = {}

    cpu: dict[str, float] = {}

    def timed(label: str, fn):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = fn()
        timings[label] = time.perf_counter() - start
        cpu[label] = time.process_time() - start_cpu
        return result

    view = timed("view", lambda: build_view(assessment, options))
    files["report.html"] = timed("html", lambda: render_html(view, dirs).encode("utf-8"))
    print_view = timed("print view", lambda: build_view(assessment, options, for_print=True))
    print_html = timed("print html", lambda: render_html(print_view, dirs, for_print=True))
    files["report.pdf"] = timed("pdf (WeasyPrint)", lambda: render_pdf(print_html))
    files["findings.csv"] = timed("csv", lambda: findings_csv(assessment.findings, assessment.rules))
    files["summary.md"] = timed("md", lambda: summary_markdown(view))

    pages = _pages(files["report.pdf"])
    print(f"{args.findings} findings, {len(assessment.rules)} rules, "
          f"{sum(1 for f in assessment.findings if f['status'] == 'FAIL')} failing")
    print(f"  {'':<17} {'wall':>8} {'cpu':>8}   (wall > cpu: the machine is busy with other work)")
    for label, seconds in timings.items():
        print(f"  {label:<17} {seconds:6.2f} s {cpu[label]:6.2f} s")
    steps = ("print view", "print html", "pdf (WeasyPrint)")
    pdf_seconds = sum(timings[s] for s in steps)
    print(f"  {'PDF end to end':<17} {pdf_seconds:6.2f} s {sum(cpu[s] for s in steps):6.2f} s   (target < 15 s)")
    for name, content in files.items():
        extra = f", {pages} pages" if name == "report.pdf" else ""
        print(f"  {name:<17} {len(content) / 1e6:6.2f} MB{extra}")
    out = args.out or Path(tempfile.mkdtemp(prefix="drcheck-bench-"))
    out.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (out / name).write_bytes(content)
    print(f"  written to {out}")
    # A benchmark reports; it never gates (make bench runs every script whatever the figures).
    if pdf_seconds >= 15 or len(files["report.html"]) >= 5_000_000:
        print("  target missed: PDF end to end < 15 s and report.html < 5 MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
