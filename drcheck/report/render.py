"""Render the view model: HTML with Jinja2 (autoescaped), PDF from that HTML with WeasyPrint."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jinja2

from drcheck.errors import UserError


def template_environment(template_dirs: list[Path]) -> jinja2.Environment:
    # Autoescape everything: every name and tag in a client account is untrusted text.
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(view: dict[str, Any], template_dirs: list[Path], *, for_print: bool = False) -> str:
    env = template_environment(template_dirs)
    env.filters["tojson_pretty"] = lambda v: json.dumps(v, indent=1, sort_keys=True, default=str)
    try:
        template = env.get_template("report.html.j2")
        css = env.loader.get_source(env, "report.css")[0]  # type: ignore[union-attr]
        return template.render(view=view, css=css, for_print=for_print)
    except jinja2.TemplateError as exc:
        raise UserError(f"Report template error: {exc}") from None


def render_pdf(html: str, allowed_files: tuple[str, ...] = ()) -> bytes:
    """PDF from the report HTML; nothing is fetched except data: URLs and the given files (a logo)."""
    try:
        from weasyprint import HTML
        from weasyprint.urls import URLFetcher
    except OSError as exc:  # Pango or its friends are missing
        raise UserError(
            "PDF rendering needs Pango (Debian: apt install libpango-1.0-0 libpangoft2-1.0-0): " + str(exc)
        ) from None

    class OfflineFetcher(URLFetcher):
        """Refuses network and file URLs: account data may carry hostile URLs into the report."""

        def fetch(self, url, headers=None):
            if url.startswith("data:") or url in allowed_files:
                return super().fetch(url, headers)
            raise ValueError(f"drcheck reports fetch nothing external (refused {url[:80]})")

    return HTML(string=html, url_fetcher=OfflineFetcher(allowed_protocols={"data", "file"})).write_pdf()
