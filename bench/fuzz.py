"""The bad-input fuzzer and the fault proxy at a larger scale than `make test` runs them.

    python bench/fuzz.py [MUTATIONS] [--faults]

MUTATIONS (default 1000) scales the generated cases of tests/fuzzing.py (about 2.8 cases per
mutation step: inventories, settings files, rules); --faults also runs tests/test_faults.py.
Each case must end in a complete report or one line and exit 2 (never exit 3, a traceback or a
hang); the script prints the number of cases, their outcomes and the time, and fails if any case did.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    mutations = int(args[0]) if args else 1000
    tests = ["tests/test_fuzz.py"] + (["tests/test_faults.py"] if "--faults" in sys.argv else [])
    env = {**os.environ, "DRCHECK_FUZZ_MUTATIONS": str(mutations)}
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-n", "auto", "-p", "no:cacheprovider",
                             "-rfE", *tests], cwd=ROOT, env=env, capture_output=True, text=True)
    took = time.monotonic() - started
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr[-500:]
    counts = {kind: int(n) for n, kind in re.findall(r"(\d+) (passed|failed|xfailed|error)", summary)}
    failures = [line for line in result.stdout.splitlines() if line.startswith(("FAILED", "ERROR"))]
    print(f"fuzz: {mutations} mutation steps, {sum(counts.values())} cases in {took:.0f} s: {counts}")
    for line in failures:
        print(line)
    return 0 if result.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
