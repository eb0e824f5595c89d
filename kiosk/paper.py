"""Paper the terminal prints on its own: the alert slip.

The terminal has no network; its alarm is a printed slip. Every
``alert.raised`` entry is turned into an :class:`~kiosk.documents.AlertSlip`
the moment it is durable (this object is a journal listener) and printed by
a background thread, so the journal writer never waits for CUPS. A print
failure is reported (``on_error``) and retried with the next slip; the
journal entry itself is never lost, and the dashboard lists unacknowledged
alerts whatever happened on paper.

The core builds the slip's content; rendering (reportlab) and printing
(CUPS) come in as a ``render`` function and a :class:`~kiosk.printing.Printer`.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Any

from kiosk.clock import parse_ts
from kiosk.documents import AlertSlip, Document, DocumentMeta, JournalHead
from kiosk.errors import SealroomError
from kiosk.journal.entry import Entry
from kiosk.messages import lookup
from kiosk.printing import Printer

Renderer = Callable[[Document], bytes]


#: What to do beyond the message table's "next step", per alert (in the procedure's words).
EXTRA_ACTIONS: dict[str, tuple[str, ...]] = {
    "envelope.tampered": (
        "Do not open the envelope; it is quarantined in the safe.",
        "Use the account's alternative envelope if one is sealed in the safe.",
    ),
    "deadline.overdue": ("Tell the security team that it is late.",),
    "review.escalated": ("Consider suspending the individuals pending investigation.",),
}


def alert_slip(entry: Entry, terminal_id: str, timezone: str) -> AlertSlip:
    """The slip for one ``alert.raised`` entry, in the words of the message table.

    The one place an alert becomes paper: the journal listener of the
    application (:class:`AlertSlips`) and the procedure engine's context
    both print this.
    """
    data: dict[str, Any] = entry.data
    code = f"alert.{data.get('alert', '')}"
    message = lookup(code)
    detail = data.get("detail")
    details = str(data.get("summary", ""))
    if isinstance(detail, dict) and detail:
        details += "\n" + "; ".join(f"{k}: {v}" for k, v in sorted(detail.items()))
    if message is lookup("internal"):  # an alert this table does not know yet
        what, nxt = str(data.get("summary", "Alert")), "Call the security team now."
    else:
        what, nxt = message.what.format_map(_Blank(detail)), message.next.format_map(_Blank(detail))
    when = parse_ts(entry.ts)
    return AlertSlip(
        meta=DocumentMeta(terminal_id, JournalHead(entry.seq, entry.hash), when, timezone),
        what=what,
        details=details,
        occurred_at=when,
        entry_seq=entry.seq,
        entry_hash=entry.hash,
        actions=(
            nxt,
            *EXTRA_ACTIONS.get(str(data.get("alert", "")), ()),
            "Keep this slip with the incident record.",
        ),
    )


class _Blank(dict[str, Any]):
    def __init__(self, source: object) -> None:
        super().__init__(source if isinstance(source, dict) else {})

    def __missing__(self, key: str) -> str:
        return "(" + key + ")"


class AlertSlips:
    """Journal listener: print an alert slip for every ``alert.raised`` entry."""

    def __init__(
        self,
        printer: Printer,
        render_pdf: Renderer,
        terminal_id: str,
        timezone: str = "UTC",
        on_error: Callable[[SealroomError], None] | None = None,
        on_printed: Callable[[Entry], None] | None = None,
    ) -> None:
        self.printer = printer
        self.render_pdf = render_pdf
        self.terminal_id = terminal_id
        self.timezone = timezone
        self.on_error = on_error or (lambda _e: None)
        self.on_printed = on_printed or (lambda _e: None)
        self._queue: queue.Queue[Entry | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="alert-slips", daemon=True)
        self._thread.start()

    def __call__(self, entry: Entry) -> None:
        if entry.kind == "alert.raised":
            self._queue.put(entry)

    def _run(self) -> None:
        while True:
            entry = self._queue.get()
            try:
                if entry is None:
                    return
                slip = alert_slip(entry, self.terminal_id, self.timezone)
                self.printer.print_pdf(
                    self.render_pdf(slip), f"Alert slip {entry.seq}", sensitive=False
                )
                self.on_printed(entry)
            except SealroomError as exc:
                self.on_error(exc)
            except Exception:
                self.on_error(SealroomError("internal"))
            finally:
                self._queue.task_done()

    def wait_idle(self) -> None:
        """Block until every queued slip was printed or failed (tests, shutdown)."""
        self._queue.join()

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=5)


def commissioning_sheet(
    journal_state: Any,
    public_key: str,
    fingerprint: str,
    recovery_passphrase: str,
    policy_hash: str,
    timezone: str,
) -> Document:
    """The sheet printed once at commissioning and sealed in the safe.

    It carries the terminal key's fingerprint (what auditors trust), the
    genesis hash and journal head (paper anchors against truncation), and
    the recovery passphrase (held in a wipeable :class:`SecretText`).
    """
    from kiosk.documents import CommissioningSheet, Person
    from kiosk.passwords import SecretText

    state = journal_state
    now = parse_ts(state.last_ts)
    people = tuple(Person(c.name, c.role) for c in state.custodians.values() if not c.revoked)
    return CommissioningSheet(
        meta=DocumentMeta(state.kiosk_id, JournalHead(state.seq, state.head), now, timezone),
        kiosk_id=state.kiosk_id,
        key_fingerprint=fingerprint,
        public_key=public_key,
        genesis_hash=state.genesis_hash,
        policy_hash=policy_hash,
        recovery_passphrase=SecretText(recovery_passphrase),
        commissioned_at=now,
        custodians=people,
    )
