"""A small, GUI-neutral wizard framework for the break-glass procedure.

In the style of Electrum's ``wizard.py``: a :class:`Flow` is a set of named
:class:`Step` objects; each step states the fields it needs
(:class:`Field`, each with its own validation), the journal kinds it
records, and which steps may come next. A screen renders
``flow.step`` and calls ``flow.submit(values)``; a test does the same
without Qt.

Invariants (kept by :meth:`Flow.submit`, the only way forward):

* a flow cannot skip a step: only the current step can be submitted, and
  the step's ``run`` must name a next step from its declared ``next``;
* every field is validated before anything is recorded: a missing required
  field, an unknown field or a value its parser refuses comes back as a
  field error (a sentence from :mod:`kiosk.messages`) and nothing is written;
* what a step records goes through the journal only (``Context.append`` or
  ``Context.dual``); a refused approval or transition comes back as an error
  on the step, with the pending entry abandoned, and the flow stays put;
* before every step is recorded the deadline model is checked, so an overdue deadline
  is alerted (one ``alert.raised`` entry, one slip) as soon as anyone acts.

Devices come in through small interfaces: :class:`Signatures` collects the
custodians' key touches for an :class:`~kiosk.approval.Approval`, and
:class:`Paper` prints a :class:`~kiosk.documents.Document` (rendering to PDF
is ``hardware``'s job).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from kiosk import alerts
from kiosk.approval import Approval, Authenticator, DualApproval, SoloApproval
from kiosk.clock import format_ts, parse_ts
from kiosk.documents import Document, DocumentMeta, JournalHead
from kiosk.errors import SealroomError
from kiosk.journal.entry import Entry
from kiosk.journal.store import Journal
from kiosk.paper import alert_slip
from kiosk.policy import Policy
from kiosk.printing import PrintResult
from kiosk.scan import check_envelope, decode_qr, validate_serial
from kiosk.scan.qr import QrPayload
from kiosk.state import State
from kiosk.state.incidents import Incident

# -- device interfaces -------------------------------------------------------------------


class Signatures(Protocol):
    """Collect the key touches an approval needs.

    ``collect`` asks each custodian of ``custodians``, in order, to approve
    ``approval`` (their key, touch and PIN) for the approval's roles in
    order; it returns when every role is signed and raises the refusal
    (:class:`~kiosk.errors.SealroomError`) otherwise. The UI implements it
    with "Dana, plug in your key" screens; the simulator plugs in sim keys.
    """

    def collect(self, approval: Approval, custodians: Sequence[str]) -> None: ...


class Paper(Protocol):
    """Put a document on paper; returns only when the printer completed it.

    With ``ask_again`` (a flow's own documents) an implementation with a
    screen may ask the people to fix the printer and try again before it
    gives up; without it (alert slips, printed by a journal listener that may
    run where no one is looking at a print prompt) it tries once and raises.
    """

    def print_document(
        self, doc: Document, sensitive: bool, *, ask_again: bool = True
    ) -> PrintResult: ...


class ProcedureError(SealroomError):
    """A step of the procedure was refused (field or ordering rule)."""

    code = "procedure.refused"


# -- fields ---------------------------------------------------------------------------------

Parser = Callable[[Any], Any]
TextParser = Callable[[Any], str]


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
    """

    name: str
    label: str
    parse: Parser
    required: bool = True
    help: str = ""
    choices: tuple[str, ...] = ()
    kind: str = ""
    columns: tuple[str, ...] = ()


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


def _blank(value: Any) -> bool:
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
    if _blank(name) or _blank(role):
        raise ProcedureError("procedure.not_person")
    return {"name": text(120)(name), "role": text(120)(role)}


_hint(person, "person")


def people(min_items: int = 1) -> Parser:
    def parse(v: Any) -> list[Any]:
        if not isinstance(v, list | tuple) or len(v) < min_items:
            raise ProcedureError("procedure.list", low=min_items)
        return list(v)

    return _hint(parse, "lines")


def text_list(min_items: int = 0) -> Parser:
    def parse(v: Any) -> list[str]:
        if not isinstance(v, list | tuple) or len(v) < min_items:
            raise ProcedureError("procedure.list", low=min_items)
        return [text()(x) for x in v]

    return _hint(parse, "lines")


def policy_unapproved(policy: Policy, state: State) -> bool:
    """True if ``policy`` (the file in use) is not the one the journal last recorded."""
    return policy.sha256 != state.policy_hash


# -- the context every flow runs in ------------------------------------------------------


@dataclass
class Context:
    """What flows need from the terminal: journal, policy and the device interfaces.

    ``dual`` is the one way a flow records a dual-control entry; ``append``
    the one way it records a single entry. Alert slips are printed by a
    journal listener installed here, the moment an ``alert.raised`` entry is
    durable (so a slip is printed once per alert entry); a slip that does not
    print is journaled (``alert.slip_failed``) and printed again on request
    (:meth:`reprint_slip`).
    """

    journal: Journal
    policy: Policy
    authenticator: Authenticator
    signatures: Signatures
    paper: Paper
    printed: list[str] = field(default_factory=list)
    _listening: bool = False
    #: one deadline check at a time: each reads what was alerted, then appends
    _deadline_check: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        if not self._listening:
            self.journal.add_listener(self._on_entry)
            self._listening = True

    # -- time and documents ---------------------------------------------------------
    def now(self) -> dt.datetime:
        return self.journal.clock.now()

    def meta(self) -> DocumentMeta:
        head = self.journal.head
        return DocumentMeta(
            self.policy.kiosk_id, JournalHead(head.seq, head.hash), self.now(), self.policy.timezone
        )

    def print(
        self, doc: Document, sensitive: bool = False, *, ask_again: bool = True
    ) -> PrintResult:
        result = self.paper.print_document(doc, sensitive, ask_again=ask_again)
        self.printed.append(doc.slug)
        return result

    def qr(self, text_value: Any, kinds: Sequence[str]) -> QrPayload:
        return decode_qr(text_value, self.journal.terminal_mac_key(), kinds=kinds)

    def serial(self, value: Any, states: Sequence[str], purpose: str) -> str:
        """A scanned serial, checked for pattern/check digit and inventory state."""
        serial = validate_serial(value, self.policy)
        check_envelope(serial, self.journal.state.envelope_state, states, purpose)
        return serial

    # -- recording ------------------------------------------------------------------------
    def append(self, kind: str, data: dict[str, Any]) -> Entry:
        return self.journal.append(kind, data)

    def dual(
        self,
        kind: str,
        data: dict[str, Any],
        custodians: Sequence[str],
        *,
        solo: bool = False,
    ) -> Entry:
        """Record a dual-control entry signed by ``custodians`` (one under solo access)."""
        approval: Approval
        if solo:
            approval = SoloApproval(self.journal, self.policy, self.authenticator, kind, data)
            people_ = list(custodians)[:1]
        else:
            approval = DualApproval(self.journal, self.policy, self.authenticator, kind, data)
            people_ = list(custodians)[:2]
            if len(set(people_)) < 2:
                approval.abandon()
                raise ProcedureError("procedure.two_people")
        try:
            self.signatures.collect(approval, people_)
            return approval.commit()
        except BaseException:
            if not approval.pending.closed:
                approval.abandon()
            raise

    def check_deadlines(self) -> list[Entry]:
        """Alert every overdue deadline not yet alerted (once each).

        Called after every flow step and, by the screens, at each unlock and
        every minute while unlocked, from different threads: the lock makes
        "what was alerted, then alert the rest" one step, so no deadline is
        alerted twice.
        """
        with self._deadline_check:
            return alerts.raise_overdue(self.journal, self.policy, self.now())

    def _on_entry(self, entry: Entry) -> None:
        """Print the slip of each ``alert.raised`` entry; journal it when it does not print.

        The slip is tried once (``ask_again=False``): this listener may run in
        a job started from the dashboard, where no print prompt is on screen,
        so it must never wait for an answer. It runs after the alert is
        durable, outside the journal's lock (:meth:`Journal._deliver`), so
        a slow printer holds up no other append or read. The terminal's
        alarm is paper, so a slip that did not print must not pass
        unnoticed: ``alert.slip_failed`` is appended at once (an alert is
        never the entry of a pending signature, so nothing blocks the
        append). The dashboard then marks the alert and offers
        :meth:`reprint_slip`.
        """
        if entry.kind != "alert.raised":
            return
        with contextlib.suppress(SealroomError):  # journaled by _print_slip
            self._print_slip(entry)

    def reprint_slip(self, alert_seq: int) -> Entry:
        """Print again the slip of an alert whose slip did not print.

        Records ``alert.slip_printed`` when it prints, or another
        ``alert.slip_failed`` (then raises the print error) when it does not.
        """
        alert = self.journal.state.alerts.get(alert_seq)
        raised = self.journal.entry(alert_seq)
        if alert is None or alert.slip_failed is None or raised is None:
            raise ProcedureError("procedure.no_slip_to_print", seq=alert_seq)
        self._print_slip(raised)
        return self.append("alert.slip_printed", {"alert_seq": alert_seq})

    def _print_slip(self, raised: Entry) -> None:
        """Print the slip of ``raised`` once; if it does not print, journal that and raise."""
        try:
            self.print(
                alert_slip(raised, self.policy.kiosk_id, self.policy.timezone), ask_again=False
            )
        except SealroomError as exc:
            self.append("alert.slip_failed", {"alert_seq": raised.seq, "reason": exc.code})
            raise


# -- steps and flows ---------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One screen of a flow."""

    name: str
    title: str
    fields: tuple[Field, ...]
    run: Callable[[dict[str, Any]], str | None]
    next: tuple[str, ...] = ()
    records: tuple[str, ...] = ()
    help: str = ""

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


@dataclass
class Result:
    """What a submit did: field errors (nothing recorded) or the entries it recorded."""

    ok: bool
    errors: dict[str, str] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)
    entries: list[Entry] = field(default_factory=list)
    next: str | None = None

    @property
    def done(self) -> bool:
        return self.ok and self.next is None


FORM = "_form"  # key of errors that belong to the whole step, not one field


class Flow:
    """A sequence of steps; see the module invariants."""

    name = "flow"
    title = "Flow"
    #: Only the flow that approves a changed policy file may run before it is approved.
    runs_under_changed_policy = False

    def __init__(self, ctx: Context, first: str) -> None:
        self.ctx = ctx
        self.steps: dict[str, Step] = {}
        self.current: str | None = first
        self.history: list[str] = []
        self.info: dict[str, Any] = {}
        self.recorded: list[Entry] = []

    # -- building ---------------------------------------------------------------------
    def add(self, step: Step) -> None:
        self.steps[step.name] = step

    @property
    def step(self) -> Step:
        if self.current is None:
            raise ProcedureError("procedure.flow_done", flow=self.title)
        return self.steps[self.current]

    @property
    def done(self) -> bool:
        return self.current is None

    # -- the only way forward -------------------------------------------------------------
    def submit(self, values: Mapping[str, Any] | None = None) -> Result:
        values = dict(values or {})
        if self.current is None:
            err = ProcedureError("procedure.flow_done", flow=self.title)
            return Result(False, {FORM: err.user_message()}, {FORM: err.code})
        if not self.runs_under_changed_policy and policy_unapproved(
            self.ctx.policy, self.ctx.journal.state
        ):
            # A changed policy file is approved under dual control first
            # (kiosk.procedures.policy_change): one person must not change the rules.
            err = ProcedureError(
                "procedure.policy_unapproved", policy_hash=self.ctx.policy.sha256[:16]
            )
            return Result(False, {FORM: err.user_message()}, {FORM: err.code})
        step = self.step
        clean: dict[str, Any] = {}
        errors: dict[str, str] = {}
        codes: dict[str, str] = {}
        known = {f.name for f in step.fields}
        for name in sorted(set(values) - known):
            err = ProcedureError("procedure.unknown_field", field=name, step=step.title)
            errors[name], codes[name] = err.user_message(), err.code
        for f in step.fields:
            raw = values.get(f.name)
            if _blank(raw):
                if f.required:
                    err = ProcedureError("procedure.field_missing", field=f.label)
                    errors[f.name], codes[f.name] = err.user_message(), err.code
                continue
            try:
                clean[f.name] = f.parse(raw)
            except SealroomError as exc:
                errors[f.name] = f"{f.label}: {exc.user_message()}"
                codes[f.name] = exc.code
        if errors:
            return Result(False, errors, codes)
        # An overdue deadline is alerted before the late step itself is recorded.
        self.ctx.check_deadlines()
        before = self.ctx.journal.head.seq
        try:
            nxt = step.run(clean)
        except FieldProblem as exc:
            return Result(False, {exc.field: exc.user_message()}, {exc.field: exc.code})
        except SealroomError as exc:
            return Result(False, {FORM: exc.user_message()}, {FORM: exc.code}, self._since(before))
        if nxt is not None and nxt not in step.next:
            raise RuntimeError(f"step {step.name} went to undeclared step {nxt}")
        self.history.append(step.name)
        self.current = nxt
        entries = self._since(before)
        self.recorded.extend(entries)
        return Result(True, entries=entries, next=nxt)

    def _since(self, seq: int) -> list[Entry]:
        return list(self.ctx.journal.entries(seq + 1))

    def run_all(self, answers: Mapping[str, Mapping[str, Any]]) -> list[Result]:
        """Submit ``answers[step]`` for each step until done (headless driving)."""
        out = []
        while self.current is not None:
            name = self.current
            result = self.submit(answers.get(name, {}))
            out.append(result)
            if not result.ok:
                raise ProcedureError(
                    "procedure.step_failed", step=name, reason="; ".join(result.errors.values())
                )
        return out


class FieldProblem(ProcedureError):
    """A cross-field or inventory rule that belongs to one field of the step."""

    def __init__(self, field_name: str, code: str, **params: Any) -> None:
        super().__init__(code, **params)
        self.field = field_name


# -- helpers shared by the flows -----------------------------------------------------------


def on_field(name: str, fn: Callable[..., Any], *args: Any) -> Any:
    """Call ``fn``; a refusal (e.g. a ``ScanError``) belongs to field ``name``."""
    try:
        return fn(*args)
    except FieldProblem:
        raise
    except SealroomError as exc:
        raise FieldProblem(name, exc.code, **exc.params) from None


def incident_of(ctx: Context, incident: str) -> Incident:
    inc = ctx.journal.state.incidents.get(incident)
    if inc is None:
        raise ProcedureError("procedure.no_incident", incident=incident)
    return inc


def tagged(inc: Incident, data: dict[str, Any]) -> dict[str, Any]:
    """``data`` marked as a test when the incident is a drill (every entry of it is)."""
    if inc.test:
        data["test"] = True
    return data


def participants(inc: Incident) -> tuple[list[str], bool]:
    """Who signs the incident's dual steps, and whether it is solo access."""
    return list(inc.people), inc.solo


def dual_for(
    ctx: Context,
    inc: Incident,
    kind: str,
    data: dict[str, Any],
    by: Sequence[str] | None = None,
) -> Entry:
    """A dual entry of an incident: both persons, or one under the solo-access exception.

    ``by`` names other signers (e.g. security staff for a reset); then the
    solo-access exception does not apply.
    """
    if by is not None:
        return ctx.dual(kind, tagged(inc, data), by)
    people_, solo = participants(inc)
    if solo:
        data["exception"] = "solo-access"
    return ctx.dual(kind, tagged(inc, data), people_, solo=solo)


def ts(when_: dt.datetime) -> str:
    return format_ts(when_)


def wait_event() -> threading.Event:
    return threading.Event()
