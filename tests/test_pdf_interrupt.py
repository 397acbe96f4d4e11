"""Ctrl-C while the PDF worker lays out a report: the parent gets KeyboardInterrupt (the CLI turns
it into one line), the worker prints nothing (no traceback), and closing it returns. The signal goes
to the whole process group, as a terminal's Ctrl-C does, at two moments: right after the fork (before
the worker has set itself up) and while it renders."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = """
import os, signal, sys
# A terminal's Ctrl-C handling, whatever this test process inherited (a parent that ignores SIGINT,
# such as a test runner's worker, hands SIG_IGN down through exec and the interrupt would never come).
signal.signal(signal.SIGINT, signal.default_int_handler)
from drcheck.report.pdf_worker import PdfWorker
worker = PdfWorker().start()
if worker._process is None:
    print("inline")
    sys.exit(0)
html = "<h1>report</h1>" + "<table>" + "<tr><td>cell</td><td>value</td></tr>" * 4000 + "</table>"
try:
    if sys.argv[1] == "rendering":
        worker.submit(html)
    os.killpg(0, signal.SIGINT)
    signal.pause()  # the interrupt arrives here at the latest
except KeyboardInterrupt:
    worker.close()
    print("closed")
"""


@pytest.mark.parametrize("moment", ["after-fork", "rendering"])
def test_ctrl_c_during_pdf_rendering_is_quiet(moment):
    result = subprocess.run([sys.executable, "-c", SCRIPT, moment], capture_output=True, text=True, cwd=ROOT,
                            start_new_session=True, timeout=120)
    if result.stdout.strip() == "inline":
        pytest.skip("one core or no fork: the PDF renders inline, there is no worker")
    assert result.stdout.strip() == "closed", result.stderr
    assert result.stderr == "", result.stderr
