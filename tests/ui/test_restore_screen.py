"""Restore on screen (issue 21): the lock screen of a machine with no journal offers it.

One window: the custodians register the backup stick and write a backup on
the backup screen, more entries follow, the terminal locks and its disk is
lost (the data directory deleted). The lock screen then offers *Restore this
terminal from a backup*; the steps find the backup on the simulated stick,
open it with a custodian's key, take the newest record's QR as the anchor,
show what is lost, and both custodians sign ``terminal.restored``; the
terminal is unlocked on the restored journal. Refusals leave the machine
empty.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from hardware.backup_media import SimulatedBackupMedia
from kiosk.scan.qr import encode_qr
from kiosk.terminal.restore_steps import needs_restore
from tests.ui.kiosk_driver import (
    ScanClock,
    T,
    choose,
    make_window,
    scan,
    serve_keys,
    type_into,
    unlock,
)
from tests.ui.test_backup_screen import LABEL, _register, _write
from ui.main_window import MainWindow
from ui.screens.backup import BackupScreen
from ui.screens.restore import RestoreScreen

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _disk_lost(
    qtbot: QtBot, root: Path, tmp_path: Path
) -> tuple[MainWindow, ScanClock, SimulatedBackupMedia, str, str, int]:
    """A backup, two alerts after it, then the disk lost; the anchor's QR and typed head."""
    media = SimulatedBackupMedia(tmp_path / "ports")
    w, _clock, sc = make_window(qtbot, root, backup_media=media)
    assert not w.unlock_screen.restore_button.isVisible()
    unlock(qtbot, w)
    qtbot.mouseClick(w.dashboard.backup_button, Qt.MouseButton.LeftButton)
    screen = w.screens["backup"]
    assert isinstance(screen, BackupScreen)
    media.plug(LABEL)
    _register(qtbot, w, screen)
    assert "Backup written" in _write(qtbot, screen)
    backup_seq = int(screen.written.data["seq"])
    assert w.journal is not None
    for n in range(2):
        w.journal.append("alert.raised", {"alert": "drill.due", "summary": f"after #{n}"})
    head = w.journal.head
    qr = encode_qr(
        "record", {"doc": "slip", "seq": head.seq, "hash": head.hash[:16]},
        w.journal.terminal_mac_key(),
    )  # fmt: skip
    w.lock("test")
    shutil.rmtree(root / "data")  # the disk is gone
    w.unlock_screen.reset()
    return w, sc, media, qr, f"{head.seq} · {head.hash[:12]}", backup_seq


def _restore_screen(qtbot: QtBot, w: MainWindow) -> RestoreScreen:
    assert w.unlock_screen.restore_button.isVisible()
    assert not w.unlock_screen.key_button.isVisible()  # nothing to unlock on this machine
    assert not w.unlock_screen.intro.isVisible()  # nor words saying how to unlock it
    qtbot.mouseClick(w.unlock_screen.restore_button, Qt.MouseButton.LeftButton)
    screen = w.screens["restore"]
    assert isinstance(screen, RestoreScreen) and w.stack.currentWidget() is screen
    assert not screen.key_button.isEnabled() and not screen.sign_button.isEnabled()
    qtbot.mouseClick(screen.find_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not screen.busy, timeout=T)
    return screen


def test_a_lost_disk_is_restored_on_screen_and_the_loss_is_named(
    qtbot: QtBot, root: Path, tmp_path: Path
) -> None:
    w, sc, _media, qr, typed, backup_seq = _disk_lost(qtbot, root, tmp_path)
    screen = _restore_screen(qtbot, w)
    assert f"Newest backup on {LABEL}" in screen.found.text(), screen.banner.text()
    assert f"entry {backup_seq} ·" in screen.found.text()
    w.ctx.keys.plug_only("dana")
    qtbot.mouseClick(screen.key_button, Qt.MouseButton.LeftButton)
    serve_keys(qtbot, w, screen.keys, lambda: not screen.busy)
    assert "every signature valid" in screen.checked.text(), screen.banner.text()
    assert screen.anchor.isEnabled() and not screen.sign_button.isEnabled()
    scan(qtbot, w, sc, qr)  # the newest record's QR, from the safe
    assert screen.anchor.text() == typed
    lost_from, lost_to = backup_seq + 1, int(typed.split(" · ")[0])
    assert f"LOST: entries {lost_from} to {lost_to} ({lost_to - backup_seq})" in (
        screen.loss_line.text()
    )
    qtbot.mouseClick(screen.export_button, Qt.MouseButton.LeftButton)  # optional: none here
    qtbot.waitUntil(lambda: not screen.busy, timeout=T)
    assert "No audit export found" in screen.export_line.text(), screen.banner.text()
    choose(screen.approvers[0], "dana")
    choose(screen.approvers[1], "dana")
    qtbot.mouseClick(screen.sign_button, Qt.MouseButton.LeftButton)
    assert "two different custodians" in screen.banner.text()
    choose(screen.approvers[1], "sam")
    qtbot.mouseClick(screen.sign_button, Qt.MouseButton.LeftButton)
    serve_keys(qtbot, w, screen.keys, lambda: not w.locked)
    qtbot.waitUntil(lambda: w.stack.currentWidget() is w.dashboard, timeout=T)
    said = w.dashboard.banner.text()
    assert f"Entries {lost_from} to {lost_to} are recorded as lost" in said, said
    assert w.journal is not None
    restored = [e for e in w.journal.entries() if e.kind == "terminal.restored"]
    assert len(restored) == 1
    data = restored[0].data
    assert (data["lost_from"], data["lost_to"], data["anchor_source"]) == (lost_from, lost_to, "qr")
    w.journal.verify_or_raise()


def test_another_history_is_refused_and_giving_up_leaves_the_machine_empty(
    qtbot: QtBot, root: Path, tmp_path: Path
) -> None:
    w, _sc, media, _qr, _typed, backup_seq = _disk_lost(qtbot, root, tmp_path)
    screen = _restore_screen(qtbot, w)
    type_into(qtbot, w, screen.passphrase, "not the passphrase")
    qtbot.mouseClick(screen.phrase_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not screen.busy, timeout=T)
    assert screen.banner.text() and not screen.anchor.isEnabled()
    assert needs_restore(root / "data")  # a wrong passphrase leaves nothing behind
    assert w.ctx.demo is not None
    type_into(qtbot, w, screen.passphrase, w.ctx.demo.recovery_passphrase)
    qtbot.mouseClick(screen.phrase_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not screen.busy, timeout=T)
    assert "every signature valid" in screen.checked.text(), screen.banner.text()
    type_into(qtbot, w, screen.anchor, f"{backup_seq - 1} · 0123456789ab")
    qtbot.mouseClick(screen.anchor_button, Qt.MouseButton.LeftButton)
    assert "does not match the record from the safe" in screen.banner.text()
    assert not screen.sign_button.isEnabled()
    qtbot.mouseClick(screen.back, Qt.MouseButton.LeftButton)
    assert w.stack.currentWidget() is w.unlock_screen
    assert needs_restore(root / "data") and w.unlock_screen.restore_button.isVisible()
    media.unplug(LABEL)  # no stick: said plainly
    screen = _restore_screen(qtbot, w)
    assert "No USB stick" in screen.banner.text() and not screen.key_button.isEnabled()
