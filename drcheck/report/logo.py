"""The optional report logo: checked once, then carried inline as a data: URL (nothing is fetched later)."""

from __future__ import annotations

import base64
import re
from pathlib import Path

from drcheck.errors import UserError

MAX_LOGO_BYTES = 1024 * 1024

_SVG_PROLOG = (b"<?xml", b"<!--", b"<!doctype svg", b"<svg")


def logo_data_url(path: Path) -> str:
    """A data: URL for a PNG, JPEG or SVG logo; a one-line UserError for anything else."""
    try:
        data = path.read_bytes() if path.is_file() else None
    except OSError as exc:
        raise UserError(f"--logo: cannot read {path}: {exc.strerror or exc}") from None
    if data is None:
        raise UserError(f"--logo: {path} is not a file")
    if len(data) > MAX_LOGO_BYTES:
        raise UserError(f"--logo: {path} is {len(data) // 1024} KB; the limit is {MAX_LOGO_BYTES // 1024} KB")
    media_type = _media_type(data)
    if media_type == "image/svg+xml" and _unsafe_svg(data):
        # Entities can expand without bound in an XML parser, and scripts have no place in a logo.
        raise UserError(f"--logo: {path} is an SVG with a DOCTYPE subset, entity or script; export a plain SVG")
    if media_type is None:
        raise UserError(f"--logo: {path} is not a PNG, JPEG or SVG image")
    return f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"


def _media_type(data: bytes) -> str | None:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    head = data.removeprefix(b"\xef\xbb\xbf")
    start = head[:4096].lstrip().lower()
    if start.startswith(_SVG_PROLOG) and b"<svg" in start:
        return "image/svg+xml"
    return None


def _unsafe_svg(data: bytes) -> bool:
    """Entity declarations (an internal DTD subset) and scripts; a plain DOCTYPE line is fine."""
    lowered = data.lower()
    doctype = re.search(rb"<!doctype[^>]*", lowered)
    return b"<!entity" in lowered or b"<script" in lowered or bool(doctype and b"[" in doctype.group(0))
