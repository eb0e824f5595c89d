"""Copies of a document that CUPS leaves on disk, and removing them.

Where a document lies while CUPS prints it (measured on Debian 12: CUPS
2.4.2, cups-filters 1.28, ghostscript 10, the cups-pdf queue and a stalled
printer; see ``tests/hardware/printing/test_cups_endings.py``):

* **the spool** (``RequestRoot``, ``/var/spool/cups``): the job's document
  file ``d<job>-<n>``. cupsd deletes it when the job ends (``PreserveJobFiles
  No``) or is purged; a job that is stopped, out of paper or caught by a
  cupsd restart keeps it, and cupsd prints it again when it can.
* **CUPS's temporary folder** (``TempDir``, by default ``/var/spool/cups/tmp``):
  ``pdftops`` copies the whole PDF there (``<pid><time>`` in hex), ghostscript
  keeps page streams in ``gs_*`` files, a backend that cannot stream copies
  the print data there. A filter stopped mid-job — cancelled, timed out,
  printer stopped, paper out, cupsd stopped — leaves them, whole sheet and
  password included. Nothing in CUPS removes them until cupsd next starts,
  and not even then when ``TempDir`` is outside the spool.
* **a backend's own folder**: cups-pdf (the PDF "printer" of CI and
  rehearsals) writes the PostScript it converts into its ``Spool`` folder
  (``/var/spool/cups-pdf/SPOOL``) and leaves it when stopped.

Which files are a job's: file names do not say (``gs_*`` names are random),
and the kiosk cannot read lp's files to look for a marker. What it can know
is whether any job is being *processed*: every such file is created by a
filter or backend process, and a printer is ``processing`` exactly while a
job's processes run. So a sweep lists the folders and then asks the
scheduler; if no printer is processing, nothing listed can be in use — each
file is a leftover of a job that has ended, and is removed (cupsd does the
same to its ``TempDir`` when it starts). A file created after the listing is
not removed; a printer busy beyond the wait leaves the sweep undone, and
the caller fails closed. On the terminal nothing but the kiosk prints, one
job at a time, so every leftover is one of its own jobs'.
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

CUPS_FILES_CONF = Path("/etc/cups/cups-files.conf")
CUPS_PDF_CONF = Path("/etc/cups/cups-pdf.conf")
DEFAULT_SPOOL = Path("/var/spool/cups")
DEFAULT_CUPS_PDF_SPOOL = Path("/var/spool/cups-pdf/SPOOL")


def read_directive(conf: Path, name: str) -> str | None:
    """The value of ``name`` in a CUPS-style configuration file (last one wins), if readable."""
    try:
        text = conf.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    value = None
    for line in text.splitlines():
        parts = line.strip().split(None, 1)
        if len(parts) == 2 and parts[0].lower() == name.lower() and not parts[0].startswith("#"):
            value = parts[1].strip()
    return value


@dataclass(frozen=True)
class CupsFolders:
    """Where a CUPS server keeps copies of documents (module docstring)."""

    spool: Path = DEFAULT_SPOOL
    temp: Path = DEFAULT_SPOOL / "tmp"
    backend: tuple[Path, ...] = ()

    @classmethod
    def of_this_machine(
        cls, cups_files_conf: Path = CUPS_FILES_CONF, device_uri: str | None = None
    ) -> CupsFolders:
        """This cupsd's folders (its ``cups-files.conf``); a cups-pdf queue adds its Spool."""
        spool = Path(read_directive(cups_files_conf, "RequestRoot") or DEFAULT_SPOOL)
        temp = Path(read_directive(cups_files_conf, "TempDir") or spool / "tmp")
        backend: tuple[Path, ...] = ()
        if device_uri is not None and device_uri.startswith("cups-pdf:"):
            backend = (Path(read_directive(CUPS_PDF_CONF, "Spool") or DEFAULT_CUPS_PDF_SPOOL),)
        return cls(spool, temp, backend)

    @property
    def scratch(self) -> tuple[Path, ...]:
        """The folders a sweep empties: CUPS's temporary folder and the backend's."""
        return (self.temp, *self.backend)


def job_documents(spool: Path, job: int, documents: int = 1) -> list[Path] | None:
    """The job's document files still in the spool, or ``None`` if the spool cannot be searched.

    Looked up by name (``d<job>-001`` …): that needs only the right to pass
    through the spool folder (cupsd keeps it ``0710 root:lp``), not to list it.
    """
    found = []
    for n in range(1, documents + 1):
        path = spool / f"d{job:05d}-{n:03d}"
        try:
            path.lstat()
        except FileNotFoundError:
            continue
        except OSError:
            return None
        found.append(path)
    return found


@dataclass
class Sweep:
    """What a sweep did: files removed, files it could not remove, folders it could not read."""

    idle: bool = False
    removed: list[Path] = field(default_factory=list)
    left: list[Path] = field(default_factory=list)
    unreadable: list[Path] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return self.idle and not self.left and not self.unreadable

    def where(self) -> str:
        """The folders with something left, for a message (never file contents)."""
        places = sorted({str(p.parent) for p in self.left} | {str(p) for p in self.unreadable})
        return ", ".join(places)


def _files_under(folder: Path) -> tuple[list[Path], bool]:
    """Every non-directory entry under ``folder`` (not following links); False if unreadable."""
    found: list[Path] = []
    ok = True

    def failed(_exc: OSError) -> None:
        nonlocal ok
        ok = False

    try:
        st = folder.stat()
    except FileNotFoundError:
        return found, True  # no folder, no copy
    except OSError:
        return found, False
    if not stat.S_ISDIR(st.st_mode):
        return found, False
    for root, _dirs, files in os.walk(folder, onerror=failed):
        found += [Path(root) / name for name in files]
    return found, ok


def sweep(
    folders: Sequence[Path],
    busy: Callable[[], bool],
    *,
    wait_seconds: float,
    poll: float = 0.1,
    sleep: Callable[[float], None] = time.sleep,
) -> Sweep:
    """Remove every file in ``folders`` once no printer is processing (module docstring).

    ``busy`` asks the scheduler whether any printer is processing (it may
    raise; the caller decides what an unreachable scheduler means). The
    order is: list, then ask, then remove what was listed — so a job that
    starts after the listing keeps its files.
    """
    result = Sweep()
    deadline = time.monotonic() + wait_seconds
    while True:
        listed: list[Path] = []
        result.unreadable = []
        for folder in folders:
            files, readable = _files_under(folder)
            listed += files
            if not readable:
                result.unreadable.append(folder)
        if not busy():
            result.idle = True
            break
        if time.monotonic() >= deadline:
            return result
        sleep(poll)
    for path in listed:
        try:
            path.unlink()
            result.removed.append(path)
        except FileNotFoundError:
            continue  # its own process removed it meanwhile
        except OSError:
            result.left.append(path)
    return result
