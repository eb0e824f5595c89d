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
from collections.abc import Iterable

from PySide6.QtCore import QCoreApplication

from kiosk.format.kind_words import CONTEXT, PHRASES

__all__ = ["CONTEXT", "PHRASES", "kind_phrase", "recorded_phrase"]


def kind_phrase(kind: str) -> str:
    """What an entry of ``kind`` records, in the terminal's language (raw name if unknown)."""
    source = PHRASES.get(kind)
    if source is None:
        return kind
    return QCoreApplication.translate(CONTEXT, source)


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
