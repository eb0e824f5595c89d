"""The bundle writer: real journals, real keys (simulated devices), real failures."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hardware.printing.render import render
from kiosk.errors import ExportError, SealroomError
from kiosk.export import DirectoryWriter, ExportProgress, export_bundle, start_export_approval
from kiosk.export.directory import Progress
from kiosk.verify import verify_bundle
from tests.bundle_tools import ssh_verify

FILES = {
    "journal.jsonl",
    "manifest.json",
    "manifest.json.sig",
    "report.pdf",
    "events.csv",
    "README.txt",
}


def _approve(t: Any, auditor: str = "avery", custodian: str = "dana") -> Any:
    ap = start_export_approval(t.journal, t.policy, t.security_keys, "stick")
    t.sign(ap, auditor, role="auditor")
    t.sign(ap, custodian, role="custodian")
    return ap.commit()


def test_real_bundle_layout_verifies_and_ssh_keygen_accepts(
    terminal_factory: Any, tmp_path: Path
) -> None:
    t = terminal_factory(incidents=2)
    stick = tmp_path / "stick"
    stick.mkdir()
    seen: list[ExportProgress] = []
    head_before = t.journal.head
    res = export_bundle(
        t.journal, DirectoryWriter(stick), _approve(t), render, progress=seen.append
    )
    kiosk_id = t.journal.state.kiosk_id
    assert res.path.name.startswith(f"sealroom-export-{kiosk_id}-")
    assert res.path.parent == stick
    assert {p.name for p in res.path.iterdir()} == FILES
    # The whole journal from seq 1, up to the approval entry.
    lines = (res.path / "journal.jsonl").read_bytes().splitlines()
    assert json.loads(lines[0])["seq"] == 1 and len(lines) == head_before.seq + 1
    # ssh-keygen accepts the signature with the terminal's kiosk.pub.
    pub = (t.data_dir / "kiosk.pub").read_text().strip()
    out = ssh_verify(res.path, pub, kiosk_id)
    assert out.returncode == 0, out.stderr
    r = verify_bundle(res.path, trusted_keys=[pub])
    assert r.ok, r.errors
    assert r.key_source == "trusted" and r.entries == len(lines)
    # export.created records the manifest hash; the progress reached the total.
    last = t.journal.entry(t.journal.state.seq)
    assert last is not None and last.kind == "export.created"
    manifest = (res.path / "manifest.json").read_bytes()
    assert last.data["manifest_hash"] == hashlib.sha256(manifest).hexdigest() == res.manifest_hash
    assert seen and seen[-1].done == seen[-1].total
    assert [p.done for p in seen] == sorted(p.done for p in seen)
    assert seen[-1].step == "manifest.json.sig"  # the signature is written last
    readme = (res.path / "README.txt").read_text()
    assert "ssh-keygen -Y verify -f allowed_signers" in readme and kiosk_id in readme
    csv_rows = (res.path / "events.csv").read_bytes().splitlines()
    assert len(csv_rows) == len(lines) + 1
    # The next bundle holds the export.created entry of this one, and verifies too.
    t.clock.advance(seconds=30)
    res2 = export_bundle(t.journal, DirectoryWriter(stick), _approve(t), render)
    r2 = verify_bundle(res2.path, trusted_keys=[pub], anchors=[(r.head["seq"], r.head["hash"])])
    assert r2.ok and r2.entries == r.entries + 2
    assert ssh_verify(res2.path, pub, kiosk_id).returncode == 0


def test_report_pdf_lists_incidents_findings_head_and_key(
    terminal_factory: Any, tmp_path: Path
) -> None:
    t = terminal_factory(incidents=1)
    t.clock.advance(days=20)  # review overdue, quarterly test overdue
    stick = tmp_path / "stick"
    stick.mkdir()
    res = export_bundle(t.journal, DirectoryWriter(stick), _approve(t), render)
    out = subprocess.run(
        ["pdftotext", "-layout", str(res.path / "report.pdf"), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    flat = " ".join(out.split())
    assert "Audit export report" in flat
    assert "Incident INC-1" in flat and "Session record signed" in flat
    assert "MET" in flat and "MISSED" in flat  # documentation met, review missed
    assert "post-incident review" in flat
    # Every phase of the incident with its time and entry, and each deadline's detail.
    for phase in ("Invocation declared", "Envelope opened", "Session ended", "Credential reset"):
        assert phase in flat
    assert "MISSED post-incident review within 5 business days due " in flat
    assert "· not done" in flat and "MET session documentation" in flat
    from kiosk.terminal.lifecycle import ssh_fingerprint

    assert ssh_fingerprint(t.journal.kiosk_public_line()) in flat
    assert "root-db" in flat


def test_export_needs_an_auditor_and_a_custodian(terminal_factory: Any, tmp_path: Path) -> None:
    t = terminal_factory()
    stick = tmp_path / "stick"
    stick.mkdir()
    # Two custodians but no auditor: the approval flow itself refuses the auditor role.
    ap = start_export_approval(t.journal, t.policy, t.security_keys, "stick")
    with pytest.raises(SealroomError):
        t.sign(ap, "sam", role="auditor")
    ap.abandon()
    # An entry that is not an export approval is refused.
    other = t.journal.entry(2)
    with pytest.raises(ExportError) as e:
        export_bundle(t.journal, DirectoryWriter(stick), other, render)
    assert e.value.code == "export.not_approved"
    # A used approval cannot be used twice.
    approval = _approve(t)
    export_bundle(t.journal, DirectoryWriter(stick), approval, render)
    t.clock.advance(seconds=30)
    with pytest.raises(ExportError) as e:
        export_bundle(t.journal, DirectoryWriter(stick), approval, render)
    assert "already used" in str(e.value)
    assert list(stick.iterdir()) and all(
        (p / "manifest.json.sig").exists() for p in stick.iterdir()
    )


class FailingWriter(DirectoryWriter):
    """The device boundary: a stick that fills up or is pulled after ``budget`` bytes.

    Also records the names it wrote, so tests can see the signature was never reached.
    """

    def __init__(self, root: Path, budget: int, err: int, free: int | None = None) -> None:
        super().__init__(root, "test stick")
        self.budget = budget
        self.err = err
        self.free = free
        self.gone = False
        self.finished: list[str] = []

    def free_bytes(self) -> int:
        return self.free if self.free is not None else super().free_bytes()

    def _write(self, fd: int, chunk: memoryview) -> int:
        if self.budget <= 0:
            if self.err != errno.ENOSPC:
                self.gone = True
            raise OSError(self.err, os.strerror(self.err))
        n = min(len(chunk), self.budget, 4096)
        self.budget -= n
        return os.write(fd, chunk[:n])

    def write_file(self, bundle: str, name: str, data: bytes, progress: Progress) -> None:
        super().write_file(bundle, name, data, progress)
        self.finished.append(name)

    def remove_bundle(self, bundle: str) -> bool:
        if self.gone:
            return False  # a pulled stick: nothing can be removed
        return super().remove_bundle(bundle)


def _no_complete_bundle(stick: Path, pub: str) -> None:
    for d in stick.iterdir():
        assert not (d / "manifest.json.sig").exists()
        r = verify_bundle(d, trusted_keys=[pub])
        assert not r.ok and r.errors[0].code == "unfinished"


@pytest.mark.parametrize(
    ("err", "budget", "code"),
    [
        (errno.ENOSPC, 20_000, "export.medium_full"),
        (errno.EIO, 40_000, "export.medium_gone"),
        (errno.ENODEV, 0, "export.medium_gone"),
        (errno.ENOSPC, 90_000, "export.medium_full"),
    ],
)
def test_full_or_pulled_stick_leaves_nothing_valid_and_is_recorded(
    terminal_factory: Any, tmp_path: Path, err: int, budget: int, code: str
) -> None:
    t = terminal_factory()
    pub = t.journal.kiosk_public_line()
    stick = tmp_path / "stick"
    stick.mkdir()
    approval = _approve(t)
    writer = FailingWriter(stick, budget, err)
    with pytest.raises(ExportError) as e:
        export_bundle(t.journal, writer, approval, render)
    assert e.value.code == code
    assert "Nothing valid was left" in str(e.value) or "went away" in str(e.value)
    assert "manifest.json.sig" not in writer.finished
    failed = t.journal.entry(t.journal.state.seq)
    assert failed is not None and failed.kind == "export.failed"
    assert failed.data["approved_seq"] == approval.seq and failed.data["reason"]
    if err == errno.ENOSPC:
        assert list(stick.iterdir()) == []  # the partial bundle was removed
    _no_complete_bundle(stick, pub)
    # The next attempt, on a working stick, works with the same approval.
    t.clock.advance(seconds=30)
    res = export_bundle(t.journal, DirectoryWriter(stick), approval, render)
    assert verify_bundle(res.path, trusted_keys=[pub]).ok
    assert ssh_verify(res.path, pub, t.journal.state.kiosk_id).returncode == 0
    assert t.journal.entry(t.journal.state.seq).kind == "export.created"  # type: ignore[union-attr]


def test_nearly_full_stick_is_refused_before_writing(terminal_factory: Any, tmp_path: Path) -> None:
    t = terminal_factory()
    stick = tmp_path / "stick"
    stick.mkdir()
    writer = FailingWriter(stick, 10**9, errno.ENOSPC, free=50_000)
    with pytest.raises(ExportError) as e:
        export_bundle(t.journal, writer, _approve(t), render)
    assert e.value.code == "export.medium_full" and "50000 are free" in str(e.value)
    assert list(stick.iterdir()) == [] and writer.finished == []
    assert t.journal.entry(t.journal.state.seq).kind == "export.failed"  # type: ignore[union-attr]


def test_cancel_mid_write_removes_the_partial_bundle(terminal_factory: Any, tmp_path: Path) -> None:
    t = terminal_factory()
    stick = tmp_path / "stick"
    stick.mkdir()
    cancel = threading.Event()

    def progress(p: ExportProgress) -> None:
        if p.step == "report.pdf":
            cancel.set()

    with pytest.raises(SealroomError) as e:
        export_bundle(
            t.journal, DirectoryWriter(stick), _approve(t), render, progress=progress, cancel=cancel
        )
    assert e.value.code == "cancelled"
    assert list(stick.iterdir()) == []
    last = t.journal.entry(t.journal.state.seq)
    assert last is not None and last.kind == "export.failed" and "cancel" in last.data["reason"]


@pytest.fixture
def small_tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A real 96 KiB tmpfs (root only): a genuinely full medium, not a wrapper."""
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=96k", "tmpfs", str(mnt)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (not root)")
    try:
        yield mnt
    finally:
        with contextlib.suppress(Exception):
            subprocess.run(["umount", str(mnt)], check=False, capture_output=True)


def test_really_full_tmpfs(terminal_factory: Any, small_tmpfs: Path) -> None:
    t = terminal_factory(incidents=2)
    # Fill the stick so that the free-space check passes but the write cannot.
    filler = small_tmpfs / "holiday-photos.bin"
    filler.write_bytes(b"\0" * 8192)

    class Optimist(DirectoryWriter):
        def free_bytes(self) -> int:
            return 10**9  # a stick that lies about its free space

    with pytest.raises(ExportError) as e:
        export_bundle(t.journal, Optimist(small_tmpfs), _approve(t), render)
    assert e.value.code == "export.medium_full"
    assert [p.name for p in small_tmpfs.iterdir()] == ["holiday-photos.bin"]
    assert t.journal.entry(t.journal.state.seq).kind == "export.failed"  # type: ignore[union-attr]
