"""Audit export: an auditor and a custodian approve, the bundle goes onto the auditor's stick.

Like the flow screen, this only renders and forwards: the export is
:func:`kiosk.export.start_export_approval` approved by an auditor and a
custodian through the session's :class:`ui.procedure_devices.QtSignatures`,
then :func:`kiosk.export.export_bundle` onto the stick chosen from
:func:`hardware.media.export_targets`: on the appliance the kiosk mounts it
itself through udisks2, ``nodev,nosuid,noexec``, before the approvals (a stick
that cannot be opened that way is refused before anyone approves), and
unmounts it when the export ends, whatever the outcome. Everything slow runs
in a worker with Cancel.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QProgressBar, QWidget

from hardware.media import ExportTarget, export_targets
from hardware.printing.render import render
from kiosk.export import DirectoryWriter, export_bundle, start_export_approval
from ui.app_context import AppContext
from ui.screens.approval_screen import ApprovalScreen
from ui.terminal_session import Session
from ui.widgets import big_button, body


class ExportScreen(ApprovalScreen):
    """Pick a USB stick, an auditor and a custodian; both approve; the bundle is written."""

    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(app, self.tr("Audit export"), parent)
        self.v.addWidget(
            body(
                self.tr(
                    "Plug in the auditor's USB stick. An auditor and a custodian each approve with "
                    "their key; the journal, its report and the signature go onto the stick."
                )
            )
        )
        self.volume = QComboBox(self)
        self.volume.setMinimumHeight(52)
        self.volume.setAccessibleName(self.tr("USB stick to write to"))
        self.refresh_button = big_button(
            self.tr("Look for USB sticks"), self.tr("Look for USB sticks again"), self
        )
        self.refresh_button.clicked.connect(self.find_volumes)
        row = QHBoxLayout()
        row.addWidget(self.volume, 1)
        row.addWidget(self.refresh_button)
        self.v.addLayout(row)
        self.auditor = QComboBox(self)
        self.auditor.setMinimumHeight(52)
        self.auditor.setAccessibleName(self.tr("Auditor"))
        self.custodian = QComboBox(self)
        self.custodian.setMinimumHeight(52)
        self.custodian.setAccessibleName(self.tr("Custodian"))
        for label, combo in (
            (self.tr("Auditor"), self.auditor),
            (self.tr("Custodian"), self.custodian),
        ):
            self.v.addWidget(QLabel(label, self))
            self.v.addWidget(combo)
        self.v.addWidget(self.keys)
        self.progress = QProgressBar(self)
        self.progress.setAccessibleName(self.tr("Export progress"))
        self.progress.hide()
        self.v.addWidget(self.progress)
        buttons = QHBoxLayout()
        self.export_button = big_button(
            self.tr("Export"), self.tr("Export to the USB stick"), self, True
        )
        self.export_button.clicked.connect(self.export)
        self.cancel_button = big_button(self.tr("Cancel"), self.tr("Cancel the export"), self)
        self.cancel_button.clicked.connect(self.cancel)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        self.v.addLayout(buttons)
        self.v.addStretch(1)
        self.result_path: Path | None = None
        self.targets: list[Any] = []  # what the list shows, by index
        self.progress_seen: list[int] = []  # each value shown, in order (tests, diagnostics)

    def attach(self, session: Session) -> None:
        super().attach(session)
        state = session.journal.state
        self.auditor.clear()
        self.custodian.clear()
        for c in sorted(state.custodians.values(), key=lambda c: c.name):
            if c.revoked:
                continue
            target = self.auditor if "auditor" in c.duties else self.custodian
            target.addItem(f"{c.name} — {c.role}", c.id)
        self.export_button.setEnabled(True)
        self.find_volumes()

    def find_volumes(self) -> None:
        lister = self.app.volumes

        def job(cancel: threading.Event, progress: Callable[[str], None]) -> Any:
            if lister is not None:
                return lister()
            return export_targets()

        def done(volumes: Any) -> None:
            self.volume.clear()
            self.export_button.setEnabled(True)
            self.targets = list(volumes)
            for i, v in enumerate(self.targets):
                self.volume.addItem(v.describe(), i)
            if not volumes:
                self.banner.show_message(
                    self.tr("No USB stick found. Plug one in, then press 'Look for USB sticks'."),
                    "info",
                )
            else:
                self.banner.clear_message()

        self.app.runner.submit(job, done, self._failed, owner=self)

    def export(self) -> None:
        session = self.session
        index, auditor, custodian = (
            self.volume.currentData(),
            self.auditor.currentData(),
            self.custodian.currentData(),
        )
        target = (
            self.targets[index] if isinstance(index, int) and index < len(self.targets) else None
        )
        if session is None or not (target is not None and auditor and custodian):
            self.banner.show_message(
                self.tr("Choose a USB stick, an auditor and a custodian."), "error"
            )
            return
        journal, policy = session.journal, self.app.policy
        lister = self.app.volumes
        self.progress.setValue(0)
        self.progress.show()

        def job(cancel: threading.Event, progress: Callable[[str], None]) -> Any:
            with _open(target, simulated=lister is not None) as writer:
                approval = start_export_approval(
                    journal, policy, session.signatures.security_keys, writer.label
                )
                try:
                    session.signatures.collect(approval, [auditor, custodian])
                    entry = approval.commit()
                except BaseException:
                    if not approval.pending.closed:
                        approval.abandon()
                    raise
                return export_bundle(
                    journal,
                    writer,
                    entry,
                    render,
                    policy=policy,
                    cancel=cancel,
                    progress=lambda p: progress(f"{p.done}/{p.total}"),
                )

        def done(result: Any) -> None:
            self.progress.setValue(100)
            self.result_path = result.path
            # done: a second press would ask for a second export of the same journal;
            # another export starts from a fresh stick list (Look for USB sticks)
            self.export_button.setEnabled(False)
            self.banner.show_message(
                self.tr("Exported {n} entries to {path}. Give the stick to the auditor.").format(
                    n=result.entries, path=result.path
                ),
                "ok",
            )

        self.run_approved(job, done, self._progress)

    def _progress(self, text: str) -> None:
        """``done/total`` from the worker (ExportProgress, via the runner's signal)."""
        done, _, total = text.partition("/")
        if done.isdigit() and total.isdigit() and int(total):
            self.progress.setValue(int(100 * int(done) / int(total)))
            self.progress_seen.append(self.progress.value())


def _open(target: ExportTarget, simulated: bool) -> AbstractContextManager[DirectoryWriter]:
    """The chosen stick's writer for one export (simulated media: the folder stands for it)."""
    if simulated:
        mount = target.mount_point  # type: ignore[attr-defined]
        return contextlib.nullcontext(DirectoryWriter(Path(mount), str(mount)))
    return target.open()
