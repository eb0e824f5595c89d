"""Typed answers of an incident's step, kept across a lock (issue 22).

The procedure expects up to 15 minutes of calls to an approver while a
form is open, and the idle lock comes after 3: a lock used to clear
everything typed. The answers of the step on screen (they hold no secret)
are kept here — in a ``drafts`` table of the journal's own SQLCipher
database, encrypted like the journal and opened only with its key — until
the step is recorded, its flow is closed, or its incident ends (stood
down, closed). Nothing is written to any other file, and a draft is not a
journal entry: it is never hash-chained, exported, backed up or signed
(:meth:`kiosk.journal.store.Journal.snapshot` reads the entries and
``meta`` only), and deleting one is allowed — unlike the entries.

Invariants:

* a draft is keyed by flow, incident and step: the same step of the same
  incident's flow finds it after the next unlock, nothing else does;
* no secret is ever stored: a field whose name is a PIN, passphrase,
  password or secret is dropped before anything is written (the forms
  never hold one — the key panel's PIN is not a field — this is the
  second line), and :func:`secret_free` is the test's and the code's
  one rule;
* times are kept as times (an aware ``datetime`` comes back as one).
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kiosk.format.clock import parse_ts
from kiosk.state import State

Connection = Any  # sqlcipher3 ships no type information

SCHEMA = """
CREATE TABLE IF NOT EXISTS drafts (
    flow     TEXT NOT NULL,
    incident TEXT NOT NULL,
    step     TEXT NOT NULL,
    saved    TEXT NOT NULL,
    answers  BLOB NOT NULL,
    PRIMARY KEY (flow, incident, step)
);
"""

#: parts of a field name that mark a secret: such a field is never kept
SECRET_PARTS = frozenset({"pin", "passphrase", "password", "secret", "otp"})


def secret_free(answers: Mapping[str, Any]) -> dict[str, Any]:
    """``answers`` without any field whose name says it holds a secret."""
    return {k: v for k, v in answers.items() if not SECRET_PARTS & set(k.casefold().split("_"))}


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"$time": value.isoformat()}
    if isinstance(value, Mapping):
        return {str(k): _encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    if value is None or isinstance(value, str | bool | int | float):
        return value
    return str(value)


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"$time"}:
            return dt.datetime.fromisoformat(str(value["$time"]))
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


@dataclass(frozen=True)
class Draft:
    """What was typed into one step, and when it was kept (a journal timestamp)."""

    flow: str
    incident: str
    step: str
    saved: str
    answers: dict[str, Any]


class Drafts:
    """The ``drafts`` table of an open journal (:attr:`Journal.drafts`)."""

    def __init__(self, conn: Connection, lock: threading.RLock) -> None:
        self._conn = conn
        self._lock = lock
        self._made = False

    def _exists(self) -> bool:
        """Whether the table is there: made at the first save, never at an unlock.

        Reading needs no write: an unlock that only looks for drafts to prune
        writes nothing (and waits on no fsync) when none was ever kept.
        """
        if not self._made:
            with self._lock:
                row = self._conn.execute(
                    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'drafts'"
                ).fetchone()
            self._made = row is not None
        return self._made

    def _make(self) -> None:
        if not self._exists():
            with self._lock:
                self._conn.executescript(SCHEMA)
            self._made = True

    def save(
        self, flow: str, incident: str, step: str, answers: Mapping[str, Any], saved: str
    ) -> None:
        """Keep ``answers`` (secrets dropped); an empty form keeps nothing."""
        kept = secret_free(answers)
        if not kept:
            self.clear(flow, incident, step)
            return
        self._make()
        blob = json.dumps(_encode(kept), sort_keys=True, ensure_ascii=False).encode()
        with self._lock:
            self._conn.execute(
                "INSERT OR REPLACE INTO drafts VALUES (?, ?, ?, ?, ?)",
                (flow, incident, step, saved, blob),
            )

    def load(self, flow: str, incident: str, step: str) -> Draft | None:
        if not self._exists():
            return None
        with self._lock:
            row = self._conn.execute(
                "SELECT saved, answers FROM drafts WHERE flow = ? AND incident = ? AND step = ?",
                (flow, incident, step),
            ).fetchone()
        if row is None:
            return None
        answers = _decode(json.loads(bytes(row[1]).decode()))
        return Draft(flow, incident, step, str(row[0]), dict(answers))

    def clear(self, flow: str, incident: str, step: str | None = None) -> None:
        """Forget one step's draft, or (``step=None``) every draft of the flow."""
        if not self._exists():
            return
        with self._lock:
            if step is None:
                self._conn.execute(
                    "DELETE FROM drafts WHERE flow = ? AND incident = ?", (flow, incident)
                )
            else:
                self._conn.execute(
                    "DELETE FROM drafts WHERE flow = ? AND incident = ? AND step = ?",
                    (flow, incident, step),
                )

    def all(self) -> list[Draft]:
        if not self._exists():
            return []
        with self._lock:
            rows = self._conn.execute(
                "SELECT flow, incident, step, saved, answers FROM drafts ORDER BY saved"
            ).fetchall()
        return [
            Draft(str(f), str(i), str(s), str(t), dict(_decode(json.loads(bytes(a).decode()))))
            for f, i, s, t, a in rows
        ]

    def prune(self, state: State, now: dt.datetime | None = None) -> int:
        """Forget the drafts of incidents that ended (stood down, returned, closed).

        With ``now``, a declaration never recorded (no such incident in the
        journal) is forgotten a day after it was kept: its form was left, and
        names and reasons are not kept longer than the work needs them.
        """
        gone = 0
        for d in self.all():
            inc = state.incidents.get(d.incident)
            if inc is not None and (not inc.open or inc.returned_at is not None):
                self.clear(d.flow, d.incident)
                gone += 1
            elif inc is None and now is not None and _older(d.saved, now, UNDECLARED_KEPT):
                self.clear(d.flow, d.incident, d.step)
                gone += 1
        return gone


#: how long the answers of a declaration never recorded are kept
UNDECLARED_KEPT = dt.timedelta(days=1)


def _older(saved: str, now: dt.datetime, age: dt.timedelta) -> bool:
    try:
        return now - parse_ts(saved) > age
    except ValueError:
        return True  # a time that cannot be read is not a reason to keep anything
