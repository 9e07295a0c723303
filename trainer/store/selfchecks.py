"""The rep's self-checks of call reluctance in the store (table `selfchecks`, migration 7).

Each completed self-check is kept (so a later one can be compared with the first);
the profile reads the latest. Answers are 0-4 per statement of
`trainer/data/reluctance.yaml`, in order.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Sequence

from trainer.core.selfcheck import SelfCheck
from trainer.store.db import Store


def save_selfcheck(store: Store, answers: Sequence[int]) -> SelfCheck:
    """Store a completed self-check at the store clock's time; returns it."""
    check = SelfCheck(store.clock(), tuple(int(a) for a in answers))
    with store.transaction("saving the self-check") as conn:
        conn.execute("INSERT INTO selfchecks (taken_at, answers) VALUES (?, ?)",
                     (check.taken_at.isoformat(), json.dumps(list(check.answers))))
    return check


def latest_selfcheck(store: Store) -> SelfCheck | None:
    """The rep's most recent self-check, or None when they have not taken one."""
    rows = store.query("SELECT taken_at, answers FROM selfchecks ORDER BY taken_at DESC, id DESC LIMIT 1")
    if not rows:
        return None
    return SelfCheck(datetime.fromisoformat(rows[0]["taken_at"]), tuple(json.loads(rows[0]["answers"])))
