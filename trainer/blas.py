"""One BLAS thread per process: RepDrill's matrix work is small and must not fight the audio.

numpy's OpenBLAS starts a thread per core for every product. RepDrill's products are small
(a few dozen sentence vectors against the move library), and on a 2-core laptop already
busy with audio, speech recognition and the prospect's voice those threads wait on each
other: measured at load 8-12 on 2 cores, the move library's similarities for one answer
took a median 41 ms with OpenBLAS's threads and 0.9 ms with one. The speech engines keep
their own thread settings (they do not use numpy's BLAS).
"""

from __future__ import annotations

_limited = False


def one_blas_thread() -> None:
    """Limit numpy's BLAS to one thread for the rest of the process (idempotent; loads numpy)."""
    global _limited
    if not _limited:
        import numpy  # noqa: F401  (a BLAS is limited only once it is loaded)
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=1, user_api="blas")
        _limited = True
