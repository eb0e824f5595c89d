"""Helpers for the printing tests: real poppler tools and zxing-cpp, no mocks."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image


class PdfTools:
    """Independent readers of a PDF: poppler for text and pages, zxing-cpp for codes."""

    def __init__(self, workdir: Path) -> None:
        for tool in ("pdftoppm", "pdftotext", "pdfinfo", "pdffonts"):
            if shutil.which(tool) is None:
                pytest.fail(f"{tool} is missing: apt-get install poppler-utils")
        self.workdir = workdir

    def write(self, data: bytes, name: str) -> Path:
        p = self.workdir / f"{name}.pdf"
        p.write_bytes(data)
        return p

    @staticmethod
    def pages(pdf: Path) -> int:
        out = subprocess.run(
            ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True
        ).stdout
        return int(next(ln.split()[-1] for ln in out.splitlines() if ln.startswith("Pages:")))

    @staticmethod
    def info(pdf: Path) -> str:
        return subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout

    @staticmethod
    def fonts(pdf: Path) -> str:
        return subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout

    @classmethod
    def text_pages(cls, pdf: Path) -> list[str]:
        """Text of each page (pdftotext separates pages with form feeds)."""
        out = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        return out.split("\f")[: cls.pages(pdf)]

    def decode(self, pdf: Path, dpi: int = 200) -> list[tuple[str, str]]:
        """Rasterise every page and decode every barcode/QR code with zxing-cpp."""
        root = self.workdir / pdf.stem
        subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(root)], check=True)
        found: list[tuple[str, str]] = []
        for png in sorted(self.workdir.glob(pdf.stem + "-*.png")):
            with Image.open(png) as im:
                found += [(r.format.name, r.text) for r in zxingcpp.read_barcodes(im)]
        return found


@pytest.fixture
def pdftools(tmp_path: Path) -> PdfTools:
    return PdfTools(tmp_path)


Squash = Callable[[str], str]
