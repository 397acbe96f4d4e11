"""Run every benchmark script in bench/ in turn (make bench).

A benchmark reports figures; it never gates. Every script runs whatever an earlier one printed
or missed; only a script that crashed makes the exit status non-zero, after all have run.
"""

import subprocess
import sys
from pathlib import Path

here = Path(__file__).resolve().parent
crashed = []
for script in sorted(here.glob("*.py")):
    if script.name == "run.py":
        continue
    print(f"== {script.name}", flush=True)
    if subprocess.run([sys.executable, str(script)], check=False).returncode != 0:
        crashed.append(script.name)
if crashed:
    print(f"== exited non-zero: {', '.join(crashed)}")
sys.exit(1 if crashed else 0)
