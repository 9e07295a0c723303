"""The database schema, as an ordered list of migrations tracked by `PRAGMA user_version`.

Migration N (1-based) turns a version N-1 database into version N, in one
transaction. Add new migrations at the end; never edit one that has shipped.
Times stored as TEXT are ISO 8601 UTC wall-clock times; REAL columns of a turn
are seconds on the drill's monotonic clock, relative to drill start. Paths of
recordings are relative to the data folder (posix separators), so the folder
can be moved.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from trainer.core.errors import TrainerError

MIGRATIONS: list[str] = [
    # 1: drills, turns and their words/reasons; what the ladder, opener bank and
    #    spaced repetition (issue 6) keep.
    """
    CREATE TABLE drills (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: names a recordings folder
        pack_id       TEXT NOT NULL,
        pack_version  TEXT NOT NULL DEFAULT '',
        level         INTEGER NOT NULL,
        started_at    TEXT NOT NULL,
        ended_at      TEXT,
        outcome       TEXT,
        score         REAL,
        metrics       TEXT,                  -- JSON: drill-level metrics (talk share, pace ...)
        engine        TEXT NOT NULL DEFAULT '',
        mode          TEXT NOT NULL DEFAULT '', -- mic | files
        status        TEXT NOT NULL DEFAULT 'in_progress'
                      CHECK (status IN ('in_progress', 'finished', 'abandoned')),
        suds_before   INTEGER CHECK (suds_before BETWEEN 0 AND 100),
        suds_after    INTEGER CHECK (suds_after BETWEEN 0 AND 100)
    );
    CREATE INDEX drills_by_pack_level ON drills (pack_id, level, started_at);

    CREATE TABLE turns (
        id                   INTEGER PRIMARY KEY,
        drill_id             INTEGER NOT NULL REFERENCES drills (id) ON DELETE CASCADE,
        number               INTEGER NOT NULL,  -- 1, 2, ... within the drill
        objection_id         TEXT NOT NULL,
        node_id              TEXT NOT NULL,
        prospect_line        TEXT NOT NULL,
        prospect_audio       TEXT,              -- rendered line (cache file, rebuildable)
        prospect_start       REAL,
        prospect_end         REAL,
        rep_recording        TEXT,              -- recordings/<drill>/turn-<n>-rep.wav
        rep_start            REAL,
        rep_end              REAL,
        transcript           TEXT,
        score                REAL,
        components           TEXT,              -- JSON: score components
        metrics              TEXT,              -- JSON
        covered              TEXT,              -- JSON list of covered moves
        end_of_turn_at       REAL,              -- end-of-turn decision
        transcript_final_at  REAL,
        score_ready_at       REAL,
        next_audio_at        REAL,              -- the prospect's next audio started
        status               TEXT NOT NULL DEFAULT 'recording'
                             CHECK (status IN ('recording', 'scored', 'recovered')),
        created_at           TEXT NOT NULL,
        UNIQUE (drill_id, number)
    );
    CREATE INDEX turns_by_objection ON turns (objection_id);
    CREATE INDEX turns_by_status ON turns (status);

    CREATE TABLE words (
        turn_id     INTEGER NOT NULL REFERENCES turns (id) ON DELETE CASCADE,
        number      INTEGER NOT NULL,
        text        TEXT NOT NULL,
        start       REAL NOT NULL,
        "end"       REAL NOT NULL,
        confidence  REAL NOT NULL DEFAULT 1.0,
        PRIMARY KEY (turn_id, number)
    ) WITHOUT ROWID;

    CREATE TABLE reasons (
        turn_id      INTEGER NOT NULL REFERENCES turns (id) ON DELETE CASCADE,
        number       INTEGER NOT NULL,
        component    TEXT NOT NULL DEFAULT '',
        points_lost  REAL NOT NULL,
        text         TEXT NOT NULL,
        PRIMARY KEY (turn_id, number)
    ) WITHOUT ROWID;

    -- The rep's own openers. `recording` is a copy owned by the entry
    -- (recordings/bank/<id>.wav), so deleting the drill it came from keeps it.
    CREATE TABLE bank_entries (
        id              INTEGER PRIMARY KEY,
        text            TEXT NOT NULL,          -- what the rep wants to say next time
        transcript      TEXT NOT NULL DEFAULT '',
        recording       TEXT,
        pack_id         TEXT NOT NULL DEFAULT '',
        objection_id    TEXT NOT NULL,
        category        TEXT NOT NULL DEFAULT '',
        tags            TEXT NOT NULL DEFAULT '[]',  -- JSON list
        score           REAL,
        starred         INTEGER NOT NULL DEFAULT 0 CHECK (starred IN (0, 1)),
        retired         INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1)),
        source_turn_id  INTEGER REFERENCES turns (id) ON DELETE SET NULL,
        created_at      TEXT NOT NULL,
        updated_at      TEXT NOT NULL
    );
    CREATE INDEX bank_by_objection ON bank_entries (objection_id, retired);

    -- Spaced repetition: one FSRS card per objection the rep has met.
    CREATE TABLE schedule (
        pack_id       TEXT NOT NULL,
        objection_id  TEXT NOT NULL,
        card          TEXT NOT NULL,   -- JSON (fsrs Card.to_json())
        due           TEXT NOT NULL,
        updated_at    TEXT NOT NULL,
        PRIMARY KEY (pack_id, objection_id)
    );
    CREATE INDEX schedule_by_due ON schedule (due);

    CREATE TABLE reviews (
        id            INTEGER PRIMARY KEY,
        pack_id       TEXT NOT NULL,
        objection_id  TEXT NOT NULL,
        rating        INTEGER NOT NULL,
        reviewed_at   TEXT NOT NULL,
        log           TEXT,            -- JSON (fsrs ReviewLog.to_json())
        drill_id      INTEGER REFERENCES drills (id) ON DELETE SET NULL
    );
    CREATE INDEX reviews_by_objection ON reviews (pack_id, objection_id, reviewed_at);

    -- The rep's ladder level per pack ('' category = the whole pack).
    CREATE TABLE levels (
        pack_id     TEXT NOT NULL,
        category    TEXT NOT NULL DEFAULT '',
        level       INTEGER NOT NULL CHECK (level >= 1),
        updated_at  TEXT NOT NULL,
        PRIMARY KEY (pack_id, category)
    );
    """,
    # 2: facts about the data folder itself, such as the rep's id on their reports.
    """
    CREATE TABLE meta (
        key    TEXT PRIMARY KEY,
        value  TEXT NOT NULL
    );
    """,
    # 3: each turn's moves with the words that earned them (evidence), and how they were judged.
    """
    ALTER TABLE turns ADD COLUMN moves TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE turns ADD COLUMN rubric_method TEXT;
    """,
    # 4: the rep's last voiced frame of each answer (drill clock): with next_audio_at, the gap the
    #    rep feels before the prospect answers (issue 15).
    """
    ALTER TABLE turns ADD COLUMN speech_end_at REAL;
    """,
    # 5: prospect lines stopped because the rep went on with the answer after its end was
    #    decided (JSON list of {line, start, stopped_at}; issue 15).
    """
    ALTER TABLE turns ADD COLUMN yielded TEXT NOT NULL DEFAULT '[]';
    """,
    # 6: how many times each turn's line was played again at the rep's request, and when its answer
    #    was due when later than the line's end (the level's preparation time, or a repeat; issue 14).
    """
    ALTER TABLE turns ADD COLUMN repeats INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE turns ADD COLUMN answer_due_at REAL;
    """,
    # 7: the rep's self-checks of call reluctance: answers 0-4 to the statements of
    #    trainer/data/reluctance.yaml, in order (JSON list; issue 18).
    """
    CREATE TABLE selfchecks (
        id        INTEGER PRIMARY KEY,
        taken_at  TEXT NOT NULL,
        answers   TEXT NOT NULL
    );
    """,
    # 8: what the prospect did after each answer, by temperament: cut in on a monologue, reacted to
    #    hedges or apologies, gave more after a good question (JSON list of {kind, line, at}; issue 19).
    """
    ALTER TABLE turns ADD COLUMN acts TEXT NOT NULL DEFAULT '[]';
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)


def schema_version(conn: sqlite3.Connection) -> int:
    """The schema version recorded in the database file (0 for a new file)."""
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn: sqlite3.Connection, path: Path) -> tuple[int, int]:
    """Bring the database at `path` up to `SCHEMA_VERSION`; returns (version before, version after).

    `conn` must be in autocommit mode. A database written by a newer RepDrill is
    refused rather than guessed at. If another process migrates at the same
    time, its work is taken as done.
    """
    before = schema_version(conn)
    if before > SCHEMA_VERSION:
        raise TrainerError(
            f"{path}: this database was written by a newer RepDrill (schema {before}, this version "
            f"knows up to {SCHEMA_VERSION}); update RepDrill, or restore an older copy from "
            f"{path.parent / 'backups'}"
        )
    while (version := schema_version(conn)) < SCHEMA_VERSION:
        script = MIGRATIONS[version]
        try:
            conn.executescript(f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {version + 1};\nCOMMIT;")
        except sqlite3.Error:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if schema_version(conn) > version:
                continue  # another process applied it first
            raise
    return before, SCHEMA_VERSION
