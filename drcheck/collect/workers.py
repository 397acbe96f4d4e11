"""The collection's worker threads, its deadlines and its cancellation.

Why not concurrent.futures: a call stuck on a trickling connection (one byte every 30 s never
trips a read timeout) cannot be interrupted, and ThreadPoolExecutor joins every worker at exit,
so one such call would hold the scan, and the process, for as long as the server likes. Here the
workers are daemon threads fed from a queue, and the main thread, which alone runs the
scheduler's handlers, can *abandon* a task: its handler runs at once with the reason (the work
becomes UNKNOWN), a fresh thread takes its place, and the stuck thread exits whenever its call
returns (its next call attempt raises at once). Results come back through one queue, so waiting
costs nothing per pending task.

Boundaries: botocore's `before-call` (once per API call, each page included) starts a call's
clock; `before-send` (each attempt, retries included) refuses to go on past a deadline or after
Ctrl-C, so a running task stops at its next call.
"""

from __future__ import annotations

import queue
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

QUEUED, RUNNING, FINISHED, ABANDONED, CANCELLED = "queued", "running", "finished", "abandoned", "cancelled"
MAX_WAIT = 1.0  # seconds the main thread waits for a result before it looks at the clocks again


@dataclass(frozen=True)
class Deadlines:
    """How long one AWS call (all its attempts) and the whole collection may take, in seconds (None: no limit)."""

    call: float | None = 120.0  # DEFAULT_CALL_DEADLINE
    scan: float | None = None


DEFAULT_CALL_DEADLINE = 120.0


def parse_deadline(value: object, what: str) -> float | None:
    """Seconds from a deadline setting: a duration (90s, 2m, 1h), a number of seconds, or "none"."""
    from drcheck.errors import UserError
    from drcheck.objectives.durations import DurationError, parse_duration

    if isinstance(value, str) and value.strip().lower() in ("none", "off"):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = float(value)
    else:
        text = str(value).strip()
        try:
            seconds = float(text) if re.fullmatch(r"\d+(\.\d+)?", text) else parse_duration(text)
        except DurationError:
            raise UserError(f"{what}: {value!r} is not a duration (e.g. 90s, 2m, 1h, or none)") from None
    if not 0 < seconds <= 7 * 86400:
        raise UserError(f"{what}: {value!r} must be more than 0 and at most 7 days")
    return seconds


def resolve_deadlines(call: object = None, scan: object = None, settings: dict | None = None) -> Deadlines:
    """Deadlines from flags (`call`, `scan`), else drcheck.yaml's `collect:` section, else the defaults."""
    settings = settings or {}
    call = call if call is not None else settings.get("call_deadline")
    scan = scan if scan is not None else settings.get("scan_deadline")
    return Deadlines(call=DEFAULT_CALL_DEADLINE if call is None else parse_deadline(call, "--call-deadline"),
                     scan=None if scan is None else parse_deadline(scan, "--scan-deadline"))


class Stopped(Exception):
    """Work that did not run to its end; the message says why (recorded as the UNKNOWN's reason)."""


class CallDeadlineExceeded(Stopped):
    """One call got no complete answer within the call deadline."""


class ScanDeadlineExceeded(Stopped):
    """The collection's deadline passed before this work was done."""


class Interrupted(Stopped):
    """The user interrupted the scan (Ctrl-C)."""


@dataclass(eq=False)
class Task:
    """One unit of work: `fn(*args)` on a worker; then `done(result)` or `failed(exception)` on the main thread."""

    label: str
    operation: str
    fn: Callable[..., Any]
    args: tuple
    done: Callable[[Any], None]
    failed: Callable[[BaseException], None]
    state: str = QUEUED
    call_started: float | None = None  # monotonic start of the call in progress (set by the worker)
    extra: dict = field(default_factory=dict)


def format_seconds(seconds: float) -> str:
    return f"{seconds:g} s" if seconds < 120 else f"{seconds / 60:g} min"


class WorkerPool:
    def __init__(self, size: int, deadlines: Deadlines):
        self.size = max(1, size)
        self.deadlines = deadlines
        self.stopped: str | None = None  # why the run stopped early, when it did
        self.unfinished = 0  # tasks that became UNKNOWN because of that
        self.scheduled = 0
        self.done = 0
        self._tasks: queue.SimpleQueue[Task | None] = queue.SimpleQueue()
        self._results: queue.SimpleQueue[tuple[Task, bool, Any]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._pending: set[Task] = set()  # submitted, handler not yet run
        self._running: set[Task] = set()
        self._threads = 0
        self._local = threading.local()
        self._scan_ends: float | None = None

    # -- the main thread --------------------------------------------------------------------------

    def submit(self, task: Task) -> None:
        """Queue a task (from the main thread); once the run has stopped, fail it at once."""
        self.scheduled += 1
        if self.stopped is not None:
            self.done += 1
            self.unfinished += 1
            task.state = CANCELLED
            task.failed(ScanDeadlineExceeded(f"{task.operation} not called: {self.stopped}"))
            return
        self._pending.add(task)
        self._tasks.put(task)

    def run(self, progress: Callable[[int, int, str], None] | None = None) -> None:
        """Run every submitted task (and those their handlers submit) to its end, or to a deadline."""
        start = time.monotonic()
        self._scan_ends = start + self.deadlines.scan if self.deadlines.scan is not None else None
        for _ in range(min(self.size, len(self._pending))):
            self._spawn()
        try:
            while self._pending:
                try:
                    task, ok, value = self._results.get(timeout=self._wait())
                except queue.Empty:
                    self._enforce_deadlines()
                    continue
                with self._lock:
                    self._running.discard(task)
                    if task.state != RUNNING:
                        continue  # abandoned: its handler already ran
                    task.state = FINISHED
                self._finish(task, ok, value, progress)
                self._enforce_deadlines()
                if self._threads < min(self.size, len(self._pending)):
                    self._spawn()
        except KeyboardInterrupt:
            self._cancel_all()
            raise
        finally:
            for _ in range(self._threads):
                self._tasks.put(None)  # idle workers exit; busy ones exit after their call

    def _finish(self, task: Task, ok: bool, value: Any, progress: Callable | None) -> None:
        self._pending.discard(task)
        self.done += 1
        (task.done if ok else task.failed)(value)
        if progress:
            progress(self.done, self.scheduled, task.label)

    def _wait(self) -> float:
        """Seconds until the next deadline could pass (at most MAX_WAIT, so Ctrl-C is seen promptly)."""
        now = time.monotonic()
        wake = now + MAX_WAIT
        if self._scan_ends is not None:
            wake = min(wake, self._scan_ends)
        if self.deadlines.call is not None:
            with self._lock:
                starts = [t.call_started for t in self._running if t.call_started is not None]
            if starts:
                wake = min(wake, min(starts) + self.deadlines.call)
        return max(0.01, wake - now)

    def _enforce_deadlines(self) -> None:
        now = time.monotonic()
        if self._scan_ends is not None and now >= self._scan_ends and self.stopped is None:
            self._stop_all(f"the scan deadline ({format_seconds(self.deadlines.scan or 0)}) passed")
            return
        if self.deadlines.call is None:
            return
        with self._lock:
            late = [t for t in self._running
                    if t.call_started is not None and now - t.call_started > self.deadlines.call]
            for task in late:
                task.state = ABANDONED
                self._running.discard(task)
        for task in late:
            self._abandon(task, CallDeadlineExceeded(
                f"{task.extra.get('current', task.operation)} got no complete answer within the call deadline "
                f"({format_seconds(self.deadlines.call)})"))

    def _abandon(self, task: Task, reason: BaseException) -> None:
        """Run the task's failure handler now; its thread is replaced and exits when its call returns."""
        self._threads -= 1
        self._finish(task, False, reason, None)
        if self._pending and self._threads < self.size:
            self._spawn()

    def _stop_all(self, why: str) -> None:
        """The scan deadline passed: queued work is not started, running work is abandoned."""
        self.stopped = why
        with self._lock:
            tasks = list(self._pending)
            for task in tasks:
                task.state = CANCELLED if task.state == QUEUED else ABANDONED
            self._running.clear()
        for task in sorted(tasks, key=lambda t: t.state):  # "abandoned" first: their calls were under way
            self.unfinished += 1
            if task.state == ABANDONED:
                self._threads -= 1
                message = f"{task.extra.get('current', task.operation)}: {why} while waiting for the answer"
            else:
                message = f"{task.operation} not called: {why}"
            if task in self._pending:  # a handler run above may already have failed it
                self._finish(task, False, ScanDeadlineExceeded(message), None)

    def _cancel_all(self) -> None:
        """Ctrl-C: nothing more starts, and running tasks stop at their next call."""
        self.stopped = "interrupted"
        with self._lock:
            for task in self._pending:
                task.state = CANCELLED if task.state == QUEUED else ABANDONED
            self._running.clear()
        self._pending.clear()

    def _spawn(self) -> None:
        self._threads += 1
        threading.Thread(target=self._work, name="drcheck-worker", daemon=True).start()

    # -- worker threads ----------------------------------------------------------------------------

    def _work(self) -> None:
        while True:
            task = self._tasks.get()
            if task is None:
                return
            with self._lock:
                if task.state != QUEUED:
                    continue  # cancelled while it waited
                task.state = RUNNING
                self._running.add(task)
            self._local.task = task
            try:
                result: tuple[Task, bool, Any] = (task, True, task.fn(*task.args))
            except BaseException as exc:  # noqa: BLE001 - handed to the main thread, which decides
                result = (task, False, exc)
            finally:
                self._local.task = None
            self._results.put(result)
            if task.state == ABANDONED:
                return  # a fresh thread already took this one's place

    # -- botocore hooks (run on worker threads) ------------------------------------------------------

    @contextmanager
    def watching(self, clients: Iterable[Any]) -> Iterator[None]:
        """Start call clocks and enforce deadlines and cancellation on these clients while collecting."""
        clients = list(clients)
        uid = f"drcheck-workers-{id(self)}"
        for client in clients:
            events = client.meta.events
            events.register_first("before-call", self._before_call, unique_id=f"{uid}-call")
            events.register_first("before-send", self._before_send, unique_id=f"{uid}-send")
            events.register("after-call", self._after_call, unique_id=f"{uid}-after")
            events.register("after-call-error", self._after_call, unique_id=f"{uid}-error")
        try:
            yield
        finally:
            for client in clients:
                events = client.meta.events
                events.unregister("before-call", unique_id=f"{uid}-call")
                events.unregister("before-send", unique_id=f"{uid}-send")
                events.unregister("after-call", unique_id=f"{uid}-after")
                events.unregister("after-call-error", unique_id=f"{uid}-error")

    def _before_call(self, model: Any = None, **_: Any) -> None:
        task = getattr(self._local, "task", None)
        if task is None:
            return
        self._refuse_if_stopped(task)
        task.extra["current"] = getattr(model, "name", task.operation)
        task.call_started = time.monotonic()

    def _before_send(self, **_: Any) -> None:
        task = getattr(self._local, "task", None)
        if task is None:
            return
        self._refuse_if_stopped(task)
        started, limit = task.call_started, self.deadlines.call
        if started is not None and limit is not None and time.monotonic() - started > limit:
            raise CallDeadlineExceeded(f"{task.extra.get('current', task.operation)} got no complete answer "
                                       f"within the call deadline ({format_seconds(limit)})")

    def _after_call(self, **_: Any) -> None:
        task = getattr(self._local, "task", None)
        if task is not None:
            task.call_started = None

    def _refuse_if_stopped(self, task: Task) -> None:
        if task.state == ABANDONED or self.stopped is not None:
            raise Interrupted(f"{task.extra.get('current', task.operation)} not called: "
                              f"{self.stopped or 'its task was abandoned'}")
