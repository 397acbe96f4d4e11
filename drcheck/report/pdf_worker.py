"""Render the PDF in a second process that gets ready while the scan runs.

WeasyPrint takes about a second to import and set up its fonts, and then lays out the whole
report on one core. A worker forked at the start of a run does the setup while the account is
being collected, and lays out the PDF while this process renders the other formats; on a
two-core machine that takes a few seconds off every run. Where fork is unavailable (or there is
one core) the PDF is rendered inline, with the same result.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import threading
from collections.abc import Callable
from typing import Any

from drcheck.errors import UserError
from drcheck.report.render import render_pdf


class PdfWorker:
    def __init__(self) -> None:
        self._connection: Any = None
        self._process: Any = None

    def start(self) -> PdfWorker:
        if "fork" not in mp.get_all_start_methods() or (os.cpu_count() or 1) < 2:
            return self
        self._connection, child_end = mp.Pipe()
        self._process = mp.get_context("fork").Process(target=_serve, args=(child_end,), daemon=True,
                                                       name="drcheck-pdf")
        # The child inherits signal dispositions at fork: ignoring SIGINT across the fork closes the
        # gap before _serve ignores it itself, where a Ctrl-C would print the worker's traceback.
        in_main = threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if in_main else None
        try:
            self._process.start()
        finally:
            if in_main:
                signal.signal(signal.SIGINT, previous)
        child_end.close()
        return self

    def submit(self, html: str) -> Callable[[], bytes]:
        """Start rendering; the returned function waits for the PDF (or raises the renderer's error)."""
        if self._process is None:
            pdf = render_pdf(html)
            return lambda: pdf
        self._connection.send(html)

        def result() -> bytes:
            try:
                kind, payload = self._connection.recv()
            except EOFError:
                raise RuntimeError("the PDF renderer process ended unexpectedly") from None
            if kind == "ok":
                return payload
            if kind == "user":
                raise UserError(payload)
            raise RuntimeError(f"PDF rendering failed: {payload}")

        return result

    def close(self) -> None:
        if self._process is None:
            return
        try:
            self._connection.send(None)
        except (BrokenPipeError, OSError):
            pass
        self._process.join(timeout=5)
        if self._process.is_alive():
            self._process.terminate()
        self._connection.close()
        self._process = None

    def __enter__(self) -> PdfWorker:
        return self.start()

    def __exit__(self, *_: Any) -> None:
        self.close()


def _serve(connection: Any) -> None:
    """The worker: warm WeasyPrint up, then render each HTML it receives until told to stop."""
    # Ctrl-C reaches the whole process group; the parent decides what happens (it closes the pipe,
    # and the loop below ends), so the worker ignores it rather than print a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        render_pdf("<p>warm-up</p>")  # imports WeasyPrint and loads the fonts before any real work
    except Exception:  # noqa: BLE001 - the real render reports the problem in full
        pass
    while True:
        try:
            html = connection.recv()
        except EOFError:
            return
        if html is None:
            return
        try:
            connection.send(("ok", render_pdf(html)))
        except UserError as exc:
            connection.send(("user", str(exc)))
        except Exception as exc:  # sent back to the parent, which raises it
            connection.send(("error", f"{type(exc).__name__}: {exc}"))
