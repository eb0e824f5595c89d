"""Time to render a credential sheet, against reportlab rendering an empty page in the same run.

The empty page is reportlab's own floor on this machine (canvas set-up, one
page, PDF serialisation), so the ratio says what our layout, fonts, QR code
and barcode cost, independent of how fast the machine is.

    .venv/bin/python benchmarks/print.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from hardware.printing.render import render, render_empty_page
from hardware.printing.samples import sample_documents
from kiosk.paper.documents import CredentialSheet


def _median_ms(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=30)
    args = ap.parse_args()
    sheet = next(d for d in sample_documents() if isinstance(d, CredentialSheet))
    render(sheet)  # warm-up: font registration and parsing happen once per process
    render_empty_page()
    empty = _median_ms(render_empty_page, args.runs)
    full = _median_ms(lambda: render(sheet), args.runs)
    size = len(render(sheet))
    sheet.password.wipe()
    print(f"runs per case:              {args.runs}")
    print(f"empty reportlab page:       {empty:8.2f} ms (median)")
    print(f"credential sheet:           {full:8.2f} ms (median), {size / 1024:.0f} KiB PDF")
    print(f"ratio sheet / empty page:   {full / empty:8.1f} x")


if __name__ == "__main__":
    main()
