"""The dashboard's "Accounts and envelopes" rows (issue 18: live and superseded copies).

Why a module of its own: each row says how many live copies of the
account's one credential are in the safe, flags superseded copies awaiting
destruction (with their deadline), and offers the next action — the reset
when rotation is due (signed by one of the incident's people and security
staff from outside it), destroying superseded copies, or sealing a new
credential. The words are the dashboard's (translated in its context,
``DashboardScreen``, as they were when they lived there); no rule lives here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QHBoxLayout

from kiosk.procedures import DestroyFlow, SealNewEnvelopeFlow, credential_inventory
from kiosk.procedures.credentials import AccountUpdateFlow, RetireAccountFlow
from kiosk.procedures.navigation import reset_signers
from kiosk.procedures.reset import ResetFlow
from kiosk.state import State
from ui.widgets import big_button, body, entry_row, heading

if TYPE_CHECKING:
    from ui.screens.dashboard import DashboardScreen


def reset_by(state: State, account: str) -> list[str]:
    """Who signs ``account``'s reset: after an incident, one of it and security from outside."""
    acc = state.accounts[account]
    inc = state.incidents.get(acc.rotation_incident) if acc.rotation_incident else None
    if inc is not None:
        return reset_signers(state, inc)
    return list(acc.authorised[:2])


def fill_accounts(d: DashboardScreen) -> None:
    """Rebuild the dashboard's account rows from the journal's state."""
    d.accounts_box.addWidget(
        heading(QCoreApplication.translate("DashboardScreen", "Accounts and envelopes"), None, 2)
    )
    d.account_buttons = {}
    d.account_change_buttons = {}
    if d.journal is None:
        return
    s = d.journal.state
    rows = {r.account: r for r in credential_inventory(s, d.ctx.policy.superseded_destroy_days)}
    for a in sorted(s.accounts.values(), key=lambda a: a.id):
        row = rows[a.id]
        words = QCoreApplication.translate("DashboardScreen", "{id} ({system}): {n} sealed").format(
            id=a.id, system=a.system, n=len(row.live)
        )
        if row.superseded:
            words += QCoreApplication.translate(
                "DashboardScreen", " — {n} superseded, destroy by {when}"
            ).format(
                n=len(row.superseded),
                when=row.destroy_by.strftime("%Y-%m-%d") if row.destroy_by else "?",
            )
        if a.retired:
            words += QCoreApplication.translate("DashboardScreen", " — retired")
        label = body(words)
        if a.rotation_due_since:
            label.setText(words + QCoreApplication.translate("DashboardScreen", " — ROTATION DUE"))
        if a.rotation_due_since or row.superseded:
            label.setStyleSheet("color:#b3261e;font-weight:700")
        line = entry_row(d.accounts_box, label)
        acc = a.id
        by = list(a.authorised[:2])
        if a.rotation_due_since:
            b = big_button(
                QCoreApplication.translate("DashboardScreen", "Rotate"),
                QCoreApplication.translate("DashboardScreen", "Rotate {id}").format(id=acc),
            )
            signers = reset_by(s, acc)
            b.clicked.connect(
                lambda _=False, x=acc, p=signers: d.start_flow.emit(lambda c: ResetFlow(c, x, p))
            )
        elif row.superseded:
            b = big_button(
                QCoreApplication.translate("DashboardScreen", "Destroy superseded"),
                QCoreApplication.translate(
                    "DashboardScreen", "Destroy the superseded envelopes of {id}"
                ).format(id=acc),
            )
            b.clicked.connect(
                lambda _=False, x=acc, p=by: d.start_flow.emit(lambda c: DestroyFlow(c, x, p))
            )
        else:
            b = big_button(
                QCoreApplication.translate("DashboardScreen", "Seal a new envelope"),
                QCoreApplication.translate(
                    "DashboardScreen", "Seal a new envelope for {id}"
                ).format(id=acc),
            )
            b.clicked.connect(
                lambda _=False, x=acc, p=by: d.start_flow.emit(
                    lambda c: SealNewEnvelopeFlow(c, x, p)
                )
            )
        if a.retired and not row.superseded:
            b.setEnabled(False)
        line.addWidget(b)
        d.account_buttons[acc] = b
        if not a.retired:  # issue 18: accounts change, each change a dual entry
            update = big_button(
                QCoreApplication.translate("DashboardScreen", "Update"),
                QCoreApplication.translate("DashboardScreen", "Update account {id}").format(id=acc),
            )
            update.clicked.connect(
                lambda _=False, x=acc, p=by: d.start_flow.emit(lambda c: AccountUpdateFlow(c, x, p))
            )
            retire = big_button(
                QCoreApplication.translate("DashboardScreen", "Retire"),
                QCoreApplication.translate("DashboardScreen", "Retire account {id}").format(id=acc),
            )
            retire.clicked.connect(
                lambda _=False, x=acc, p=by: d.start_flow.emit(lambda c: RetireAccountFlow(c, x, p))
            )
            # on a line of their own: beside the main action they made the row too wide
            # for the 1024-pixel screen with the demo panel (tests/ui/test_screens_fit.py)
            changes = QHBoxLayout()
            changes.setSpacing(8)
            changes.addWidget(update)
            changes.addWidget(retire)
            changes.addStretch(1)
            d.accounts_box.addLayout(changes)
            d.account_change_buttons[acc] = (update, retire)
        line.addStretch(1)
