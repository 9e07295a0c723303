"""Store fixtures: a store in the test's data folder, and real tiny or read-only filesystems."""

import pytest
from tmpfs import mount_tmpfs

from trainer.store.db import Store


@pytest.fixture
def store():
    """A store in this test's own data folder ($TRAINER_DATA from tests/conftest.py)."""
    with Store() as opened:
        yield opened


@pytest.fixture
def tiny_disk(tmp_path):
    """A real 1 MB filesystem, to fill up."""
    path = tmp_path / "tiny"
    unmount = mount_tmpfs(path, "size=1m")
    yield path
    unmount()


@pytest.fixture
def read_only_disk(tmp_path):
    """A real read-only filesystem (root cannot write to it either, unlike a chmod-ed folder)."""
    path = tmp_path / "ro"
    unmount = mount_tmpfs(path, "ro,size=1m")
    yield path
    unmount()
