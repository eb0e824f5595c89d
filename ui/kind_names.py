"""Journal kinds in plain words, in the terminal's language: what the screens say was recorded.

Operators see "Recorded: the emergency declaration", not the journal's
machine name ``invocation.declared``. The table itself is the core's
(:mod:`kiosk.format.kind_words`), so the audit export's ``events.csv`` and
``report.pdf`` say the same words; this module translates them.

Invariants:

* the phrases are translated when asked for, never at import — the
  translator is installed after this module is imported; they are
  extracted for translators from ``kiosk/format/kind_words.py``
  (``python -m ui.i18n`` runs ``pyside6-lupdate`` over it as well as ``ui/``);
* an unknown kind (a journal written by a newer release) is shown as its
  raw name, never an error: naming what was recorded must not fail.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from PySide6.QtCore import QCoreApplication

from kiosk.format.kind_words import CONTEXT, PHRASES

__all__ = [
    "CONTEXT",
    "PHRASES",
    "entry_phrase",
    "kind_phrase",
    "recorded_entries_phrase",
    "recorded_phrase",
]


def kind_phrase(kind: str) -> str:
    """What an entry of ``kind`` records, in the terminal's language (raw name if unknown)."""
    source = PHRASES.get(kind)
    if source is None:
        return kind
    return QCoreApplication.translate(CONTEXT, source)


def entry_phrase(kind: str, data: Mapping[str, Any]) -> str:
    """What one entry records, named for what it is, not only for its kind.

    ``approver.contacted`` is both an approval and a failed attempt: "Approved"
    was confirmed as "the attempt to contact the approver" (issue 22). Its
    outcome says which.
    """
    if kind == "approver.contacted":
        who = str(data.get("approver", ""))
        if data.get("outcome") == "approved":
            return QCoreApplication.translate(CONTEXT, "the approval by {approver}").format(
                approver=who
            )
        return QCoreApplication.translate(
            CONTEXT, "an attempt to reach the approver {approver} ({outcome})"
        ).format(approver=who, outcome=str(data.get("outcome", "")).replace("-", " "))
    return kind_phrase(kind)


def recorded_entries_phrase(entries: Iterable[tuple[str, Mapping[str, Any]]]) -> str:
    """:func:`recorded_phrase` for entries ``(kind, data)``, each named by :func:`entry_phrase`."""
    counts = Counter(entry_phrase(kind, data) for kind, data in entries)
    parts = []
    for phrase, n in counts.items():
        if n > 1:
            phrase = QCoreApplication.translate(CONTEXT, "{phrase} (×{n})").format(
                phrase=phrase, n=n
            )
        parts.append(phrase)
    return ", ".join(parts)


def recorded_phrase(kinds: Iterable[str]) -> str:
    """The kinds of a step's entries as one list of words, in their order, repeats counted.

    A step that writes the same kind several times (reconstructed actions)
    says it once with the count, not once per entry.
    """
    counts = Counter(kinds)
    parts = []
    for kind, n in counts.items():  # Counter keeps first-seen order
        phrase = kind_phrase(kind)
        if n > 1:
            phrase = QCoreApplication.translate(CONTEXT, "{phrase} (×{n})").format(
                phrase=phrase, n=n
            )
        parts.append(phrase)
    return ", ".join(parts)
