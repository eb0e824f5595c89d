"""Finding copies of credential sheets on disk: for the CUPS tests and the session check.

A *copy* is found by what it says, read the way a person with the disk
would read it: the text of a PDF (``pdftotext``) and of a PostScript file
(ghostscript's ``txtwrite``), and — when the password is known — the raw
bytes too (as typed, or in its printed groups). A sheet is recognised by
its heading with the label of its secret (:data:`SHEET_MARKS`). A fragment that
cannot be read (a PDF cut short, ghostscript's page streams) says nothing:
the CUPS tests therefore also require that a job leaves no file at all in
CUPS's temporary folders.

Which files are looked at: those created or changed since a
:class:`Snapshot` was taken, under CUPS's spool (its temporary folder
included), cups-pdf's folders and ``/tmp`` — minus other pytest sessions'
scratch folders (they belong to another run; this run's own is looked at).
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from hardware.printing.cups_leftovers import CupsFolders

CUPS_PDF = Path("/var/spool/cups-pdf")
#: a sheet's heading and the label of the secret it carries (an audit report names sheets too)
SHEET_MARKS = (
    ("break-glass credential sheet", "password —"),
    ("terminal commissioning sheet", "recovery passphrase"),
)


def search_roots() -> list[Path]:
    """Where a copy of a printed sheet could be left on this machine."""
    cups = CupsFolders.of_this_machine()
    roots = [cups.spool, cups.temp, CUPS_PDF, Path("/tmp")]
    unique: list[Path] = []
    for r in roots:
        if not any(r == u or u in r.parents for u in unique):
            unique.append(r)
    return unique


def _other_pytest_scratch(own_basetemp: Path | None) -> set[Path]:
    """Other sessions' scratch folders next to this session's (not this run's files).

    ``pytest-N``, and ``garbage-*``: an old ``pytest-N`` that pytest renamed to delete it.
    """
    if own_basetemp is None or not own_basetemp.parent.is_dir():
        return set()
    return {
        p
        for p in own_basetemp.parent.iterdir()
        if p.name.startswith(("pytest-", "garbage-")) and p.resolve() != own_basetemp.resolve()
    }


Signature = tuple[int, int, int]


@dataclass
class Snapshot:
    """What files were under the roots, and their (inode, size, mtime)."""

    files: dict[Path, Signature]

    @classmethod
    def take(
        cls, roots: Iterable[Path] | None = None, own_basetemp: Path | None = None
    ) -> Snapshot:
        skip = _other_pytest_scratch(own_basetemp)
        files: dict[Path, Signature] = {}
        for top in search_roots() if roots is None else roots:
            for root, dirs, names in os.walk(top):
                here = Path(root)
                dirs[:] = [d for d in dirs if here / d not in skip]
                for name in names:
                    p = here / name
                    try:
                        st = p.lstat()
                    except OSError:
                        continue
                    if stat.S_ISREG(st.st_mode):  # never open a FIFO, socket or device
                        files[p] = (st.st_ino, st.st_size, st.st_mtime_ns)
        return cls(files)

    def new_since(self, before: Snapshot) -> list[Path]:
        """Files created or changed since ``before``."""
        return sorted(p for p, sig in self.files.items() if before.files.get(p) != sig)


def _read(path: Path, size: int = -1) -> bytes:
    """A regular file's bytes (opened without following a link or blocking on a FIFO)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return b""
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            return b""
        return f.read(size)


def document_text(path: Path, data: bytes | None = None) -> str:
    """The text a PDF or PostScript file shows ("" for anything else or unreadable)."""
    head = (data if data is not None else _read(path, 8))[:8]
    if head.startswith(b"%PDF"):
        args = ["pdftotext", "-layout", str(path), "-"]
    elif head.lstrip(b"\x04").startswith(b"%!PS") and shutil.which("gs"):
        args = ["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=txtwrite"]
        args += ["-sOutputFile=-", str(path)]
    else:
        return ""
    try:
        out = subprocess.run(args, capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return out.stdout.decode("utf-8", "replace")


def holds_secret(path: Path, secret: str) -> bool:
    """The password in the bytes (as typed or in groups of four) or in the document's text."""
    data = _read(path)
    groups = [secret[i : i + 4] for i in range(0, len(secret), 4)]
    if secret.encode() in data or " ".join(groups).encode() in data:
        return True
    text = document_text(path, data)
    tokens = set(text.split())
    return secret in text or (bool(text) and all(g in tokens for g in groups))


def holds_sheet(path: Path) -> bool:
    """A PDF or PostScript credential or commissioning sheet (its heading and secret's label)."""
    text = document_text(path).lower()
    return any(heading in text and label in text for heading, label in SHEET_MARKS)
