"""Screenshots of issue 19's screens for the custodians' and security staff's guides.

    Xvfb :99 -screen 0 1280x800x24 &
    DISPLAY=:99 .venv/bin/python docs/screenshots/take_incident.py [OUT_DIR]

Drives a simulated emergency with the shared test driver, as ``take.py``
does, up to the opening's alert on the dashboard, its acknowledgement by
security with a key, and a session left open past its limit.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QCoreApplication, QEvent, QRect  # noqa: E402
from PySide6.QtWidgets import QScrollArea, QWidget  # noqa: E402

from benchmarks.ui import Bot  # noqa: E402
from tests.ui import kiosk_driver as drv  # noqa: E402
from ui.app import make_app  # noqa: E402

OUT = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent


def main() -> None:
    app = make_app()
    bot = Bot()
    with tempfile.TemporaryDirectory() as tmp:
        template = Path(tmp) / "t"
        drv.build_template(template)
        root = Path(tmp) / "r"
        shutil.copytree(template, root)
        # kiosk mode, as in the safe room (no demo panel beside the screen)
        w, clock, sc = drv.make_window(bot, root, windowed=False)  # type: ignore[arg-type]
        w.resize(1280, 800)

        def settle() -> None:
            end = time.monotonic() + 0.5  # the dashboard's tiles re-flow after a resize
            while time.monotonic() < end:
                app.processEvents()
                # rows the dashboard rebuilt are deleted later: outside a running event loop
                # that is now, or the grab paints them under the new ones
                QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
                time.sleep(0.02)

        def shot(name: str, focus: Callable[[], QWidget] | None = None) -> None:
            panel = w.demo_panel
            if panel is not None:
                panel.hide()
            w.resize(1280, 800)
            settle()
            if focus is not None:  # scrolled to what the picture is about, once laid out
                area = w.dashboard.findChild(QScrollArea)
                area.ensureWidgetVisible(focus(), 50, 150)
                settle()
            w.grab(QRect(0, 0, 1280, 800)).save(str(OUT / f"{name}.png"))
            if panel is not None:
                panel.show()
            print("saved", name)

        drv.unlock(bot, w)  # type: ignore[arg-type]
        drv.declare(bot, w)  # type: ignore[arg-type]
        drv.acknowledge(bot, w)  # type: ignore[arg-type]
        drv.cont(bot, w, "checkout")  # type: ignore[arg-type]
        clock.advance(minutes=5)
        drv.retrieve(bot, w, sc, root)  # type: ignore[arg-type]
        drv.press(bot, w.flow_screen.close_button)  # type: ignore[arg-type]
        d = w.dashboard
        d.refresh()
        area = d.findChild(QScrollArea)
        (first,) = d.alert_buttons.values()
        app.processEvents()
        area.ensureWidgetVisible(first, 50, 200)
        shot("05-opening-alert", lambda: list(d.alert_buttons.values())[0])
        (alert,) = [a for a in drv.the_state(w).open_alerts() if a.alert == "envelope.opened"]
        d.ack_by.setCurrentIndex(d.ack_by.findData("lee"))
        drv.press(bot, d.alert_buttons[alert.seq])  # type: ignore[arg-type]
        screen = w.screens["acknowledge"]
        drv.press(bot, screen.ack_button)  # type: ignore[arg-type, attr-defined]
        keys = screen.keys  # type: ignore[attr-defined]
        bot.waitUntil(lambda: keys.pin.isVisible(), timeout=20000)
        shot("05-opening-acknowledged-by-security")
        drv.approve(bot, w, "lee", keys=keys)  # type: ignore[arg-type]
        bot.waitUntil(lambda: drv.the_state(w).alerts[alert.seq].acknowledged, timeout=20000)
        w.show_dashboard()
        d.refresh()
        # A session left open past the policy's limit.
        nxt = d.incident_buttons
        drv.press(bot, next(iter(nxt.values())))  # type: ignore[arg-type]
        drv.wait_step(bot, w, "start")  # type: ignore[arg-type]
        drv.fill(bot, w, dict(drv.SIGNED_IN_SCREEN))  # type: ignore[arg-type]
        drv.submit(bot, w)  # type: ignore[arg-type]
        drv.wait_step(bot, w, "action")  # type: ignore[arg-type]
        drv.press(bot, w.flow_screen.close_button)  # type: ignore[arg-type]
        clock.advance(minutes=w.ctx.policy.session_max_minutes + 5)
        if w.session is not None:  # unlocked: what the minute timer does
            w.session.ctx.check_deadlines()
        d.refresh()
        app.processEvents()
        area = d.findChild(QScrollArea)
        area.ensureWidgetVisible(d.judged_label, 50, 50)
        area.ensureWidgetVisible(list(d.alert_buttons.values())[-1], 50, 100)
        shot("06-session-limit", lambda: list(d.alert_buttons.values())[-1])
        w.lock()
        w.release_filters()


if __name__ == "__main__":
    main()
