"""Render the view model: HTML with Jinja2 (autoescaped), PDF from that HTML with WeasyPrint."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup, escape

from drcheck.errors import UserError
from drcheck.report.wording import counted, resource_noun
from drcheck.text import mark_deceptive

PAPER_CSS = {"a4": "", "letter": "\n@page { size: Letter; }\n"}


def template_environment(template_dirs: list[Path]) -> jinja2.Environment:
    """The report's Jinja environment, for our templates and the user's (--template-dir) alike.

    Sandboxed and immutable: a template from an untrusted checkout (./drcheck.yaml names its folder)
    cannot reach Python internals (`cycler.__init__.__globals__.os`, `''.__class__.__mro__`) or
    change the view it is given; such a template is a template error, never a command run.
    Autoescape everything: every name and tag in a client account is untrusted text. Every value
    printed goes through `finalize`, which shows bidi overrides and zero-width characters as
    visible `[U+202E]` markers, so a name cannot read as something it is not.
    """
    return ImmutableSandboxedEnvironment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_finalize,
    )


def _finalize(value: Any) -> Any:
    # The marker is plain text without <, >, & or quotes, so it is safe inside already-escaped
    # Markup (a `join` of names) and inside attribute values alike.
    if isinstance(value, str):
        marked = mark_deceptive(value)
        return Markup(marked) if isinstance(value, Markup) else marked
    return value


def check_template_dir(path: Path, source: str) -> Path:
    """The --template-dir (or report.template_dir) folder; UserError when it is not one, or when a
    template in it does not compile (found before any AWS call, not after collecting)."""
    if not path.is_dir():
        state = "is not a folder" if path.exists() else "does not exist"
        raise UserError(f"{source}: template folder {path} {state}")
    env = template_environment([path])
    for template in sorted(path.rglob("*.j2")):
        name = template.relative_to(path).as_posix()
        try:
            env.get_template(name)
        except jinja2.TemplateSyntaxError as exc:
            raise UserError(f"{source}: template {template}:{exc.lineno}: {exc.message}") from None
        except (jinja2.TemplateError, OSError, UnicodeDecodeError) as exc:
            raise UserError(f"{source}: template {template}: {' '.join(str(exc).split())[:200]}") from None
    return path


def _source(env: jinja2.Environment, name: str) -> str:
    """A template file's text (our CSS and JS are inlined, not rendered)."""
    if env.loader is None:  # template_environment always sets one
        raise jinja2.TemplateNotFound(name)
    return env.loader.get_source(env, name)[0]


def inline_code(text: str) -> Markup:
    """Rule prose marks parameter names with `backticks`: show them as code, escape everything else."""
    parts = str(text).split("`")
    if len(parts) % 2 == 0:  # an unmatched backtick: leave the text as it is
        return escape(text)
    return Markup("").join(Markup("<code>{}</code>").format(p) if i % 2 else escape(p) for i, p in enumerate(parts))


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def render_html(view: dict[str, Any], template_dirs: list[Path], *, for_print: bool = False) -> str:
    """The report page. On screen, a Content-Security-Policy allows only our own style and script
    (by hash) and data: images, so even a markup slip could neither run code nor fetch anything."""
    env = template_environment(template_dirs)
    env.filters["inline_code"] = inline_code
    env.filters["n"] = lambda value: f"{value:,}" if isinstance(value, int) else value
    env.filters["counted"] = counted  # 1 workload, 2 workloads: never "workload(s)"
    env.filters["noun"] = resource_noun  # AWS::EC2::Subnet -> subnet: type names are internals
    try:
        template = env.get_template("report.html.j2")
        # Marked like every printed value (finalize), so the hashes match what the page holds.
        css = mark_deceptive(_source(env, "report.css") + PAPER_CSS.get(view["paper"], ""))
        script = "" if for_print else mark_deceptive(_source(env, "report.js"))
        csp = (f"default-src 'none'; img-src data:; style-src {_sha256(css)}; "
               + (f"script-src {_sha256(script)}; " if script else "")
               + "base-uri 'none'; form-action 'none'")
        return template.render(view=view, css=css, script=script, csp=csp, for_print=for_print)
    except jinja2.TemplateError as exc:
        raise UserError(f"Report template error: {' '.join(str(exc).split())[:300]}") from None
    except (ArithmeticError, LookupError, TypeError, ValueError) as exc:
        if len(template_dirs) < 2:  # our own templates only: a bug in drcheck, reported as one
            raise
        # A user's template (first in the list) can raise what Python raises: 1/0, range(10**12)
        # in the sandbox, "x"|int(base=99). That is the template's error, not drcheck's.
        raise UserError(f"Report template error ({type(exc).__name__}): "
                        f"{' '.join(str(exc).split())[:300]}") from None


def render_pdf(html: str, allowed_files: tuple[str, ...] = (), refused: list[str] | None = None) -> bytes:
    """PDF from the report HTML; nothing is fetched except data: URLs and the given files (a logo).

    `refused` collects every URL the fetcher turned down (tests assert on it).
    """
    try:
        from weasyprint import HTML
        from weasyprint.urls import URLFetcher
    except OSError as exc:  # Pango or its friends are missing
        raise UserError(
            "PDF rendering needs Pango (Debian: apt install libpango-1.0-0 libpangoft2-1.0-0): " + str(exc)
        ) from None
    log = refused if refused is not None else []

    class OfflineFetcher(URLFetcher):
        """Refuses network and file URLs: account data may carry hostile URLs into the report."""

        def fetch(self, url, headers=None):
            if url.startswith("data:") or url in allowed_files:
                return super().fetch(url, headers)
            log.append(url)
            raise ValueError(f"drcheck reports fetch nothing external (refused {url[:80]})")

    fetcher = OfflineFetcher(allowed_protocols={"data", "file"}, allow_redirects=False)
    return HTML(string=html, url_fetcher=fetcher).write_pdf(**accessibility_options())


def accessibility_options() -> dict[str, Any]:
    """Tag the PDF (structure for screen readers) as far as the installed WeasyPrint can: PDF/UA-1
    where it offers the variant (tags, language, title in the metadata), else plain tags (pdf_tags
    came in WeasyPrint 63), else nothing: an untagged PDF beats no PDF."""
    import weasyprint

    try:
        from weasyprint.pdf import VARIANTS
    except ImportError:
        VARIANTS = {}
    if "pdf/ua-1" in VARIANTS:
        return {"pdf_variant": "pdf/ua-1"}
    if "pdf_tags" in getattr(weasyprint, "DEFAULT_OPTIONS", {}):
        return {"pdf_tags": True}
    return {}
