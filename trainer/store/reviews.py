"""The spaced-repetition schedule in the store: one FSRS card per objection met, and every review.

`review_drill` is what happens to the schedule after a drill: each objection the
drill asked gets one review, rated from the mean score of its answered turns, at
the store clock's time. Cards live in `schedule`, the history in `reviews`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from statistics import mean

from fsrs import Card, Rating

from trainer.core.practice import PracticeSettings
from trainer.core.schedule import CardKey, card_from_json, card_to_json, review, review_log_json
from trainer.store.db import Store


@dataclass(frozen=True)
class ObjectionReview:
    """One objection's review after a drill: the score it was rated from, the rating and when it is due next."""

    pack_id: str
    objection_id: str
    score: float
    rating: Rating
    due: datetime

    def as_json(self) -> dict:
        """A JSON-ready dict (the `schedule` of `trainer drill --json`)."""
        return {"pack": self.pack_id, "objection": self.objection_id, "score": round(self.score, 1),
                "rating": self.rating.name.lower(), "due": self.due.isoformat()}


def schedule_cards(store: Store, pack_id: str | None = None) -> dict[CardKey, Card]:
    """The cards of every objection met (of one pack when given), by (pack id, objection id)."""
    sql, params = "SELECT pack_id, objection_id, card FROM schedule", ()
    if pack_id is not None:
        sql, params = sql + " WHERE pack_id = ?", (pack_id,)
    return {(row["pack_id"], row["objection_id"]): card_from_json(row["card"]) for row in store.query(sql, params)}


def record_review(
    store: Store,
    pack_id: str,
    objection_id: str,
    score: float,
    drill_id: int | None = None,
    settings: PracticeSettings | None = None,
) -> ObjectionReview:
    """Review an objection's card with `score` now (store clock) and store the card and the review together."""
    at = store.clock()
    rows = store.query("SELECT card FROM schedule WHERE pack_id = ? AND objection_id = ?", (pack_id, objection_id))
    card, log = review(card_from_json(rows[0]["card"]) if rows else None, pack_id, objection_id, score, at, settings)
    now = store.now_text()
    with store.transaction("saving the practice schedule") as conn:
        conn.execute(
            "INSERT INTO schedule (pack_id, objection_id, card, due, updated_at) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (pack_id, objection_id) DO UPDATE SET card = excluded.card, due = excluded.due,"
            " updated_at = excluded.updated_at",
            (pack_id, objection_id, card_to_json(card), card.due.isoformat(), now),
        )
        conn.execute(
            "INSERT INTO reviews (pack_id, objection_id, rating, reviewed_at, log, drill_id) VALUES (?, ?, ?, ?, ?, ?)",
            (pack_id, objection_id, int(log.rating), now, review_log_json(log), drill_id),
        )
    return ObjectionReview(pack_id, objection_id, score, log.rating, card.due)


def review_drill(store: Store, drill_id: int, settings: PracticeSettings | None = None) -> list[ObjectionReview]:
    """Review every objection a stored drill asked, rated from the mean score of its scored turns."""
    pack_id = store.query("SELECT pack_id FROM drills WHERE id = ?", (drill_id,))[0]["pack_id"]
    scores: dict[str, list[float]] = {}
    for row in store.query(
        "SELECT objection_id, score FROM turns WHERE drill_id = ? AND status = 'scored' AND score IS NOT NULL"
        " ORDER BY number", (drill_id,)
    ):
        scores.setdefault(row["objection_id"], []).append(row["score"])
    return [record_review(store, pack_id, objection, mean(values), drill_id, settings)
            for objection, values in scores.items()]
