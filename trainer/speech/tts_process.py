"""The app's side of a text-to-speech process (trainer/speech/tts_worker.py, natural_worker.py): ask, wait, recover.

One request at a time goes to the engine's process and the caller waits for the
reply with a timeout. When the process dies (espeak-ng crashed), a new one is started
and the request is asked once more; a second death in a row is an error naming the
line. When it hangs past the timeout it is stopped, so the next request starts
afresh instead of waiting behind it. Either way the app keeps running.
"""

from __future__ import annotations

import atexit
import json
import logging
import queue
import subprocess
import sys
import threading
from typing import Any

from trainer.core.errors import TrainerError

log = logging.getLogger(__name__)

START_TIMEOUT_S = 30.0  # Python plus pyttsx3 start in ~0.3 s; a loaded CI machine needs more
ESPEAK_CHECK = "check that `espeak-ng \"test\"` speaks"


class _Died(Exception):
    """The engine's process ended (its exit status in the message)."""


class TtsProcess:
    """An engine's process, started on first use and again after it dies or hangs.

    `module` is the worker run as `python -m module` (espeak-ng's by default); `check` is
    what the user is told to check when it fails to start, crashes twice or hangs.
    """

    def __init__(self, module: str = "trainer.speech.tts_worker", check: str = ESPEAK_CHECK) -> None:
        self.module = module
        self.check = check
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None
        self._replies: queue.SimpleQueue = queue.SimpleQueue()
        self.busy = threading.Event()  # set while a request is out (for a progress display or a test)
        atexit.register(self.close)

    @property
    def pid(self) -> int | None:
        """The running engine process's id (None before the first request)."""
        return self._process.pid if self._process is not None and self._process.poll() is None else None

    def call(self, request: dict[str, Any], timeout_s: float, what: str) -> Any:
        """The engine's answer to `request`; TrainerError when it fails, dies twice or takes over `timeout_s`."""
        with self._lock:
            crashed_before = False
            while True:
                try:
                    self._start()
                    self.busy.set()
                    try:
                        reply = self._ask(request, timeout_s)
                    finally:
                        self.busy.clear()
                except _Died as died:
                    self._process = None
                    if crashed_before:
                        raise TrainerError(f"text-to-speech engine crashed twice on {what} ({died}); {self.check}, "
                                           "then try again") from None
                    crashed_before = True
                    log.warning("text-to-speech engine crashed on %s (%s); starting it again", what, died)
                    continue
                except TimeoutError:
                    self.close()
                    raise TrainerError(f"text-to-speech engine did not finish {what} within {timeout_s:g} s and was "
                                       f"restarted; {self.check}") from None
                if "error" in reply:
                    raise TrainerError(reply["error"])
                return reply["ok"]

    def close(self) -> None:
        """Stop the engine's process (it is started again when needed)."""
        process, self._process = self._process, None
        if process is None:
            return
        process.kill()
        process.wait()
        for stream in (process.stdin, process.stdout):
            stream.close()

    def _start(self) -> None:
        if self._process is not None and self._process.poll() is None:
            return
        self._process = subprocess.Popen(
            [sys.executable, "-m", self.module], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            text=True, encoding="utf-8", bufsize=1)
        self._replies = queue.SimpleQueue()
        threading.Thread(target=self._read, args=(self._process, self._replies), name="tts-replies",
                         daemon=True).start()
        try:
            ready = self._reply(START_TIMEOUT_S)
        except TimeoutError:
            self.close()
            raise TrainerError(f"text-to-speech engine did not start within {START_TIMEOUT_S:g} s; "
                               f"{self.check}") from None
        if "error" in ready:
            self.close()
            raise TrainerError(ready["error"])

    def _ask(self, request: dict[str, Any], timeout_s: float) -> dict[str, Any]:
        try:
            self._process.stdin.write(json.dumps(request) + "\n")
            self._process.stdin.flush()
        except (BrokenPipeError, OSError):
            pass  # the process is gone: its end of the replies says how
        return self._reply(timeout_s)

    def _reply(self, timeout_s: float) -> dict[str, Any]:
        """The next reply; _Died when the process ended first, TimeoutError when none came in time."""
        try:
            line = self._replies.get(timeout=timeout_s)
        except queue.Empty:
            raise TimeoutError from None
        if line is None:
            raise _Died(_exit_text(self._process.wait()))
        return json.loads(line)

    @staticmethod
    def _read(process: subprocess.Popen, replies: queue.SimpleQueue) -> None:
        """Hand each reply line over as it comes; None when the process's output ends."""
        try:
            for line in process.stdout:
                replies.put(line)
        except (ValueError, OSError):
            pass  # closed by close(): the process was stopped
        replies.put(None)


def _exit_text(status: int) -> str:
    """How a process ended, in words: 'killed by signal 11' or 'exit status 1'."""
    return f"killed by signal {-status}" if status < 0 else f"exit status {status}"
