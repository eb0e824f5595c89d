"""The one walk of a whole journal: the terminal's checks are the auditors' checks.

Unlock (:meth:`kiosk.journal.store.Journal.open`) and the journal screen's
"Check the whole chain" (:meth:`~kiosk.journal.store.Journal.verify`) both
call :func:`walk`. It runs :func:`kiosk.format.entry.check_chain` over every
line, and on each entry whose chain links hold, in this order:

1. the per-entry checks of ``sealroom verify`` (:class:`kiosk.rules.entries.EntryChecker`:
   every attestation's WebAuthn signature, rp id, flags, challenge = digest
   and counter; who may sign; dual control; exceptions under Amendment 1;
   each key unlock's own assertion), strict: the project's own dual-control
   rules are errors here;
2. the payload schema of every kind (:func:`kiosk.format.schema.validate_payload`);
3. the terminal's transition rules (:meth:`kiosk.state.State.check`), then
   :meth:`~kiosk.state.State.apply`.

Invariants:

* A **structural** break (a line that is not canonical, seq/prev/hash/ts
  broken) stops the walk there: nothing after it can be placed in the chain.
  So does a first entry that is not a usable genesis. The caller refuses to
  unlock, naming the entry.
* A **rule** break on an entry whose links hold *quarantines* it
  (:mod:`kiosk.state.integrity`): it is applied neither to the checker nor
  to the state, and the walk goes on. Nothing is repaired or deleted; the
  journal opens halted until its alarm is acknowledged by two custodians.
* A walk keeps nothing between calls: each builds a new checker and state.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from kiosk.errors import SealroomError
from kiosk.errors.messages import lookup
from kiosk.format.entry import ChainProblem, ChainResult, Entry, check_chain
from kiosk.format.schema import validate_payload
from kiosk.rules.entries import EntryChecker
from kiosk.rules.findings import Finding, Findings
from kiosk.state import State
from kiosk.state.integrity import Quarantined


@dataclass
class WalkResult:
    """How a whole-journal walk ended: the chain's verdict, the state, what was quarantined."""

    chain: ChainResult
    state: State
    quarantined: list[Quarantined] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def problem(self) -> ChainProblem | None:
        """The structural break that stopped the walk (None: every line is in the chain)."""
        return self.chain.problem

    @property
    def entries(self) -> int:
        return self.chain.entries

    @property
    def head_hash(self) -> str:
        return self.chain.head_hash

    @property
    def ok(self) -> bool:
        """Every entry is in the chain and passes every check."""
        return self.chain.ok and not self.quarantined


def _what(exc: SealroomError) -> str:
    """The first sentence of an error's message (what happened, not the next step)."""
    return lookup(exc.code).what.format_map(_Blank(exc.params)).rstrip(".")


class _Blank(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return "(" + key + ")"


def walk(lines: Iterable[bytes]) -> WalkResult:
    """Check every line as described in the module docstring; quarantine rule breaks."""
    state = State()
    findings = Findings()
    checker = EntryChecker(findings, strict=True)

    def rule_problem(e: Entry) -> str | None:
        problem = checker.check(e)
        if problem is not None:
            return problem
        try:
            validate_payload(e.kind, e.data)
        except SealroomError as exc:
            return f"has a payload the terminal refuses: {_what(exc)}"
        try:
            state.check(e)
        except SealroomError as exc:
            return f"breaks a rule of the procedure: {_what(exc)}"
        except (KeyError, TypeError, ValueError) as exc:
            return f"breaks a rule of the procedure ({type(exc).__name__})"
        return None

    def on_entry(e: Entry) -> str | None:
        problem = rule_problem(e)
        if problem is None:
            checker.apply(e)
            state.apply(e)
            return None
        if e.seq == 1:
            return problem  # no usable genesis: there is no journal to place anything in
        state.quarantine(e, problem)
        return None

    chain = check_chain(lines, on_entry)
    return WalkResult(chain, state, list(state.quarantined.values()), findings.findings)
