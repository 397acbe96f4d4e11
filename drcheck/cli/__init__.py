"""The drcheck command line: thin wrappers that parse options and call the pipeline.

options.py holds the shared option declarations, prepare.py turns them into what a run uses,
and scanning.py, catalogue.py and compare.py hold the commands; app.py assembles them.
"""

from drcheck.cli.app import app, main

__all__ = ["app", "main"]
