"""Pictures of issue 22's forms, to look at: registered lists, fields that apply, kept answers.

    Xvfb :99 -screen 0 1280x800x24 &
    DISPLAY=:99 .venv/bin/python docs/screenshots/take_forms.py OUT_DIR

Drives the declaration with the shared test driver in kiosk mode: the
details at 1280x800 and 1024x768 (accounts, systems and roles offered; the
solo-access question shown only without a second person), the approver
step before and after "approved" is chosen, then a lock and an unlock with
the dashboard's note and the answers put back. Writes ``NAME-WIDTH.png``
into OUT_DIR (not into the guide: these are for judging the forms).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QCoreApplication, QEvent, QRect  # noqa: E402

from benchmarks.ui import Bot  # noqa: E402
from tests.ui import kiosk_driver as drv  # noqa: E402
from ui.app import make_app  # noqa: E402

SIZES = ((1280, 800), (1024, 768))


def main(out: Path) -> None:
    app = make_app()
    bot = Bot()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        template = Path(tmp) / "t"
        drv.build_template(template)
        root = Path(tmp) / "r"
        shutil.copytree(template, root)
        w, _clock, _sc = drv.make_window(bot, root, windowed=False)  # type: ignore[arg-type]

        def settle() -> None:
            end = time.monotonic() + 0.5
            while time.monotonic() < end:
                app.processEvents()
                QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
                time.sleep(0.02)

        def shot(name: str, sizes: tuple[tuple[int, int], ...] = SIZES[:1]) -> None:
            if w.demo_panel is not None:  # the safe room's screen: no demo panel beside it
                w.demo_panel.hide()
            for width, height in sizes:
                w.resize(width, height)
                settle()
                w.grab(QRect(0, 0, width, height)).save(str(out / f"{name}-{width}.png"))
                print("saved", name, width, "window", w.width(), "x", w.height())
            if w.demo_panel is not None:
                w.demo_panel.show()

        drv.unlock(bot, w)  # type: ignore[arg-type]
        drv.press(bot, w.dashboard.emergency_button)  # type: ignore[arg-type]
        drv.wait_step(bot, w, "details")  # type: ignore[arg-type]
        shot("details", SIZES)
        drv.fill(bot, w, {"second_person": "sam"})  # type: ignore[arg-type]
        rest = {k: v for k, v in drv.DETAILS.items() if k not in ("declared_by", "second_person")}
        drv.fill(bot, w, rest)  # type: ignore[arg-type]
        drv.submit(bot, w)  # type: ignore[arg-type]
        drv.wait_step(bot, w, "approver")  # type: ignore[arg-type]
        shot("approver-empty")
        approved = {"outcome": "approved", "approver": drv.APPROVER, "channel": "phone"}
        drv.fill(bot, w, {**approved, "conditions": "Revert the policy only."})  # type: ignore[arg-type]
        shot("approver-approved", SIZES)
        w.lock()
        drv.unlock(bot, w)  # type: ignore[arg-type]
        shot("dashboard-after-lock")
        drv.press(bot, w.dashboard.emergency_button)  # type: ignore[arg-type]
        drv.wait_step(bot, w, "details")  # type: ignore[arg-type]
        shot("details-restored")
        drv.submit(bot, w)  # type: ignore[arg-type]
        drv.wait_step(bot, w, "approver")  # type: ignore[arg-type]
        shot("approver-restored", SIZES)
        w.lock()
        w.release_filters()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(Path(sys.argv[1]))
