"""Screenshots of the kiosk's screens for the README (run under Xvfb or offscreen).

    Xvfb :99 -screen 0 1280x800x24 &
    DISPLAY=:99 .venv/bin/python docs/screenshots/take.py [OUT_DIR]

Drives a simulated emergency with the shared test driver (as
``benchmarks/ui.py`` does) and grabs the window at each screen people see.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QRect, Qt  # noqa: E402

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
        w, clock, sc = drv.make_window(bot, root)  # type: ignore[arg-type]
        w.resize(1280, 800)

        def shot(name: str) -> None:
            for _ in range(5):
                app.processEvents()
            bot.waitUntil(lambda: True)
            # the terminal as people see it: without the demo's simulated-device panel
            panel = w.demo_panel
            if panel is not None:
                panel.hide()
            w.resize(1280, 800)
            for _ in range(5):
                app.processEvents()
            w.grab(QRect(0, 0, 1280, 800)).save(str(OUT / f"{name}.png"))
            if panel is not None:
                panel.show()
            print("saved", name)

        shot("01-unlock")
        drv.unlock(bot, w)  # type: ignore[arg-type]
        shot("02-dashboard")
        bot.mouseClick(w.dashboard.emergency_button, Qt.MouseButton.LeftButton)
        drv.wait_step(bot, w, "details")  # type: ignore[arg-type]
        drv.fill(bot, w, dict(drv.DETAILS))  # type: ignore[arg-type]
        shot("03-invocation")
        drv.submit(bot, w)  # type: ignore[arg-type]
        drv.wait_step(bot, w, "approver")  # type: ignore[arg-type]
        drv.fill(
            bot,  # type: ignore[arg-type]
            w,
            {
                "outcome": "approved",
                "approver": drv.APPROVER,
                "channel": "phone",
                "conditions": "Revert the policy only.",
                "followup_ref": "E-mail from Priya Raman, 09:12",
            },
        )
        drv.submit(bot, w)  # type: ignore[arg-type]
        drv.wait_step(bot, w, "declare")  # type: ignore[arg-type]
        drv.acknowledge(bot, w)  # type: ignore[arg-type]
        drv.cont(bot, w, "checkout")  # type: ignore[arg-type]
        clock.advance(minutes=5)
        serial = sorted(e.serial for e in drv.the_state(w).envelopes_for("entra-01", "sealed"))[0]
        drv.scan(bot, w, sc, serial)  # type: ignore[arg-type]
        drv.submit(bot, w)  # type: ignore[arg-type]
        panel = w.flow_screen.keys
        bot.waitUntil(lambda: panel.pin.isVisible(), timeout=20000)
        shot("04-retrieval-approval")
        drv.both(bot, w)  # type: ignore[arg-type]
        drv.wait_step(bot, w, "inspect")  # type: ignore[arg-type]
        drv.fill(bot, w, dict(drv.CHECKLIST))  # type: ignore[arg-type]
        shot("05-inspection")
        drv.submit(bot, w)  # type: ignore[arg-type]
        drv.wait_step(bot, w, "open")  # type: ignore[arg-type]
        drv.fill(bot, w, {"exterior_signed": True})  # type: ignore[arg-type]
        drv.scan(bot, w, sc, serial)  # type: ignore[arg-type]
        drv.submit(bot, w)  # type: ignore[arg-type]
        drv.both(bot, w)  # type: ignore[arg-type]
        drv.wait_step(bot, w, "confirm_sheet")  # type: ignore[arg-type]
        drv.scan(bot, w, sc, drv.qr_of(root)[serial])  # type: ignore[arg-type]
        drv.submit(bot, w)  # type: ignore[arg-type]
        drv.wait_step(bot, w, None)  # type: ignore[arg-type]
        drv.cont(bot, w, "start")  # type: ignore[arg-type]
        drv.fill(bot, w, dict(drv.SIGNED_IN_SCREEN))  # type: ignore[arg-type]
        drv.submit(bot, w)  # type: ignore[arg-type]
        drv.wait_step(bot, w, "action")  # type: ignore[arg-type]
        clock.advance(minutes=3)
        action: dict[str, Any] = {
            "action": "Reverted policy CA-014",
            "outcome": "Policy reverted",
            "narrated": True,
            "outside_reason": False,
            "then": "logout",
        }
        drv.fill(bot, w, action)  # type: ignore[arg-type]
        shot("06-session-log")
        drv.submit(bot, w)  # type: ignore[arg-type]
        drv.wait_step(bot, w, "logout")  # type: ignore[arg-type]
        drv.fill(bot, w, {"post_change_ref": "after.json"})  # type: ignore[arg-type]
        drv.submit(bot, w)  # type: ignore[arg-type]
        drv.wait_step(bot, w, None)  # type: ignore[arg-type]
        clock.advance(minutes=40)
        drv.cont(bot, w, "compile")  # type: ignore[arg-type]
        drv.fill(bot, w, {"exceeds": False, "both_reviewed": True})  # type: ignore[arg-type]
        shot("07-documentation")
        drv.submit(bot, w)  # type: ignore[arg-type]
        drv.wait_step(bot, w, "sign")  # type: ignore[arg-type]
        drv.fill(bot, w, {"confirm": True})  # type: ignore[arg-type]
        drv.submit(bot, w)  # type: ignore[arg-type]
        drv.both(bot, w)  # type: ignore[arg-type]
        drv.wait_step(bot, w, None)  # type: ignore[arg-type]
        clock.advance(hours=2)
        drv.cont(bot, w, "bag")  # type: ignore[arg-type]
        shot("08-reset")
        drv.reset(bot, w, sc, serial, start=False)  # type: ignore[arg-type]
        clock.advance(days=2)
        drv.cont(bot, w, "review")  # type: ignore[arg-type]
        drv.fill(bot, w, {"audit_log_ref": "Entra sign-in and audit logs, incident window"})  # type: ignore[arg-type]
        shot("09-review")
        w.flow_screen.close_flow()
        bot.waitUntil(lambda: w.stack.currentWidget() is w.dashboard)
        shot("09-dashboard-after")
        for name in ("export", "journal"):
            w.open_screen(name)
            shot(f"10-{name}")
        w.lock()
        w.release_filters()


if __name__ == "__main__":
    main()
