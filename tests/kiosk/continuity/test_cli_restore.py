"""``sealroom backup`` and ``sealroom restore`` end to end, with simulated keys (issue 21)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

from hardware.sim.simulation import setup
from hardware.sim.terminal import DEFAULT_PIN, TEST_PASSPHRASE
from kiosk.format.clock import UTC
from ui.cli import main

MEDIUM = "SEALROOM-BACKUP"


def _fd(text: str) -> int:
    r, w = os.pipe()
    os.write(w, text.encode())
    os.close(w)
    return r


def test_backup_then_restore_from_the_command_line(tmp_path: Path, capsys: object) -> None:
    # A terminal whose last entry is a minute old (the command runs on the real clock).
    start = dt.datetime.now(UTC) - dt.timedelta(hours=2, minutes=3)
    sim = setup(tmp_path / "sim", start=start)
    head_before = sim.journal.head.seq
    sim.terminal.close()
    data, keys = tmp_path / "sim" / "data", tmp_path / "sim" / "keys"
    medium = tmp_path / "stick"
    medium.mkdir()
    common = ["--data", str(data), "--medium-dir", str(medium), "--simulated-keys", str(keys)]
    pins = _fd(f"{DEFAULT_PIN}\n" * 3)
    args = ["backup", *common, "--medium", MEDIUM, "--register", "Safe A, shelf 2"]
    assert main([*args, "--by", "dana", "--by", "sam", "--pin-fd", str(pins)]) == 0
    backups = list(medium.glob("*.sealroom-backup"))
    assert len(backups) == 1
    shutil.rmtree(data)  # the disk fails
    phrase = _fd(TEST_PASSPHRASE + "\n")
    pins = _fd(f"{DEFAULT_PIN}\n" * 2)
    anchor = "999 · 0123456789ab"  # the newest record in the safe is ahead of the backup
    status = main(
        [
            "restore",
            *common,
            "--anchor",
            anchor,
            "--by",
            "dana",
            "--by",
            "sam",
            "--passphrase-fd",
            str(phrase),
            "--pin-fd",
            str(pins),
        ]
    )
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    assert status == 0, out
    assert "terminal.restored" in out and "Lost: entries" in out and "to 999" in out
    assert (data / "journal.db").exists() and head_before > 0
