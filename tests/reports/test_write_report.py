"""Writing a report is whole or nothing: a write cut short leaves the earlier file as it was and no leftovers."""

import resource
import signal
from contextlib import contextmanager

import pytest
from report_samples import sample_report

from trainer.core.errors import TrainerError
from trainer.core.report_model import load_report_text
from trainer.reports import write_report

LIMIT = 20_000  # bytes a file may grow to: below every form of the sample report but JSON's


@contextmanager
def file_size_limit(limit: int):
    """Files this process writes cannot grow past `limit` (the write fails with EFBIG, as on a full disk)."""
    old_limit = resource.getrlimit(resource.RLIMIT_FSIZE)
    old_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, old_limit[1]))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, old_limit)
        signal.signal(signal.SIGXFSZ, old_handler)


@pytest.mark.parametrize("kind", ["html", "pdf"])
def test_a_write_cut_short_keeps_the_earlier_report_and_leaves_nothing_behind(tmp_path, kind):
    path = tmp_path / f"sam.{kind}"
    path.write_text("last week's report")
    with file_size_limit(LIMIT), pytest.raises(TrainerError) as failure:
        write_report(sample_report(), kind, path)
    assert str(failure.value) == f"{path}: cannot write the report (File too large); choose another file"
    assert path.read_text() == "last week's report"
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_a_whole_write_replaces_the_earlier_report(tmp_path):
    path = tmp_path / "sam.json"
    path.write_text("last week's report")
    write_report(sample_report(), "json", path)
    assert load_report_text(path.read_bytes()).rep == "Sam Lee"
    assert [p.name for p in tmp_path.iterdir()] == [path.name]
