"""`drcheck demo`: the scan pipeline against an emulated account, with no AWS account or network."""

from __future__ import annotations

import os
import time
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from rich.console import Console

DEMO_ACCOUNT = "123456789012"
# The emulator is an optional extra: consultants scanning real accounts never install it.
INSTALL_DEMO = ("drcheck demo needs the AWS emulator (moto), an optional extra: pip install 'drcheck[demo]' "
                "(pipx: pipx inject drcheck 'moto[server]>=5.1,<6'; from a clone: make demo)")


def require_emulator() -> None:
    """One line naming the extra to install when moto is missing, before any work starts."""
    from drcheck.errors import UserError

    try:
        import moto  # noqa: F401
    except ImportError:
        raise UserError(INSTALL_DEMO) from None


@contextmanager
def emulated_aws():
    """moto's in-process AWS, isolated from the user's real AWS settings while it runs."""
    saved = {k: os.environ.get(k) for k in ("AWS_ENDPOINT_URL", "MOTO_EC2_LOAD_DEFAULT_AMIS", "AWS_PROFILE")}
    os.environ.pop("AWS_ENDPOINT_URL", None)  # it would send calls past the in-process emulator
    os.environ.pop("AWS_PROFILE", None)
    os.environ["MOTO_EC2_LOAD_DEFAULT_AMIS"] = "false"  # otherwise ~1,300 phantom public snapshots
    from moto import mock_aws

    try:
        with mock_aws():
            yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def demo_session():
    import boto3

    return boto3.Session(aws_access_key_id="demo", aws_secret_access_key="demo", aws_session_token="demo",
                         region_name="us-east-1")


def run_demo(*, output_dir: Path, formats: str, quiet: bool, console: Console, logo: Path | None = None,
             history: Any = None) -> None:
    """Emulate and scan the demo company; `history` (drcheck.history.History) records the run."""
    from drcheck.report.logo import logo_data_url
    from drcheck.report.outputs import parse_formats
    from drcheck.report.pdf_worker import PdfWorker

    require_emulator()
    logo_url = logo_data_url(logo) if logo else None
    started = time.monotonic()
    # Started first, so WeasyPrint gets ready while the account is emulated and scanned.
    with PdfWorker() if "pdf" in parse_formats(formats) else nullcontext() as pdf_worker:
        _run(output_dir, formats, console, logo_url, pdf_worker, history)
    console.print(f"Demo finished in {time.monotonic() - started:.1f} s.", highlight=False)


def _run(output_dir: Path, formats: str, console: Console, logo_url: str | None, pdf_worker: Any,
         history: Any) -> None:
    from drcheck.collect.session import client_config, make_client_factory, open_account
    from drcheck.demo.emulator import MissingApiEmulator
    from drcheck.demo.seed import seed_company
    from drcheck.pipeline import load_catalogue
    from drcheck.report.view import ReportOptions
    from drcheck.runs import AssessOptions, collect_and_report

    catalogue = load_catalogue(objectives=True)
    with emulated_aws():
        session = demo_session()
        emulator = MissingApiEmulator()
        emulator.install(session)
        console.print("Emulating Brightpaw's AWS account (us-east-1, us-west-2) …")
        company = seed_company(session, emulator)
        account = open_account(session, regions=company["regions"], all_regions=False)
        collect_and_report(
            # One worker: the in-process emulator is CPU-bound under the GIL, so threads only contend
            # (measured: 4.3 s with 1 worker, 8.6 s with 8; a second forked process saved under 0.3 s).
            # Against real AWS, calls wait on the network and the default 16 workers pay off.
            catalogue, [account], max_workers=1, client_factory=make_client_factory(client_config(1, max_attempts=2)),
            output_dir=output_dir, formats=formats,
            options=ReportOptions(client="Brightpaw (demo account)", assessor="drcheck demo", logo=logo_url),
            template_dir=None, console=console, pdf_worker=pdf_worker,
            assess_options=AssessOptions(history=history, command="demo"),
        )
