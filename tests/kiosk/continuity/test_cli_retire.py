"""``sealroom retire`` end to end, with simulated keys and a folder for the stick (issue 21).

One command: the final export on the stick, the dual ``terminal.retired``,
the certificate (here into a PDF: the printed one is in
``tests/hardware/printing/test_retirement_certificate.py``), the key
material destroyed. ``sealroom verify`` runs on a bundle before and on the
final bundle after, with the certificate's QR as its anchor. Then: the
terminal refuses to run, the certificate comes again from the ``RETIRED``
note, and a retirement stopped half-way is taken up by running it again.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from hardware.sim.export import AUDITOR, export_simulation
from hardware.sim.simulation import Simulation, resume, save
from hardware.sim.terminal import DEFAULT_PIN
from kiosk.errors import JournalError
from tests.hardware.printing.conftest import PdfTools
from tests.kiosk.continuity.test_cli_restore import _fd, _terminal_ending_now
from ui.cli import main


def _retiring(tmp_path: Path) -> tuple[Simulation, Path, Path]:
    """A terminal ending now, with an enrolled auditor: its data and keys directories."""
    sim = _terminal_ending_now(tmp_path)
    sim.terminal.enrol(AUDITOR)
    save(sim)
    return sim, tmp_path / "sim" / "data", tmp_path / "sim" / "keys"


def _verify(capsys: Any, *args: str) -> str:
    status = main(["verify", *args])
    out = str(capsys.readouterr().out)
    assert status == 0, out
    return out


def _retire(data: Path, keys: Path, stick: Path, *extra: str) -> int:
    pins = _fd(f"{DEFAULT_PIN}\n" * 8)
    return main(
        [
            "retire",
            "--data",
            str(data),
            "--stick-dir",
            str(stick),
            "--simulated-stick",
            "--simulated-keys",
            str(keys),
            "--by",
            "dana",
            "--by",
            "sam",
            "--auditor",
            AUDITOR.id,
            "--reason",
            "safe room closed",
            "--pin-fd",
            str(pins),
            *extra,
        ]
    )


def test_retire_from_the_command_line(tmp_path: Path, capsys: Any) -> None:
    sim, data, keys = _retiring(tmp_path)
    before = export_simulation(sim, tmp_path / "stick-before").path
    sim.terminal.close()
    pub = str(data / "kiosk.pub")
    said = _verify(capsys, str(before), "--kiosk-key", pub)
    assert "VERIFIED" in said and "retired" not in said

    stick = tmp_path / "final-stick"
    stick.mkdir()
    # Without the simulation's flag the folder must be a mounted removable volume, as for
    # the export screen: a plain folder is refused before anything is unlocked or signed.
    db = (data / "journal.db").read_bytes()
    args = ["retire", "--data", str(data), "--stick-dir", str(stick), "--by", "dana"]
    assert main([*args, "--by", "sam"]) == 1
    assert "is not a removable volume" in capsys.readouterr().err
    assert (data / "journal.db").read_bytes() == db and not list(stick.iterdir())

    pdf = tmp_path / "certificate.pdf"
    assert _retire(data, keys, stick, "--certificate-pdf", str(pdf)) == 0
    out = capsys.readouterr().out
    anchor = re.search(r"--anchor (\d+:[0-9a-f]{64})", out)
    assert anchor is not None, out
    bundles = list(stick.glob("sealroom-export-*"))
    assert len(bundles) == 1
    lines = (bundles[0] / "journal.jsonl").read_text().splitlines()
    last = json.loads(lines[-1])
    assert last["kind"] == "terminal.retired"  # the final bundle ends with the retirement
    assert anchor.group(1) == f"{last['seq']}:{last['hash']}"

    # The certificate: its QR is the final head, and verify takes it as the anchor.
    tools = PdfTools(tmp_path)
    qr = [t for f, t in tools.decode(pdf) if f == "QRCode"]
    assert qr == [anchor.group(1)]
    said = _verify(capsys, str(bundles[0]), "--kiosk-key", pub, "--anchor", qr[0])
    assert "VERIFIED" in said and "retired" in said

    # Key material gone; the terminal refuses to run and says why.
    assert not (data / "keyslots.json").exists()
    with pytest.raises(JournalError) as exc:
        resume(tmp_path / "sim")
    assert exc.value.code == "terminal.is_retired"
    assert main(["backup", "--data", str(data), "--medium-dir", str(stick), "--medium", "X"]) == 1
    assert "was retired" in capsys.readouterr().err

    # The certificate again, from the note, for a printer that is gone.
    again = tmp_path / "again.pdf"
    assert _retire(data, keys, stick, "--certificate-pdf", str(again)) == 0
    assert [t for f, t in tools.decode(again) if f == "QRCode"] == qr
    assert _retire(data, keys, stick, "--certificate-pdf", str(again)) == 1  # never over a file


@pytest.mark.cups
def test_the_certificate_is_printed_through_cups(tmp_path: Path, capsys: Any) -> None:
    """Without ``--certificate-pdf`` the certificate goes to the policy's CUPS queue.

    cups-pdf is the paper: the printed PDF is read back (its QR is the final
    head) and taken away, so no sheet is left behind.
    """
    from tests.hardware.printing.test_identity_sheet import _cups_ready, _paper_tray

    _cups_ready()
    sim, data, keys = _retiring(tmp_path)
    sim.terminal.close()
    stick = tmp_path / "final-stick"
    stick.mkdir()
    status = _retire(data, keys, stick)
    out = capsys.readouterr().out
    jobs = re.findall(r"CUPS accepted job (\S+)", out)
    papers = [p for job in jobs for p in _paper_tray().glob(f"*job_{job.split('-')[-1]}.pdf")]
    try:
        assert status == 0, out
        assert len(jobs) == 1 and len(papers) == 1, out
        assert "Retirement certificate printed" in out
        anchor = re.search(r"--anchor (\d+:[0-9a-f]{64})", out)
        assert anchor is not None
        tools = PdfTools(tmp_path)
        assert [t for f, t in tools.decode(papers[0]) if f == "QRCode"] == [anchor.group(1)]
        text = " ".join(tools.text_pages(papers[0])[0].split())
        assert "Terminal retirement certificate" in text and "is retired" in text
    finally:
        for p in papers:
            p.unlink(missing_ok=True)
    assert not (data / "keyslots.json").exists()


def test_move_then_retire_on_the_new_machine(tmp_path: Path, capsys: Any) -> None:
    """``move``, ``restore`` and ``retire``, commands only; ``sealroom verify`` before and after.

    The final bundle, exported on the new machine, holds the whole story:
    the move, the restore (nothing lost) and the retirement.
    """
    sim, data, keys = _retiring(tmp_path)
    before = export_simulation(sim, tmp_path / "stick-before").path
    sim.terminal.close()
    pub = str(data / "kiosk.pub")
    assert "VERIFIED" in _verify(capsys, str(before), "--kiosk-key", pub)
    medium = tmp_path / "backup-stick"
    medium.mkdir()
    common = ["--medium-dir", str(medium), "--simulated-keys", str(keys), "--medium", "B"]
    by = ["--by", "dana", "--by", "sam"]
    pins = str(_fd(f"{DEFAULT_PIN}\n" * 3))
    register = ["backup", "--data", str(data), *common, "--register", "Safe A", *by]
    assert main([*register, "--pin-fd", pins]) == 0
    pins = str(_fd(f"{DEFAULT_PIN}\n" * 3))
    move = ["move", "--data", str(data), *common, "--to", "T2, room B", *by]
    assert main([*move, "--pin-fd", pins]) == 0
    anchor = capsys.readouterr().out.split("--anchor '")[1].split("'")[0]
    new = tmp_path / "new-machine"
    pins = str(_fd(f"{DEFAULT_PIN}\n" * 3))
    restore = ["restore", "--data", str(new), *common[:4], "--anchor", anchor, *by]
    assert main([*restore, "--pin-fd", pins]) == 0
    assert "Nothing lost" in capsys.readouterr().out

    stick = tmp_path / "final-stick"
    stick.mkdir()
    pdf = tmp_path / "certificate.pdf"
    assert _retire(new, keys, stick, "--certificate-pdf", str(pdf)) == 0
    final = capsys.readouterr().out.split("--anchor ")[1].split()[0]
    (bundle,) = stick.glob("sealroom-export-*")
    said = _verify(capsys, str(bundle), "--kiosk-key", pub, "--anchor", final)
    assert "VERIFIED" in said
    for what in ("moved to new hardware", "restored from a sealed backup", "was retired"):
        assert what in said, what
    assert not (new / "keyslots.json").exists()
    pins = str(_fd(f"{DEFAULT_PIN}\n"))
    assert main(["backup", "--data", str(data), *common, "--by", "dana", "--pin-fd", pins]) == 1
    assert "was moved to new hardware" in capsys.readouterr().err  # the old copy
