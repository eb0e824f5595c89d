"""The backup screen (issue 21): register the medium (two keys), write a backup, refusals.

A commissioned simulated terminal, unlocked on the real window; the medium
is :class:`hardware.backup_media.SimulatedBackupMedia` (a folder of USB
ports), the keys the demo's simulated ones with their on-screen touch.
A full stick and a stick pulled out mid-write are made at the device
boundary (the ``fsync`` of the backup file on the stick), so the real write
path (temporary name, rename) decides what is left.
"""

from __future__ import annotations

import errno
import os
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

import kiosk.journal.durable as durable
from hardware.backup_media import DirectoryBackupMedia, SimulatedBackupMedia
from kiosk.journal.backup import SUFFIX, newest_backup
from tests.ui.kiosk_driver import T, choose, make_window, serve_keys, type_into, unlock
from ui.main_window import MainWindow
from ui.screens.backup import BackupScreen

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
LABEL = "SEALBACKUP"


def _open(qtbot: QtBot, root: Path, media: Any) -> tuple[MainWindow, BackupScreen]:
    w, _clock, _sc = make_window(qtbot, root, backup_media=media)
    unlock(qtbot, w)
    assert "press Backups" in w.dashboard.backup_label.text()
    qtbot.mouseClick(w.dashboard.backup_button, Qt.MouseButton.LeftButton)
    screen = w.screens["backup"]
    assert isinstance(screen, BackupScreen) and w.stack.currentWidget() is screen
    return w, screen


def _register(qtbot: QtBot, w: MainWindow, screen: BackupScreen) -> None:
    type_into(qtbot, w, screen.where, "Safe A, top shelf")
    choose(screen.approvers[0], "dana")
    choose(screen.approvers[1], "sam")
    qtbot.mouseClick(screen.register_button, Qt.MouseButton.LeftButton)
    serve_keys(qtbot, w, screen.keys, lambda: not screen.busy)


def _write(qtbot: QtBot, screen: BackupScreen) -> str:
    qtbot.mouseClick(screen.write_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not screen.busy, timeout=T)
    return screen.banner.text()


def _kinds(w: MainWindow, kind: str) -> int:
    assert w.journal is not None
    return sum(1 for e in w.journal.entries() if e.kind == kind)


def test_register_the_stick_with_two_keys_then_write_a_backup(
    qtbot: QtBot, root: Path, tmp_path: Path
) -> None:
    media = SimulatedBackupMedia(tmp_path / "ports")
    w, screen = _open(qtbot, root, media)
    assert "no backup yet" in screen.status.text() and "OVERDUE" in screen.status.text()
    assert screen.register_box.isVisible() and not screen.write_button.isVisible()
    media.plug(LABEL)
    _register(qtbot, w, screen)
    assert f"Backup medium {LABEL} registered" in screen.banner.text(), screen.banner.text()
    assert not screen.register_box.isVisible() and screen.write_button.isVisible()
    text = _write(qtbot, screen)
    assert f"Backup written to {LABEL}" in text and "you may remove it" in text, text
    entry = screen.written
    assert entry is not None and entry.kind == "backup.written"
    assert f"entry #{entry.seq}" in text
    header = newest_backup(tmp_path / "ports" / LABEL)
    assert header.path.name == entry.data["file"] and header.seq == entry.data["seq"]
    assert "last written" in screen.status.text() and "Next due by" in screen.status.text()
    qtbot.mouseClick(screen.back, Qt.MouseButton.LeftButton)
    assert "last written" in w.dashboard.backup_label.text()


def test_another_stick_or_none_is_refused_and_nothing_is_recorded(
    qtbot: QtBot, root: Path, tmp_path: Path
) -> None:
    media = SimulatedBackupMedia(tmp_path / "ports")
    w, screen = _open(qtbot, root, media)
    qtbot.mouseClick(screen.register_button, Qt.MouseButton.LeftButton)
    assert "choose the two custodians" in screen.banner.text()
    media.plug(LABEL)
    _register(qtbot, w, screen)
    media.unplug(LABEL)
    assert "is not plugged in" in _write(qtbot, screen)
    media.plug("HOLIDAYPICS")
    text = _write(qtbot, screen)
    assert f"is not the backup medium {LABEL}" in text and "Nothing was written" in text
    assert not list((tmp_path / "ports" / "HOLIDAYPICS").iterdir())
    assert _kinds(w, "backup.written") == 0
    assert not screen.progress.isVisible()


@pytest.mark.parametrize("fault", ["full", "pulled out"])
def test_a_full_stick_or_one_pulled_out_mid_write_leaves_no_backup(
    qtbot: QtBot, root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fault: str
) -> None:
    media = SimulatedBackupMedia(tmp_path / "ports")
    w, screen = _open(qtbot, root, media)
    media.plug(LABEL)
    _register(qtbot, w, screen)
    ports = str(tmp_path / "ports")
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        if os.readlink(f"/proc/self/fd/{fd}").startswith(ports):  # the file on the stick
            if fault == "full":
                raise OSError(errno.ENOSPC, "No space left on device")
            media.unplug(LABEL)
        real_fsync(fd)

    monkeypatch.setattr(durable.os, "fsync", fsync)
    text = _write(qtbot, screen)
    monkeypatch.setattr(durable.os, "fsync", real_fsync)
    if fault == "full":
        assert f"The backup medium {LABEL} is full" in text, text
    else:
        assert "went away while the backup was written" in text, text
        media.plug(LABEL)
    assert not list((tmp_path / "ports" / LABEL).glob(f"*{SUFFIX}"))  # nothing taken for one
    assert _kinds(w, "backup.written") == 0 and screen.written is None
    assert "no backup yet" in screen.status.text()


class _SlowStick:
    """The stick takes its time to appear (udisks2 may wait a minute): the worker waits here."""

    def __init__(self, media: SimulatedBackupMedia) -> None:
        self.media = media
        self.looking, self.go = threading.Event(), threading.Event()

    def present(self) -> list[Any]:
        self.looking.set()
        assert self.go.wait(10)
        return self.media.present()


def test_cancel_before_the_write_leaves_no_backup(qtbot: QtBot, root: Path, tmp_path: Path) -> None:
    media = SimulatedBackupMedia(tmp_path / "ports")
    w, screen = _open(qtbot, root, media)
    media.plug(LABEL)
    _register(qtbot, w, screen)
    slow = _SlowStick(media)
    w.ctx.backup_media = slow
    qtbot.mouseClick(screen.write_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(slow.looking.is_set, timeout=T)
    assert screen.stop_write.isVisible()  # Cancel is offered while it looks
    qtbot.mouseClick(screen.stop_write, Qt.MouseButton.LeftButton)
    slow.go.set()
    qtbot.waitUntil(lambda: not screen.busy, timeout=T)
    text = screen.banner.text()
    assert "cancelled" in text and "Nothing was recorded" in text, text
    assert not list((tmp_path / "ports" / LABEL).glob(f"*{SUFFIX}"))
    assert _kinds(w, "backup.written") == 0 and not screen.stop_write.isVisible()


def test_a_second_disk_named_by_path_is_written_without_a_stick(
    qtbot: QtBot, root: Path, tmp_path: Path
) -> None:
    disk = tmp_path / "second-disk"
    disk.mkdir()
    w, screen = _open(qtbot, root, DirectoryBackupMedia(disk))
    _register(qtbot, w, screen)
    assert f"Backup medium {disk} registered" in screen.banner.text(), screen.banner.text()
    text = _write(qtbot, screen)
    assert f"Backup written to {disk}" in text and "remove" not in text, text
    assert newest_backup(disk).seq == screen.written.data["seq"]
