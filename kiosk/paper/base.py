"""What every printed document shares: its page facts (:class:`DocumentMeta`) and field checks.

Split from :mod:`kiosk.paper.documents` so that module holds only what each
document says. The checks raise ``document.invalid`` naming the document and
the field, before anything is rendered.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import ClassVar

from kiosk.errors import SealroomError

_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_CTRL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
HEAD_PREFIX = 12


def invalid(doc: str, name: str, reason: str) -> SealroomError:
    return SealroomError("document.invalid", document=doc, field=name, reason=reason)


def check_text(
    doc: str, name: str, value: object, *, required: bool = True, multiline: bool = False
) -> None:
    if not isinstance(value, str):
        raise invalid(doc, name, "must be text")
    if required and not value.strip():
        raise invalid(doc, name, "is empty")
    if _CTRL.search(value) or (not multiline and ("\n" in value or "\t" in value)):
        raise invalid(doc, name, "contains control characters")
    if len(value) > 4000:
        raise invalid(doc, name, "is too long")


def check_hash(doc: str, name: str, value: object) -> None:
    if not isinstance(value, str) or not _HEX64.match(value):
        raise invalid(doc, name, "must be 64 lower-case hex digits")


def check_aware(doc: str, name: str, value: object) -> None:
    if not isinstance(value, dt.datetime) or value.tzinfo is None:
        raise invalid(doc, name, "must be a time with a time zone")


@dataclass(frozen=True)
class JournalHead:
    """The last journal entry at print time."""

    seq: int
    hash: str

    def __post_init__(self) -> None:
        if not isinstance(self.seq, int) or self.seq < 1:
            raise invalid("journal head", "seq", "must be a positive entry number")
        check_hash("journal head", "hash", self.hash)

    @property
    def label(self) -> str:
        """``Journal head 1234 · 3f9a1c2b7d4e…`` as printed in every footer."""
        return f"Journal head {self.seq} · {self.hash[:HEAD_PREFIX]}…"


@dataclass(frozen=True)
class DocumentMeta:
    """Facts every page carries."""

    terminal_id: str
    head: JournalHead
    printed_at: dt.datetime
    timezone: str = "UTC"
    sample: bool = False

    def __post_init__(self) -> None:
        check_text("document", "terminal_id", self.terminal_id)
        check_aware("document", "printed_at", self.printed_at)
        check_text("document", "timezone", self.timezone)


@dataclass(frozen=True)
class Person:
    name: str
    role: str

    def __post_init__(self) -> None:
        check_text("person", "name", self.name)
        check_text("person", "role", self.role, required=False)

    @property
    def label(self) -> str:
        return f"{self.name} ({self.role})" if self.role else self.name


class Document:
    """Base: a title, a meta block, and field checks run by ``__post_init__``."""

    title: ClassVar[str] = "Document"
    slug: ClassVar[str] = "document"
    meta: DocumentMeta

    def _check(self) -> None:
        """Subclasses validate their own fields here."""

    def __post_init__(self) -> None:
        if not isinstance(self.meta, DocumentMeta):
            raise invalid(self.title, "meta", "is missing")
        self._check()
