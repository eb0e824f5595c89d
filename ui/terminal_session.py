"""The unlocked terminal's procedure context.

:class:`Session` joins the open journal to the screens' device bridges: one
:class:`ui.prompts.QtPrompts`, one python-fido2 adapter (FidoSecurityKeys) over the keys
the terminal sees, :class:`ui.procedure_devices.QtSignatures` and
:class:`ui.procedure_devices.QtPaper`, wrapped in the engine's
:class:`kiosk.procedures.Context`. It lives from unlock to lock.

Which flow an incident continues with is the core's
:func:`kiosk.procedures.navigation.next_flow`: the screens show its label and
start its flow in this session's context. Flow objects are not kept across a
lock (they live in the unlocked session; see ``FlowScreen.paused`` for
resuming within one): after an unlock each flow starts again from the journal.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.journal.store import Journal
from kiosk.paper.printer import Printer
from kiosk.procedures import Context
from ui.app_context import AppContext
from ui.procedure_devices import QtPaper, QtSignatures
from ui.prompts import QtPrompts


@dataclass
class Session:
    """Everything a flow screen needs while the terminal is unlocked."""

    journal: Journal
    prompts: QtPrompts
    signatures: QtSignatures
    paper: QtPaper
    ctx: Context

    @staticmethod
    def open(app: AppContext, journal: Journal, printer: Printer) -> Session:
        prompts = QtPrompts()
        security_keys = app.keys.security_keys(prompts)
        signatures = QtSignatures(security_keys, app.keys)
        paper = QtPaper(printer)
        ctx = Context(journal, app.policy, security_keys, signatures, paper)
        return Session(journal, prompts, signatures, paper, ctx)


def last_unlocked_by(journal: Journal) -> str | None:
    """The custodian of the latest unlock with a key (``terminal.unlocked``), if recent."""
    who = None
    for e in journal.entries(max(1, journal.state.seq - 50)):
        if e.kind == "terminal.unlocked":
            custodian = e.data.get("custodian")
            who = custodian if isinstance(custodian, str) else None
    return who
