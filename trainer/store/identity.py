"""The rep's id: a random name for this data folder, so a coach can tell one rep's reports from another's.

Reports carry the rep's display name, which two reps may share and one rep may
change; the id stays with the data folder (it moves with it and is in its backups)
and says nothing about the person. Made once, on first use.
"""

from __future__ import annotations

import uuid

from trainer.store.db import Store

REP_ID_KEY = "rep_id"


def rep_id(store: Store) -> str:
    """This data folder's rep id (32 hex digits), made and kept the first time it is asked for."""
    rows = store.query("SELECT value FROM meta WHERE key = ?", (REP_ID_KEY,))
    if rows:
        return rows[0]["value"]
    with store.transaction("saving the rep id") as conn:
        conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", (REP_ID_KEY, uuid.uuid4().hex))
    return store.query("SELECT value FROM meta WHERE key = ?", (REP_ID_KEY,))[0]["value"]
