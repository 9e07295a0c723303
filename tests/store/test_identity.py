"""The rep id: made once per data folder, kept across restarts, different in another folder."""

import re

from trainer.store.db import Store
from trainer.store.identity import rep_id


def test_the_rep_id_is_made_once_and_kept(tmp_path, monkeypatch):
    with Store() as store:
        first = rep_id(store)
        assert re.fullmatch(r"[0-9a-f]{32}", first) and rep_id(store) == first
    with Store() as again:
        assert rep_id(again) == first
    monkeypatch.setenv("TRAINER_DATA", str(tmp_path / "another-rep"))
    with Store() as other:
        assert rep_id(other) != first
