"""The fields of a procedure step: what each asks for and how its answer is checked.

A :class:`Field` names one thing a step needs and carries the parser that
turns the answer typed, scanned or ticked into a clean value, or refuses it
with a :class:`ProcedureError` whose code is a sentence in
:mod:`kiosk.errors.messages`. The parsers here are the shared ones (:func:`text`,
:func:`sentences`, :func:`boolean`, :func:`choice`, :func:`when`,
:func:`person`, :func:`text_list`); a flow may write its own.

Each parser carries a plain-string input hint (``kind``: ``text``,
``confirm``, ``time``...) that tells a screen which input to draw
(:func:`field_kind`), so the core stays GUI-neutral: no widget is named here.
A refusal found while a step runs, not while its fields are parsed, still
belongs to one field when it is raised as a :class:`FieldProblem`
(:func:`on_field`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from kiosk.errors import SealroomError
from kiosk.format.clock import parse_ts


class ProcedureError(SealroomError):
    """A step of the procedure was refused (field or ordering rule)."""

    code = "procedure.refused"


class FieldProblem(ProcedureError):
    """A cross-field or inventory rule that belongs to one field of the step."""

    def __init__(self, field_name: str, code: str, **params: Any) -> None:
        super().__init__(code, **params)
        self.field = field_name


def on_field(name: str, fn: Callable[..., Any], *args: Any) -> Any:
    """Call ``fn``; a refusal (e.g. a ``ScanError``) belongs to field ``name``."""
    try:
        return fn(*args)
    except FieldProblem:
        raise
    except SealroomError as exc:
        raise FieldProblem(name, exc.code, **exc.params) from None


Parser = Callable[[Any], Any]
TextParser = Callable[[Any], str]


@dataclass(frozen=True)
class When:
    """When a field applies: it depends on the answer to another field of the step.

    With ``among``, the field applies when that answer is one of them (the
    approver outcome "approved", a ticked "outside the declared reason");
    without, when that field is answered (``given=True``) or left empty
    (``given=False``: the solo-access question only without a second person).
    A field that does not apply is not shown, and its value is dropped:
    never recorded hidden (issue 22).
    """

    field: str
    among: tuple[Any, ...] = ()
    given: bool = True
    #: more fields asked the same question: it holds if it holds for any of them
    #: (the photograph of a tampered envelope: any check of the list answered No)
    or_fields: tuple[str, ...] = ()

    def holds(self, values: Mapping[str, Any]) -> bool:
        return any(self._holds(values.get(f)) for f in (self.field, *self.or_fields))

    def _holds(self, answer: Any) -> bool:
        if self.among:
            return not blank(answer) and answer in self.among
        return (not blank(answer)) is self.given


@dataclass(frozen=True)
class Field:
    """One thing a step needs: a name, a label, a parser that validates it.

    ``parse`` returns the clean value or raises :class:`ProcedureError` with
    a ``procedure.*`` code; ``required`` fields must be given (``None`` or
    blank text counts as not given). ``choices`` are shown by the UI.

    ``kind`` is a plain-string hint telling a screen which input to draw
    (``scan``, ``custodian``, ``rows``...); when empty it comes from the
    parser (see :func:`field_kind`). ``columns`` name the parts of one row of
    a ``rows`` field. Hints keep the core GUI-neutral: no widget is named here.

    ``source`` names a registered list the answer is chosen from
    (:mod:`kiosk.procedures.lists`: ``accounts``, ``systems``, ``roles``) so
    nobody retypes what the terminal knows; ``free`` says typed text is
    legitimate too (a system's words, an acting role), else the list is
    closed and the flow refuses a value not in it. ``applies`` says when the
    field applies at all (:class:`When`); ``None`` means always. A field
    that applies only sometimes and is ``required`` is required when it
    applies (the approver's name for an attempt or an approval).
    """

    name: str
    label: str
    parse: Parser
    required: bool = True
    help: str = ""
    choices: tuple[str, ...] = ()
    kind: str = ""
    columns: tuple[str, ...] = ()
    source: str = ""
    free: bool = False
    applies: When | None = None
    #: the code said when a required field is missing (a flow's own, clearer sentence)
    missing: str = "procedure.field_missing"


def applicable(fields: Sequence[Field], values: Mapping[str, Any]) -> set[str]:
    """The names of the fields that apply, given the answers ``values``.

    A field applies when its condition holds and the field it depends on
    applies itself (the solo-access reasons apply only when the solo
    question does, which applies only without a second person).
    """
    by_name = {f.name: f for f in fields}
    out: set[str] = set()

    def applies(f: Field, seen: frozenset[str]) -> bool:
        cond = f.applies
        if cond is None:
            return True
        parent = by_name.get(cond.field)
        if parent is not None and (parent.name in seen or not applies(parent, seen | {f.name})):
            return False
        return cond.holds(values)

    for f in fields:
        if applies(f, frozenset({f.name})):
            out.add(f.name)
    return out


def field_kind(f: Field) -> str:
    """The input hint of ``f``: its own ``kind``, else the one its parser carries.

    Kinds: ``text``, ``longtext``, ``confirm`` (must be ticked), ``yesno``
    (an explicit yes or no), ``choice``, ``time``, ``person``, ``lines``,
    ``scan``, ``scanlist``, ``custodian``, ``custodians``, ``rows``.
    """
    return f.kind or str(getattr(f.parse, "kind", "text"))


def field_options(f: Field) -> tuple[str, ...]:
    """The answers a ``choice`` field accepts (its ``choices`` or its parser's)."""
    return f.choices or tuple(getattr(f.parse, "options", ()))


_P = TypeVar("_P", bound=Callable[[Any], Any])


def _hint(parse: _P, kind: str, **extra: Any) -> _P:
    """Tag a parser with its input hint (a plain attribute on the function)."""
    setattr(parse, "kind", kind)  # noqa: B010 - a function attribute, for mypy
    for k, v in extra.items():
        setattr(parse, k, v)
    return parse


def blank(value: Any) -> bool:
    """Not given: ``None`` or text of only spaces (a required field must not be blank)."""
    return value is None or (isinstance(value, str) and not value.strip())


def text(max_len: int = 500, min_len: int = 1) -> TextParser:
    def parse(v: Any) -> str:
        if not isinstance(v, str):
            raise ProcedureError("procedure.not_text")
        clean: str = v.strip()
        if not min_len <= len(clean) <= max_len:
            raise ProcedureError("procedure.length", low=min_len, high=max_len)
        if any(ord(c) < 32 and c != "\n" for c in clean):
            raise ProcedureError("procedure.control_char")
        return clean

    return _hint(parse, "longtext" if max_len >= 1000 else "text")


SENTENCE_END = re.compile(r"[.!?](?:\s|$)")


def sentences(low: int, high: int) -> TextParser:
    """Text of ``low`` to ``high`` sentences (the reason: "two to three sentences")."""
    base = text(2000, 10)

    def parse(v: Any) -> str:
        clean: str = base(v)
        count = len(SENTENCE_END.findall(clean))
        if not low <= count <= high:
            raise ProcedureError("procedure.sentences", low=low, high=high, count=count)
        return clean

    return _hint(parse, "longtext")


def boolean(must_be: bool | None = None) -> Parser:
    """A yes/no answer; ``must_be`` makes it a confirmation that must be given."""

    def parse(v: Any) -> bool:
        if not isinstance(v, bool):
            raise ProcedureError("procedure.not_bool")
        if must_be is not None and v is not must_be:
            raise ProcedureError("procedure.must_confirm")
        return v

    return _hint(parse, "confirm" if must_be is True else "yesno")


def choice(*options: str) -> Parser:
    def parse(v: Any) -> str:
        if v not in options:
            raise ProcedureError("procedure.choice", options=", ".join(options))
        return str(v)

    return _hint(parse, "choice", options=tuple(options))


def when(v: Any) -> dt.datetime:
    """A time: an aware ``datetime`` or a journal timestamp string."""
    if isinstance(v, dt.datetime):
        if v.tzinfo is None:
            raise ProcedureError("procedure.naive_time")
        return v.astimezone(dt.UTC)
    if isinstance(v, str):
        try:
            return parse_ts(v)
        except ValueError:
            pass
    raise ProcedureError("procedure.not_time")


_hint(when, "time")


def person(v: Any) -> dict[str, str]:
    """A person by name and role (a witness, an approver, an executive)."""
    if not isinstance(v, Mapping):
        raise ProcedureError("procedure.not_person")
    name, role = v.get("name"), v.get("role")
    if blank(name) or blank(role):
        raise ProcedureError("procedure.not_person")
    return {"name": text(120)(name), "role": text(120)(role)}


_hint(person, "person")


def text_list(min_items: int = 0) -> Parser:
    def parse(v: Any) -> list[str]:
        if not isinstance(v, list | tuple) or len(v) < min_items:
            raise ProcedureError("procedure.list", low=min_items)
        return [text()(x) for x in v]

    return _hint(parse, "lines")
