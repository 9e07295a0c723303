"""RepDrill's processes use one BLAS thread (trainer/blas.py), set by the CLI entry and the recogniser's loader."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import json, numpy
from threadpoolctl import threadpool_info
def blas(): return [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]
before = blas()
from trainer.blas import one_blas_thread
one_blas_thread()
one_blas_thread()
print(json.dumps([before, blas()]))
"""


def test_one_blas_thread_limits_numpys_blas():
    env = {"OPENBLAS_NUM_THREADS": "2", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}  # as on a 2-core machine
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, cwd=ROOT, check=True)
    before, after = json.loads(out.stdout)
    assert before and set(before) == {2}, out.stdout  # numpy's BLAS is there, with two threads
    assert after == [1] * len(before), out.stdout
