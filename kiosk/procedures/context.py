"""The context every flow runs in: the journal, the policy and the devices.

A flow reaches the terminal only through its :class:`Context`: it records
entries (``append``, or ``dual`` for an entry the custodians' keys approve),
prints documents, reads scanned serials and QR codes, and checks the
deadlines. Devices come in through small interfaces: :class:`Signatures`
collects the custodians' key touches for an :class:`~kiosk.terminal.approvals.Approval`
(the UI with its "plug in your key" screens, the simulator with simulated
keys), and :class:`Paper` prints a :class:`~kiosk.paper.documents.Document`
(rendering to PDF is ``hardware``'s job). The context also prints the slip of
every alert the moment it is journaled.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from kiosk.errors import DeviceError, SealroomError
from kiosk.errors.oplog import event
from kiosk.format.entry import Entry
from kiosk.journal.store import Journal
from kiosk.paper.documents import Document, DocumentMeta, JournalHead
from kiosk.paper.printer import SPOOL_LEFT, PrintResult
from kiosk.paper.slips import alert_slip
from kiosk.policy import Policy
from kiosk.procedures.fields import ProcedureError
from kiosk.scan import check_envelope, decode_qr, validate_serial
from kiosk.scan.qr import QrPayload
from kiosk.terminal import overdue as alerts
from kiosk.terminal.acknowledge import start_acknowledgement
from kiosk.terminal.approvals import Approval, DualApproval, SecurityKeys, SoloApproval
from kiosk.terminal.backup_duty import BackupDuty
from kiosk.terminal.repair import INTERRUPTED, settle_slip

log = logging.getLogger("sealroom.terminal")


def log_entry(entry: Entry) -> None:
    """The operational log's line for a durable journal entry (kind and seq; never its data).

    Alerts and exports are events of their own, with the alert's name and
    summary or the bundle's name and outcome (words the terminal wrote).
    """
    data = entry.data
    if entry.kind == "alert.raised":
        event(
            log,
            "alert",
            f"alert {data.get('alert')} (entry {entry.seq}): {data.get('summary', '')}",
            level=logging.WARNING,
            alert=data.get("alert"),
            seq=entry.seq,
        )
    elif entry.kind in ("export.created", "export.failed"):
        outcome = "completed" if entry.kind == "export.created" else "failed"
        event(
            log,
            "export",
            f"audit export {data.get('bundle')} {outcome} (entry {entry.seq})",
            level=logging.INFO if outcome == "completed" else logging.WARNING,
            outcome=outcome,
            bundle=data.get("bundle"),
            code=data.get("reason") if outcome == "failed" else None,
            seq=entry.seq,
        )
    else:
        event(log, "entry", f"entry {entry.seq}: {entry.kind}", kind=entry.kind, seq=entry.seq)


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
    security_keys: SecurityKeys
    signatures: Signatures
    paper: Paper
    printed: list[str] = field(default_factory=list)
    _listening: bool = False
    #: one deadline check at a time: each reads what was alerted, then appends
    _deadline_check: threading.Lock = field(default_factory=threading.Lock, repr=False)
    #: when the deadlines were last judged (every step, every unlock, every minute
    #: while unlocked): the dashboard shows it, so a silent check is visible
    last_judged: dt.datetime | None = None
    #: writes the backup that is due where the medium is always mounted (issue 21)
    backup_duty: BackupDuty | None = None

    def __post_init__(self) -> None:
        if self.backup_duty is None:
            self.backup_duty = BackupDuty(self.journal, self.policy)
        # The clock is held to this policy's tolerance (kiosk.journal.clockwatch).
        self.journal.clock.watch.set_tolerance(self.policy.clock_tolerance_minutes)
        if not self._listening:
            self.journal.add_listener(log_entry)
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
        self,
        doc: Document,
        sensitive: bool = False,
        *,
        ask_again: bool = True,
        before_alert: Callable[[SealroomError], None] | None = None,
    ) -> PrintResult:
        """Print ``doc``; a copy of a sensitive one possibly left behind is an alert.

        When the printer cannot make sure no copy of a sensitive document
        remains in the print system (``print.spool_left``), the alert
        ``print.copy_left`` is journaled (and printed as a slip) before the
        error stops the step: the credential must be treated as exposed.
        ``before_alert`` runs first when the print fails: a caller holding a
        reserved entry (the credential sheet's) writes it there, since the
        journal takes nothing else while an entry is reserved.
        """
        try:
            result = self.paper.print_document(doc, sensitive, ask_again=ask_again)
        except SealroomError as exc:
            if before_alert is not None:
                before_alert(exc)
            event(
                log,
                "print",
                f"{doc.slug} did not print: {exc.code}",
                level=logging.WARNING,
                document=doc.slug,
                outcome="failed",
                code=exc.code,
                seq=doc.meta.head.seq,
            )
            if sensitive and isinstance(exc, DeviceError) and exc.code == SPOOL_LEFT:
                self.append(
                    "alert.raised",
                    {
                        "alert": "print.copy_left",
                        "summary": "A copy of a printed sheet may remain in the print system.",
                        "detail": {
                            "document": doc.title,
                            "job": str(exc.params.get("job", "")),
                            "where": str(exc.params.get("where", "")),
                        },
                    },
                )
            raise
        event(
            log,
            "print",
            f"{doc.slug} printed (job {result.job_id}, {result.state})",
            document=doc.slug,
            outcome=result.state,
            job=result.job_id,
            sensitive=sensitive,
            seq=doc.meta.head.seq,
        )
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
            approval = SoloApproval(self.journal, self.policy, self.security_keys, kind, data)
            people_ = list(custodians)[:1]
        else:
            approval = DualApproval(self.journal, self.policy, self.security_keys, kind, data)
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

    def acknowledge_alert(self, alert_seq: int, custodians: Sequence[str]) -> Entry:
        """Acknowledge alert ``alert_seq``, signed by ``custodians[0]`` (``by``).

        A ``journal.integrity`` alarm needs a second custodian too,
        ``custodians[1]`` (:mod:`kiosk.terminal.acknowledge`).
        """
        if not custodians:
            raise ProcedureError("procedure.two_people")
        approval = start_acknowledgement(
            self.journal, self.policy, self.security_keys, alert_seq, custodians[0]
        )
        if len(approval.roles) > 1 and len(set(custodians[:2])) < 2:
            approval.abandon()
            raise ProcedureError("procedure.two_people")
        try:
            self.signatures.collect(approval, list(custodians)[: len(approval.roles)])
            return approval.commit()
        except BaseException:
            if not approval.pending.closed:
                approval.abandon()
            raise

    def print_waiting_slips(self) -> None:
        """Print the slips of alerts raised before this context listened (at unlock).

        Then try once more each slip a crash interrupted (recorded at unlock by
        :mod:`kiosk.terminal.repair` as ``alert.slip_failed`` with reason
        ``print.interrupted``): the alarm is paper, so it is retried without
        waiting for someone to press "Print slip again". A retry that fails is
        journaled again and left to the dashboard.
        """
        self.journal.deliver()
        for alert in self.journal.state.slips_to_reprint():
            if alert.slip_failed == INTERRUPTED:
                with contextlib.suppress(SealroomError):
                    self.reprint_slip(alert.seq)

    def check_deadlines(self) -> list[Entry]:
        """Alert every overdue deadline not yet alerted (once each).

        Called after every flow step and, by the screens, at each unlock and
        every minute while unlocked, from different threads: the lock makes
        "what was alerted, then alert the rest" one step, so no deadline is
        alerted twice. A backup that is due is written first where the
        terminal can write it (:meth:`backup_if_due`), so a backup the
        terminal could write itself is never alerted as overdue.
        """
        if self.journal.clock_jump() is not None:
            # Deadlines judged on a clock nobody confirmed would all be wrong
            # (and nothing can be recorded): they wait for the confirmation.
            return []
        with self._deadline_check:
            now = self.now()
            self.backup_if_due()
            written = alerts.raise_overdue(self.journal, self.policy, now)
            self.last_judged = now
            return written

    def backup_if_due(self) -> Entry | None:
        """Write the sealed backup now if one is due and the terminal can (:mod:`.backup_duty`).

        Called right after each step (an incident's review closes it), after an
        enrolment or a revocation, and at every deadline check; never raises
        (a failure is journaled as ``backup.failed``). Nothing is written
        while the clock waits for its confirmation.
        """
        if self.backup_duty is None or self.journal.clock_jump() is not None:
            return None
        return self.backup_duty.run_if_due(self.now())

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
        """Print the slip of ``raised`` once; if it does not print, journal that and raise.

        Once the outcome is known (printed, or ``alert.slip_failed`` durable),
        the alert is *settled*: the slips watermark beside the journal
        (:func:`kiosk.terminal.repair.settle_slip`) moves to it. An alert
        after the watermark at the next unlock is one whose slip a crash
        interrupted (even between the alert's entry and its delivery here):
        it is recorded as a slip that did not print, then printed again
        (:meth:`print_waiting_slips`).
        """
        try:
            self.print(
                alert_slip(raised, self.policy.kiosk_id, self.policy.timezone), ask_again=False
            )
        except SealroomError as exc:
            self.append("alert.slip_failed", {"alert_seq": raised.seq, "reason": exc.code})
            settle_slip(self.journal, raised.seq)
            raise
        settle_slip(self.journal, raised.seq)
