"""``sealroom backup`` and ``sealroom restore`` end to end, with simulated keys (issue 21)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

from hardware.sim.simulation import Simulation, setup
from hardware.sim.terminal import DEFAULT_PIN, TEST_PASSPHRASE
from kiosk.format.clock import UTC
from ui.cli import main

MEDIUM = "SEALROOM-BACKUP"


def _fd(text: str) -> int:
    r, w = os.pipe()
    os.write(w, text.encode())
    os.close(w)
    return r


def _terminal_ending_now(tmp_path: Path) -> Simulation:
    """A simulated terminal whose last entry was written a moment ago.

    The commands run on the real clock, and a program that starts long after
    the last entry asks two custodians to confirm its clock first
    (kiosk/journal/clockwatch.py). So the simulation starts hours ago,
    however long its set-up takes, and time then passes (no jump) up to now,
    when new bags are received.
    """
    sim = setup(tmp_path / "sim", start=dt.datetime.now(UTC) - dt.timedelta(hours=8))
    sim.clock.set(dt.datetime.now(UTC))
    sim.receive_bags(2)
    return sim


def test_backup_then_restore_from_the_command_line(tmp_path: Path, capsys: object) -> None:
    # A terminal whose last entry is a minute old (the command runs on the real clock).
    sim = _terminal_ending_now(tmp_path)
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


def test_move_from_the_command_line(tmp_path: Path, capsys: object) -> None:
    sim = _terminal_ending_now(tmp_path)
    sim.terminal.close()
    data, keys = tmp_path / "sim" / "data", tmp_path / "sim" / "keys"
    medium = tmp_path / "stick"
    medium.mkdir()
    common = ["--data", str(data), "--medium-dir", str(medium), "--simulated-keys", str(keys)]
    by = ["--by", "dana", "--by", "sam"]
    pins = _fd(f"{DEFAULT_PIN}\n" * 3)
    args = ["backup", *common, "--medium", MEDIUM, "--register", "Safe A", *by]
    assert main([*args, "--pin-fd", str(pins)]) == 0
    pins = _fd(f"{DEFAULT_PIN}\n" * 3)
    args = ["move", *common, "--medium", MEDIUM, "--to", "T2, room B", *by]
    assert main([*args, "--pin-fd", str(pins)]) == 0
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    anchor = out.split("--anchor '")[1].split("'")[0]
    pins = _fd(f"{DEFAULT_PIN}\n")
    refused = main(["backup", *common, "--medium", MEDIUM, "--by", "dana", "--pin-fd", str(pins)])
    assert refused != 0  # this copy no longer runs
    new = tmp_path / "new-machine"
    pins = _fd(f"{DEFAULT_PIN}\n" * 3)
    restore = ["restore", "--data", str(new), "--medium-dir", str(medium), "--simulated-keys"]
    args = [*restore, str(keys), "--anchor", anchor, *by, "--pin-fd", str(pins)]
    assert main(args) == 0
    assert "Nothing lost" in capsys.readouterr().out  # type: ignore[attr-defined]


def test_restore_takes_the_records_qr_as_scanned(tmp_path: Path, capsys: object) -> None:
    """``--anchor`` takes what the scanner reads from the newest record's QR, checked with the
    restored terminal's own QR key (the restore screen's step, shared)."""
    sim = _terminal_ending_now(tmp_path)
    newest_qr = sim.scan(list(sim.qr_of.values())[-1])  # as a handheld scanner types it
    sim.terminal.close()
    data, keys = tmp_path / "sim" / "data", tmp_path / "sim" / "keys"
    medium = tmp_path / "stick"
    medium.mkdir()
    common = ["--data", str(data), "--medium-dir", str(medium), "--simulated-keys", str(keys)]
    pins = _fd(f"{DEFAULT_PIN}\n" * 3)
    args = ["backup", *common, "--medium", MEDIUM, "--register", "Safe A, shelf 2"]
    assert main([*args, "--by", "dana", "--by", "sam", "--pin-fd", str(pins)]) == 0
    shutil.rmtree(data)

    def restore(anchor: str) -> int:
        phrase = _fd(TEST_PASSPHRASE + "\n")
        pins = _fd(f"{DEFAULT_PIN}\n" * 2)
        by = ["--by", "dana", "--by", "sam"]
        fds = ["--passphrase-fd", str(phrase), "--pin-fd", str(pins)]
        return main(["restore", *common, "--anchor", anchor, *by, *fds])

    forged = newest_qr[:-6] + ("A" if newest_qr[-6] != "A" else "B") + newest_qr[-5:]
    assert restore(forged) != 0  # a code the terminal did not make is refused...
    assert not (data / "journal.db").exists()  # ...and the machine is left empty
    capsys.readouterr()  # type: ignore[attr-defined]
    assert restore(newest_qr) == 0
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    assert "terminal.restored" in out and "Nothing lost" in out
