"""The one way the app does background work: `run_in_background(job, on_done, on_error)`.

The job runs on a worker thread of the app's pool; its result (or the exception it
raised) is delivered to `on_done` (or `on_error`) on the UI thread, through a queued
Qt signal. A job never touches a widget: it reads files, the database, the speech
engines, and returns plain data for the callback to show (Anki's `taskman`, Picard's
`run_task`). When `owner` (a widget) is gone by the time the job ends, the result is
dropped instead of being handed to a dead widget.

Errors without an `on_error` go to one app-wide handler (`set_error_handler`): the
main window shows a `TrainerError`'s message as it is; anything else is a bug,
logged with its traceback.
"""

from __future__ import annotations

import logging
from typing import Any, Callable

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

POOL_THREADS = 4  # a drill's setup, the database and a playback can wait on each other: more than the 2 cores

_pool: QThreadPool | None = None
_dispatcher: _Dispatcher | None = None
_error_handler: Callable[[BaseException], None] | None = None


def pool() -> QThreadPool:
    """The app's worker pool (made on first use)."""
    global _pool
    if _pool is None:
        _pool = QThreadPool()
        _pool.setMaxThreadCount(POOL_THREADS)
    return _pool


def set_error_handler(handler: Callable[[BaseException], None] | None) -> None:
    """Where errors of jobs without their own `on_error` go (the main window sets it)."""
    global _error_handler
    _error_handler = handler


def report_error(error: BaseException) -> None:
    """Hand an error to the app-wide handler, or log it when there is none."""
    if _error_handler is not None:
        _error_handler(error)
    else:
        log.error("background job failed", exc_info=error)


class _Dispatcher(QObject):
    """Lives on the UI thread; workers emit on it and Qt queues each call to the UI thread.

    One object for every job: a QObject per job would be deleted inside its own slot.
    """

    finished = Signal(object, object, object)  # the job's handlers, its result or error, whether it failed

    def __init__(self) -> None:
        super().__init__()
        self.finished.connect(self._deliver)

    @Slot(object, object, object)  # a decorated slot: PySide 6.8+ can crash on cross-thread calls to plain callables (PYSIDE-3124)
    def _deliver(self, handlers: _Handlers, payload: Any, failed: bool) -> None:
        if handlers.owner is not None and not shiboken6.isValid(handlers.owner):
            return
        if not failed:
            if handlers.on_done is not None:
                handlers.on_done(payload)
        elif handlers.on_error is not None:
            handlers.on_error(payload)
        else:
            report_error(payload)


class _Handlers:
    """Where one job's outcome goes."""

    __slots__ = ("on_done", "on_error", "owner")

    def __init__(self, on_done, on_error, owner: QObject | None) -> None:
        self.on_done = on_done
        self.on_error = on_error
        self.owner = owner


class _Job(QRunnable):
    def __init__(self, job: Callable[[], Any], handlers: _Handlers, dispatcher: _Dispatcher) -> None:
        super().__init__()
        self._job = job
        self._handlers = handlers
        self._dispatcher = dispatcher

    def run(self) -> None:  # on a worker thread
        try:
            result = self._job()
        except BaseException as error:  # handed to the UI thread, never lost
            self._dispatcher.finished.emit(self._handlers, error, True)
        else:
            self._dispatcher.finished.emit(self._handlers, result, False)


def run_in_background(
    job: Callable[[], Any],
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
    *,
    owner: QObject | None = None,
) -> None:
    """Run `job()` on a worker thread; call `on_done(result)` or `on_error(exception)` on the UI thread.

    Call it from the UI thread. `job` must not touch widgets. With `owner`, nothing is
    delivered once that object has been deleted.
    """
    global _dispatcher
    if _dispatcher is None:
        _dispatcher = _Dispatcher()
    pool().start(_Job(job, _Handlers(on_done, on_error, owner), _dispatcher))


class ProgressRelay(QObject):
    """Hands a job's progress to the UI thread: pass `report` into the job, connect `changed` to a bar.

    `report(done, total)` may be called from any thread (total None when unknown).
    """

    changed = Signal(object, object)

    def report(self, done: int, total: int | None) -> None:
        """Queue a progress update for the UI thread."""
        self.changed.emit(done, total)


def wait_for_jobs(timeout_ms: int = 10_000) -> bool:
    """Block until every started job has returned (at exit); False on timeout."""
    return pool().waitForDone(timeout_ms)
