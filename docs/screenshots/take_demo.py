"""Screenshots of every step of the demo walked to the end, at 1280x800 and 1024x768.

    Xvfb :97 -screen 0 1280x800x24 &
    DISPLAY=:97 .venv/bin/python docs/screenshots/take_demo.py [OUT_DIR]

Walks ``sealroom demo`` (the window :func:`ui.cli_simulation.demo_context`
builds, demo panel included) with the walk of tests/ui/test_demo_walk.py:
the emergency, security's acknowledgement, the reset, the review, the
export and the auditor's verdict. At each step the window is grabbed at
both sizes the terminal must fit (``NN-step-1280x800.png``,
``NN-step-1024x768.png``); an open printed paper is grabbed in its own
window too. OUT_DIR defaults to a new temporary folder (the pictures show
the demo's throw-away credential sheet: look at them, do not commit them
all); ``demo-walk.png`` beside this script is the README's picture of the
demo, the paper open beside the window.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QCoreApplication, QEvent, QRect  # noqa: E402
from PySide6.QtGui import QPainter, QPixmap  # noqa: E402

from benchmarks.ui import Bot  # noqa: E402
from kiosk.policy import load_policy  # noqa: E402
from tests.ui import demo_walk  # noqa: E402
from ui.app import ASSETS, load_theme, make_app  # noqa: E402

SIZES = ((1280, 800), (1024, 768))


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="demo-shots-"))
    out.mkdir(parents=True, exist_ok=True)
    app = make_app()
    app.setStyleSheet(load_theme(ASSETS / "theme.qss"))
    bot = Bot()
    with tempfile.TemporaryDirectory() as tmp:
        w, desk = demo_walk.open_demo(bot, Path(tmp) / "demo", load_policy())  # type: ignore[arg-type]
        count = [0]

        def settle() -> None:
            end = time.monotonic() + 0.4
            while time.monotonic() < end:
                app.processEvents()
                QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
                time.sleep(0.02)

        def snap(name: str) -> None:
            count[0] += 1
            stem = f"{count[0]:02d}-{name}"
            panel = w.demo_panel
            paper = panel.paper_window if panel is not None else None
            for width, height in SIZES:
                w.resize(width, height)
                settle()
                grown = (w.width(), w.height()) != (width, height)
                w.grab(QRect(0, 0, width, height)).save(str(out / f"{stem}-{width}x{height}.png"))
                if grown:
                    print(
                        f"  the window is {w.width()}x{w.height()} at {stem}, not {width}x{height}"
                    )
            w.resize(*SIZES[0])
            settle()
            if paper is not None and paper.isVisible():
                paper.grab().save(str(out / f"{stem}-paper.png"))
                if name == "paper-open":  # the README's picture: the window and the paper
                    # only the paper's head (account, QR code): its password stays off the
                    # picture, even the demo's throw-away one
                    top = paper.grab(QRect(0, 0, paper.width(), 330))
                    both = QPixmap(SIZES[0][0] + top.width(), SIZES[0][1])
                    both.fill()
                    painter = QPainter(both)
                    painter.drawPixmap(0, 0, w.grab(QRect(0, 0, *SIZES[0])))
                    painter.drawPixmap(SIZES[0][0], 0, top)
                    painter.end()
                    both.save(str(Path(__file__).parent / "demo-walk.png"))
            print("saved", stem)

        seen = demo_walk.walk(bot, w, desk, snap)  # type: ignore[arg-type]
        print("verdict:", seen["code"], seen["report"].splitlines()[0])
        w.lock()
        w.release_filters()
    print("screenshots in", out)


if __name__ == "__main__":
    main()
