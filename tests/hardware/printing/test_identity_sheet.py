"""The terminal identity sheet (issue 22): the auditors' anchors on a paper with no secret.

Printed at commissioning (``sealroom init --print-sheet``, after the sealed
commissioning sheet) and on request later (``sealroom identity-sheet``), from
the terminal's public files. Every check reads the rendered PDF: its QR code
with zxing-cpp, its text with poppler, and the fingerprint is compared with
what ``ssh-keygen -l`` says of ``kiosk.pub``.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from hardware.printing.render import render
from hardware.printing.samples import sample_documents
from kiosk.errors import SealroomError
from kiosk.format.clock import FakeClock
from kiosk.journal.keyslots import FAST_TEST_PARAMS
from kiosk.paper.documents import CommissioningSheet, IdentitySheet
from kiosk.paper.passwords import grouped
from kiosk.policy import load_policy
from kiosk.terminal.identity import IDENTITY_NAME
from kiosk.terminal.lifecycle import commission
from ui.cli import main

POLICY = load_policy()
PASSPHRASE = "correct horse battery staple 42"


def ssh_keygen_fingerprint(pub: Path) -> str:
    if shutil.which("ssh-keygen") is None:
        pytest.fail("ssh-keygen is missing: apt-get install openssh-client")
    out = subprocess.run(
        ["ssh-keygen", "-l", "-f", str(pub)], capture_output=True, text=True, check=True
    ).stdout
    return out.split()[1]


def squash(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def terminal(tmp_path: Path) -> tuple[Path, str]:
    """A commissioned terminal's data directory (closed), and its genesis hash."""
    data = tmp_path / "data"
    done = commission(data, POLICY, FakeClock(), passphrase=PASSPHRASE, argon=FAST_TEST_PARAMS)
    genesis = done.genesis_hash
    done.journal.close()
    return data, genesis


def check_sheet(pdf: Path, pdftools: Any, data: Path, genesis: str) -> str:
    """The sheet's QR is exactly kiosk.pub, its fingerprint ssh-keygen's, its genesis the
    journal's; returns its text."""
    pub = data / "kiosk.pub"
    qr = [text for fmt, text in pdftools.decode(pdf) if fmt == "QRCode"]
    assert qr == [pub.read_text(encoding="ascii")]  # the file's exact bytes, newline included
    text = squash(pdftools.text_pages(pdf)[0])
    fingerprint = ssh_keygen_fingerprint(pub)
    assert fingerprint in text
    assert re.findall(r"SHA256:[A-Za-z0-9+/]{43}", text) == [fingerprint]
    for i in range(0, 64, 16):
        assert grouped(genesis[i : i + 16]) in text
    assert f"--anchor 1:{genesis}" in text
    assert "passphrase" not in text.lower()
    return text


def test_the_sample_identity_sheet_is_its_key(pdftools: Any, tmp_path: Path) -> None:
    """The sample's QR decodes to its key line, and ssh-keygen agrees with its fingerprint."""
    docs = sample_documents()
    sheet = next(d for d in docs if isinstance(d, IdentitySheet))
    comm = next(d for d in docs if isinstance(d, CommissioningSheet))
    assert sheet.key_fingerprint == comm.key_fingerprint
    pub = tmp_path / "kiosk.pub"
    pub.write_text(sheet.public_key + "\n", encoding="ascii")
    assert ssh_keygen_fingerprint(pub) == sheet.key_fingerprint
    pdf = pdftools.write(render(sheet), "identity")
    assert [t for f, t in pdftools.decode(pdf) if f == "QRCode"] == [pub.read_text()]
    comm.recovery_passphrase.wipe()


def test_the_model_refuses_a_fingerprint_of_another_key() -> None:
    sheet = next(d for d in sample_documents() if isinstance(d, IdentitySheet))
    other = "SHA256:" + "A" * 43
    with pytest.raises(SealroomError) as exc:
        dataclasses.replace(sheet, key_fingerprint=other)
    assert exc.value.params["field"] == "key_fingerprint"


def test_printed_on_request_from_the_public_files(
    terminal: tuple[Path, str], pdftools: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, genesis = terminal
    out = tmp_path / "identity.pdf"
    assert main(["identity-sheet", "--data", str(data), "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert ssh_keygen_fingerprint(data / "kiosk.pub") in said and genesis in said
    text = check_sheet(out, pdftools, data, genesis)
    assert "printed again on request" in text.lower()
    assert "Terminal identity sheet" in text and f"Terminal {POLICY.kiosk_id}" in text
    # Never over another file.
    assert main(["identity-sheet", "--data", str(data), "--out", str(out)]) == 2


def test_files_that_disagree_are_refused(
    terminal: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """kiosk.pub swapped for another key: no sheet, and the reason, not a traceback."""
    data, _genesis = terminal
    other = commission(
        tmp_path / "other", POLICY, FakeClock(), passphrase=PASSPHRASE, argon=FAST_TEST_PARAMS
    )
    other.journal.close()
    shutil.copyfile(tmp_path / "other" / "kiosk.pub", data / "kiosk.pub")
    out = tmp_path / "swapped.pdf"
    assert main(["identity-sheet", "--data", str(data), "--out", str(out)]) == 1
    assert "name different terminal keys" in capsys.readouterr().err
    assert not out.exists()

    (data / IDENTITY_NAME).unlink()
    assert main(["identity-sheet", "--data", str(data), "--out", str(out)]) == 1
    assert f"no {IDENTITY_NAME}" in capsys.readouterr().err

    (data / IDENTITY_NAME).write_text(json.dumps({"format": "something else"}))
    assert main(["identity-sheet", "--data", str(data), "--out", str(out)]) == 1
    assert "cannot be used" in capsys.readouterr().err
    assert not out.exists()


def test_commissioning_writes_the_public_identity(terminal: tuple[Path, str]) -> None:
    data, genesis = terminal
    doc = json.loads((data / IDENTITY_NAME).read_text())
    assert doc["genesis_hash"] == genesis
    assert doc["public_key"] == (data / "kiosk.pub").read_text().strip()
    assert doc["fingerprint"] == ssh_keygen_fingerprint(data / "kiosk.pub")
    assert set(doc) == {
        "format",
        "kiosk_id",
        "public_key",
        "fingerprint",
        "genesis_hash",
        "commissioned_at",
    }  # nothing else: it is public


def test_the_commissioning_sheet_sends_auditors_to_the_identity_sheet(pdftools: Any) -> None:
    comm = next(d for d in sample_documents() if isinstance(d, CommissioningSheet))
    text = squash(pdftools.text_pages(pdftools.write(render(comm), "comm"))[0])
    assert "stays sealed in the safe" in text and "terminal identity sheet" in text
    comm.recovery_passphrase.wipe()


# ---------------------------------------------------------------------------------------------
# At commissioning, through CUPS (cups-pdf is the paper)


def _cups_ready() -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        env = dict(os.environ, LC_ALL="C")
        return subprocess.run(list(args), capture_output=True, text=True, env=env, check=False)

    sched = run("lpstat", "-r").stdout
    if "is running" in sched and run("lpstat", "-p", POLICY.print_queue).returncode == 0:
        return
    why = f"CUPS scheduler: {sched.strip() or 'no answer'}"
    if os.environ.get("SEALROOM_REQUIRE_CUPS") == "1":
        pytest.fail(f"CUPS is required but not ready ({why}). Run .ci/cups-setup.sh as root.")
    pytest.skip(f"CUPS not set up ({why}); run .ci/cups-setup.sh")


def _paper_tray() -> Path:
    out = "${HOME}/PDF"
    for line in Path("/etc/cups/cups-pdf.conf").read_text().splitlines():
        if line.startswith("Out "):
            out = line.split(None, 1)[1].strip()
    user = subprocess.run(["id", "-un"], capture_output=True, text=True).stdout.strip()
    return Path(out.replace("${USER}", user).replace("${HOME}", str(Path.home())))


@pytest.mark.cups
def test_init_print_sheet_prints_the_identity_sheet_too(tmp_path: Path, pdftools: Any) -> None:
    """``sealroom init --print-sheet``: the sealed commissioning sheet, then the auditors' one.

    In a child process, as an administrator runs it (``init`` hardens its own process).
    """
    _cups_ready()
    data = tmp_path / "data"
    pins_r, pins_w = os.pipe()
    os.write(pins_w, b"1234-5678\n8765-4321\n")
    os.close(pins_w)
    try:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "ui.cli",
                "init",
                "--data",
                str(data),
                "--custodian",
                "dana:Dana Whitfield:IT Director",
                "--custodian",
                "lee:Lee Park:Security Lead",
                "--simulated-keys",
                str(tmp_path / "keys"),
                "--pin-fd",
                str(pins_r),
                "--print-sheet",
            ],
            pass_fds=(pins_r,),
            capture_output=True,
            text=True,
            timeout=120,
            cwd=Path(__file__).resolve().parents[3],
        )
    finally:
        os.close(pins_r)
    jobs = re.findall(r"CUPS accepted job (\S+)", done.stdout)
    tray = _paper_tray()
    papers = [sorted(tray.glob(f"*job_{job.split('-')[-1]}.pdf")) for job in jobs]
    try:
        assert done.returncode == 0, done.stderr
        assert len(jobs) == 2, done.stdout  # the commissioning sheet, then the identity sheet
        assert "Terminal identity sheet printed" in done.stdout
        genesis = re.search(r"Genesis hash:\s+([0-9a-f]{64})", done.stdout)
        assert genesis is not None
        assert all(len(p) == 1 for p in papers), f"no printed output in {tray}"
        commissioning, identity = papers[0][0], papers[1][0]
        assert "identity" in identity.name and "commissioning" in commissioning.name
        text = check_sheet(identity, pdftools, data, genesis.group(1))
        assert "Printed at commissioning" in text
    finally:
        for found in papers:  # the paper is taken away (the commissioning sheet is secret)
            for p in found:
                p.unlink(missing_ok=True)
