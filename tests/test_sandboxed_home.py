"""The tests' own hygiene: nothing is written in the user's home, and a linked .venv stays out of git."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_the_redaction_key_is_made_in_the_test_sandbox(history_sandbox):
    from drcheck.redact import redaction_key

    assert history_sandbox in Path.home().parents
    key = redaction_key()
    path = Path.home() / ".config" / "drcheck" / "redact.key"
    assert path.read_bytes().strip() == key and history_sandbox in path.parents


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_venv_symlink_is_ignored(tmp_path):
    (tmp_path / "repo").mkdir()
    repo = tmp_path / "repo"
    shutil.copy(ROOT / ".gitignore", repo / ".gitignore")
    (tmp_path / "shared-venv").mkdir()
    (repo / ".venv").symlink_to(tmp_path / "shared-venv")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    status = subprocess.run(["git", "-C", str(repo), "status", "--porcelain", "--untracked-files=all"],
                            capture_output=True, text=True, check=True).stdout
    assert status.splitlines() == ["?? .gitignore"]
