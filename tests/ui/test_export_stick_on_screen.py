"""The export screen on the appliance: the kiosk mounts the stick itself, and unmounts it.

Not simulated media (a folder offered by the volume lister) but the real
path of :func:`hardware.media.export_targets`: a stick udisks2 knows,
mounted ``nodev,nosuid,noexec`` before anyone approves and unmounted after
the export; a stick udisks2 may not mount is refused before any key is
asked. udisks2 is the bus double of tests/hardware/media/udisks_double.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from hardware.media import StickTarget
from hardware.udisks import BusError, UDisks
from kiosk.verify import verify_bundle
from tests.hardware.media.udisks_double import ERR, FakeUDisks
from tests.ui.kiosk_driver import T, choose, make_window, serve_keys, unlock
from tests.ui.test_screens_on_screen import enrol_auditor, open_screen
from ui.main_window import MainWindow
from ui.screens.export import ExportScreen

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _export_screen(
    qtbot: QtBot, root: Path, bus: FakeUDisks, monkeypatch: pytest.MonkeyPatch
) -> tuple[MainWindow, ExportScreen]:
    udisks = UDisks(bus)
    targets = [StickTarget(s, udisks, bus.mountinfo) for s in udisks.sticks()]
    monkeypatch.setattr("ui.screens.export.export_targets", lambda: targets)
    w, _clock, _sc = make_window(qtbot, root)
    unlock(qtbot, w)
    screen = enrol_auditor(qtbot, w)
    qtbot.mouseClick(screen.back, Qt.MouseButton.LeftButton)
    export = open_screen(qtbot, w, "export_button", "export")
    assert isinstance(export, ExportScreen)
    qtbot.waitUntil(lambda: export.volume.count() == 1, timeout=T)
    assert export.volume.currentText() == "SanDisk Cruzer 16.0 GB (/dev/sdb1)"
    choose(export.auditor, "audrey")
    choose(export.custodian, "dana")
    return w, export


def test_the_stick_is_mounted_for_the_export_and_unmounted_after_it(
    qtbot: QtBot, root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bus = FakeUDisks(tmp_path / "media", tmp_path / "mountinfo").standard()
    w, export = _export_screen(qtbot, root, bus, monkeypatch)
    mounted_while_approving: list[list[str]] = []
    qtbot.mouseClick(export.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bus.mounted() != [], timeout=T)
    mounted_while_approving.append(bus.mounted())
    serve_keys(qtbot, w, export.keys, lambda: not export.busy)
    assert export.result_path is not None, export.banner.text()
    assert "Give the stick to the auditor" in export.banner.text()
    assert mounted_while_approving == [[str(tmp_path / "media" / "sdb1")]]
    assert export.result_path.parent == tmp_path / "media" / "sdb1"
    assert bus.mounted() == []  # unmounted once written
    assert [c[1] for c in bus.calls if c[1] != "GetManagedObjects"] == ["Mount", "Unmount"]
    assert verify_bundle(export.result_path).ok
    assert not export.export_button.isEnabled()  # done: not a second export by a second press
    export.find_volumes()  # another stick, another export: from a fresh list
    qtbot.waitUntil(export.export_button.isEnabled, timeout=T)


def test_a_stick_that_may_not_be_mounted_is_refused_before_anyone_approves(
    qtbot: QtBot, root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bus = FakeUDisks(tmp_path / "media", tmp_path / "mountinfo").standard()
    bus.mount_error = BusError(ERR + "NotAuthorized", "Not authorized to perform operation")
    _w, export = _export_screen(qtbot, root, bus, monkeypatch)
    qtbot.mouseClick(export.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not export.busy, timeout=T)
    assert "only a removable USB stick may take an export" in export.banner.text()
    assert export.result_path is None and bus.mounted() == []
