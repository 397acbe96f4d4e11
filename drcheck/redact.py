"""--redact: consistent pseudonyms for account ids and resource names in every output.

The inventory is redacted right after collection (or after loading, for `assess`), before any
output is derived from it, so findings, reports, CSV and summaries inherit the pseudonyms and no
writer can forget one. Pseudonyms are keyed HMACs: the same input gives the same pseudonym on
every run with the same key (so two redacted scans can be diffed), and nobody without the key
can test a guess. The key comes from DRCHECK_REDACT_KEY, or from a file created on first use at
~/.config/drcheck/redact.key (mode 0600).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
from pathlib import Path
from typing import Any

from drcheck.errors import UserError

ACCOUNT_ID = re.compile(r"(?<![0-9])[0-9]{12}(?![0-9])")
# A name is replaced wherever it stands as a whole token: not inside a longer name, but inside
# ARNs, paths and DNS names ("orders-db.abc.rds.amazonaws.com").
_EDGE = r"[A-Za-z0-9_-]"
MIN_NAME_LENGTH = 3
# Names that look like API enum values are left alone: replacing "ENABLED" everywhere would change
# verdicts. Such names reveal nothing about the client.
_ENUM_LIKE = re.compile(r"[A-Z][A-Z0-9_]*|true|false|null|Enabled|Disabled|Suspended")


def redaction_key(key_file: Path | None = None) -> bytes:
    env = os.environ.get("DRCHECK_REDACT_KEY")
    if env:
        return env.encode("utf-8")
    path = key_file or Path.home() / ".config" / "drcheck" / "redact.key"
    try:
        if path.is_file():
            return path.read_bytes().strip()
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_hex(32).encode("ascii")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(key)
        return key
    except OSError as exc:
        raise UserError(f"Cannot read or create the redaction key {path}: {exc.strerror or exc} "
                        "(or set DRCHECK_REDACT_KEY)") from None


class Redactor:
    def __init__(self, key: bytes):
        self._key = key

    def _digest(self, kind: str, value: str) -> str:
        return hmac.new(self._key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()

    def account(self, account_id: str) -> str:
        # Twelve digits keep ARNs well-formed; a leading 9 makes collisions with real-looking ids unlikely.
        return "9" + str(int(self._digest("account", account_id), 16))[-11:]

    def name(self, value: str) -> str:
        return f"redacted-{self._digest('name', value)[:10]}"

    def inventory(self, inventory: dict[str, Any]) -> dict[str, Any]:
        """A redacted copy of the inventory (the original is not changed)."""
        text = json.dumps(inventory)
        accounts = {a["account_id"] for a in inventory.get("accounts", [])}
        accounts |= {u["account_id"] for u in inventory.get("unreachable_accounts", [])}
        accounts |= set(ACCOUNT_ID.findall(text))
        names: set[str] = set()
        for resource in inventory.get("resources", []):
            for value in (resource.get("id"), resource.get("name"), (resource.get("tags") or {}).get("Name")):
                if (isinstance(value, str) and len(value) >= MIN_NAME_LENGTH and not ACCOUNT_ID.fullmatch(value)
                        and not _ENUM_LIKE.fullmatch(value)):
                    names.add(value)
        for entry in inventory.get("accounts", []) + inventory.get("unreachable_accounts", []):
            if entry.get("name"):
                names.add(entry["name"])
        replacements = {a: self.account(a) for a in accounts}
        replacements.update({n: self.name(n) for n in names})
        return json.loads(_replace_all(text, replacements))


def _replace_all(text: str, replacements: dict[str, str]) -> str:
    """Replace every whole-token occurrence, longest first, in one pass (JSON-escaped values)."""
    if not replacements:
        return text
    escaped = {json.dumps(k)[1:-1]: json.dumps(v)[1:-1] for k, v in replacements.items()}
    keys = sorted(escaped, key=len, reverse=True)
    pattern = re.compile(rf"(?<!{_EDGE})(?:{'|'.join(re.escape(k) for k in keys)})(?!{_EDGE})")
    return pattern.sub(lambda m: escaped[m.group(0)], text)
