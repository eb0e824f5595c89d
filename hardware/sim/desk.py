"""The demo's desk: a commissioned terminal, the papers printed, the auditor's stick, the auditor.

Why a module of its own: ``sealroom demo`` must be walkable to the end
(issue 22). Its envelopes hold credential sheets made by the one procedure
that makes them (:func:`hardware.sim.simulation.setup`, through the
simulated printer), and the person walking it needs what lies on a real
desk: the papers the printer produced (to read, and to scan their QR
codes), a USB stick for the export, and an auditor who verifies the
bundle with the terminal's public key. Nothing here is Qt; the demo panel
(:mod:`ui.demo_panel`) shows it.

Secrets: a credential sheet carries the demo's throw-away password. The
desk keeps each paper's PDF **in memory** for the session, as the paper
lies on the desk; it is rendered for the screen through ``pdftoppm``'s
standard input and output, and never written to a file.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from hardware.media import Volume
from hardware.printing.sim import SimulatedPrinter
from hardware.sim.export import AUDITOR
from hardware.sim.simulation import setup
from hardware.sim.terminal import DEFAULT_PIN, TEST_PASSPHRASE
from kiosk.errors import CancelledError
from kiosk.format.clock import UTC
from kiosk.journal.store import PUBKEY_NAME
from kiosk.paper.printer import PrintResult, Progress
from kiosk.policy import Policy
from kiosk.verify.manifest import MANIFEST

#: how long ago the demo's bags were received and its envelopes sealed
SEALED_AGO: Final = dt.timedelta(days=3, hours=2)


@dataclass
class Paper:
    """One document the printer produced: on the desk for the demo's session, in memory."""

    number: int
    title: str
    sensitive: bool
    pdf: bytes = field(repr=False)
    #: the codes read off its pages (QR, barcodes), once looked at (:meth:`codes`)
    _codes: list[tuple[str, str]] | None = field(default=None, repr=False)

    def pages(self, dpi: int = 100) -> list[bytes]:
        """Each page as a PNG image (empty when ``pdftoppm`` is not installed)."""
        return page_images(self.pdf, dpi)

    def codes(self) -> list[tuple[str, str]]:
        """What a scanner reads off the paper: (format, text) of each code on its pages."""
        if self._codes is None:
            self._codes = [c for png in self.pages(150) for c in read_codes(png)]
        return self._codes

    def bag(self) -> str | None:
        """The serial its barcode carries (a credential sheet names its bag), if any."""
        return next((text for kind, text in self.codes() if kind != "QRCode"), None)

    def qr(self) -> str | None:
        """The text of the paper's first QR code (what the procedure scans), if any."""
        return next((text for kind, text in self.codes() if kind == "QRCode"), None)


@dataclass
class DeskPrinter(SimulatedPrinter):
    """The simulated printer whose output lands on the desk (:attr:`papers`).

    :class:`SimulatedPrinter` keeps no sensitive document, like the real
    printer; on the demo's desk the printed paper is the point — a sheet
    must be taken out of its envelope and its QR code scanned — so each
    completed job's PDF is kept here, in memory only.
    """

    papers: list[Paper] = field(default_factory=list)

    def print_pdf(
        self,
        pdf: bytes,
        title: str,
        sensitive: bool,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
    ) -> PrintResult:
        result = super().print_pdf(pdf, title, sensitive, progress, cancel)
        if result.state == "completed":
            paper = Paper(len(self.papers) + 1, title, sensitive, pdf)
            if sensitive:  # a credential sheet: read now (off the GUI thread) to name its bag
                paper.codes()
            self.papers.append(paper)
        return result


def page_images(pdf: bytes, dpi: int = 100, max_pages: int = 20) -> list[bytes]:
    """Render ``pdf`` page by page with poppler's ``pdftoppm``, through pipes only."""
    tool = shutil.which("pdftoppm")
    if tool is None:
        return []
    out: list[bytes] = []
    for page in range(1, max_pages + 1):
        run = subprocess.run(  # noqa: S603 - fixed arguments, the PDF on stdin
            [tool, "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile", "-"],
            input=pdf,
            capture_output=True,
            check=False,
            timeout=60,
        )
        if run.returncode != 0 or not run.stdout:
            break  # past the last page
        out.append(run.stdout)
    return out


def read_codes(png: bytes) -> list[tuple[str, str]]:
    """(format, text) of each code a scanner would read off one page (none without zxing-cpp)."""
    try:
        import zxingcpp
        from PIL import Image
    except ImportError:
        return []
    with Image.open(io.BytesIO(png)) as im:
        return [(str(r.format.name), str(r.text)) for r in zxingcpp.read_barcodes(im)]


@dataclass
class DemoStick:
    """The auditor's USB stick: a folder that the export screen lists while plugged in."""

    folder: Path
    plugged: bool = False
    label: str = "Auditor's USB stick (simulated)"

    def volumes(self) -> list[Volume]:
        """What the export screen's stick list sees now (``AppContext.volumes``)."""
        if not self.plugged:
            return []
        self.folder.mkdir(parents=True, exist_ok=True)
        return [Volume("/dev/sdx1", self.folder, "vfat", True, False, "sdx", self.label)]

    def bundles(self) -> list[Path]:
        """The audit bundles on the stick, newest last."""
        if not self.folder.is_dir():
            return []
        found = [p for p in self.folder.iterdir() if (p / MANIFEST).is_file()]
        return sorted(found, key=lambda p: (p.stat().st_mtime, p.name))


def verify_command(bundle: Path, kiosk_pub: Path) -> list[str]:
    """``sealroom verify BUNDLE --kiosk-key kiosk.pub``, as the auditor runs it."""
    return [sys.executable, "-m", "kiosk.verify", str(bundle), "--kiosk-key", str(kiosk_pub)]


def audit(bundle: Path, kiosk_pub: Path) -> tuple[int, str]:
    """Run the auditors' verifier on ``bundle`` in its own process: (exit code, its report)."""
    run = subprocess.run(  # noqa: S603 - this Python, the verifier's module, two paths
        verify_command(bundle, kiosk_pub), capture_output=True, text=True, check=False, timeout=300
    )
    return run.returncode, (run.stdout + run.stderr).strip()


@dataclass
class DemoDesk:
    """The demo terminal and what lies beside it; see the module docstring."""

    root: Path
    printer: DeskPrinter
    stick: DemoStick
    #: custodian id -> name, of everyone with a simulated key
    owners: dict[str, str]
    #: the journal's last entry's time when the demo starts (the real time: no clock check)
    last_entry: str = ""
    #: each sealed envelope's serial and account (each holds a sheet among the papers)
    sealed: dict[str, str] = field(default_factory=dict)
    passphrase: str = TEST_PASSPHRASE
    pin: str = DEFAULT_PIN

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def keys_dir(self) -> Path:
        return self.root / "keys"

    @property
    def kiosk_pub(self) -> Path:
        return self.root / PUBKEY_NAME

    def audit_latest(self) -> tuple[int, str]:
        """The auditor verifies the newest bundle on the stick with the terminal's key."""
        bundles = self.stick.bundles()
        if not bundles:
            raise CancelledError("no bundle on the stick")
        return audit(bundles[-1], self.kiosk_pub)


def build_desk(
    root: Path, policy: Policy | None = None, now: dt.datetime | None = None
) -> DemoDesk:
    """Commission the demo terminal in ``root`` as the real procedure would, ending at ``now``.

    The bag stock is received and every account's envelopes sealed
    (credential sheets printed by :class:`DeskPrinter`) :data:`SEALED_AGO`;
    then, at ``now`` (the real time), an auditor is enrolled for the export.
    The journal's last entry is thus at the real time, so the first unlock
    does not ask two custodians to confirm the clock (it would, after more
    than the policy's ``clock_tolerance_minutes`` since the last entry).
    """
    at = (now or dt.datetime.now(UTC)).astimezone(UTC)
    printer = DeskPrinter()
    sim = setup(root, start=at - SEALED_AGO, policy=policy, printer=printer)
    try:
        if sim.clock.now() < at:
            sim.clock.set(at)
        sim.terminal.enrol(AUDITOR)
        state = sim.journal.state
        owners = {c.id: c.name for c in state.custodians.values() if not c.revoked}
        sealed = {e.serial: str(e.account) for e in state.envelopes.values() if e.state == "sealed"}
        last = state.last_ts
    finally:
        sim.terminal.close()
    printer.delay_seconds = 0.5  # from now on the printer takes its time, as a real one
    return DemoDesk(root, printer, DemoStick(root / "stick"), owners, last, sealed)
