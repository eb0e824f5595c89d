"""Kiosk responsiveness: the unlock screen's first paint, and the longest event-loop stall.

Each figure is a ratio against a floor measured in the same run:

* **first paint**: wall time from launching ``sealroom run --data DIR
  --windowed`` in a fresh process (``ui.cli.main``) until the unlock screen
  has painted (the ``sealroom.ui.start`` log record), against a fresh
  process that shows a bare PySide6 window with one label. Runs alternate
  (app, bare, ...) after one discarded run of each; medians and their ratio
  are reported. No target.
* **longest stall**: the emergency of ``tests/ui/test_emergency_on_screen.py``
  (unlock, invocation, acknowledgement, retrieval, access session,
  documentation, credential reset) driven through the real screens by
  ``tests/ui/kiosk_driver.py``, with a 5 ms heartbeat QTimer on the GUI
  thread: the longest gap between two beats is the longest time the event
  loop could not react. Budget 50 ms: the ratio must stay at or under 1.
  Also reported: the most CPU time the GUI thread spent between two beats,
  the kiosk's own part of a stall on a machine whose cores are busy.

Both run offscreen (``QT_QPA_PLATFORM=offscreen``) in child processes.

Run: ``.venv/bin/python benchmarks/ui.py [--runs 7] [--skip-start] [--skip-stalls]``.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MARK = "FIRST-PAINT"
STALL_BUDGET_MS = 50.0


# ------------------------------------------------------------------ first paint
def child_bare() -> None:
    """A bare PySide6 window: the floor of any Qt application's first paint."""
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

    app = QApplication(sys.argv[:1])

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and watched is window:
                print(MARK, flush=True)
                os._exit(0)
            return False

    window = QWidget()
    QVBoxLayout(window).addWidget(QLabel("Sealroom is locked", window))
    spy = FirstPaint()
    app.installEventFilter(spy)
    window.resize(1280, 800)
    window.show()
    app.exec()


def child_app(data_dir: str) -> None:
    """``sealroom run --windowed`` up to the unlock screen's first paint (its log record)."""
    import logging

    class FirstPaint(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.getMessage().startswith("unlock screen painted"):
                print(MARK, flush=True)
                os._exit(0)

    start_log = logging.getLogger("sealroom.ui.start")
    start_log.setLevel(logging.INFO)
    start_log.addHandler(FirstPaint())
    from ui.cli import main

    main(["run", "--data", data_dir, "--windowed"])


def time_child(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, __file__, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.strip() == MARK:
            elapsed = time.perf_counter() - started
            proc.wait(timeout=30)
            return elapsed
    _, err = proc.communicate(timeout=30)
    raise RuntimeError(f"child {args} never painted: {err[-2000:]}")


def first_paint(runs: int, env: dict[str, str]) -> dict[str, Any]:
    for package in ("kiosk", "hardware", "ui"):  # byte-compiled, as an installed package is
        compileall.compile_dir(ROOT / package, quiet=1)
    with tempfile.TemporaryDirectory(prefix="sealroom-bench-ui-") as tmp:
        app_args = ["--child", "app", "--data", str(Path(tmp) / "data")]
        bare_args = ["--child", "bare"]
        time_child(app_args, env)  # discarded: disk caches
        time_child(bare_args, env)
        app_s, bare_s = [], []
        for _ in range(runs):
            app_s.append(time_child(app_args, env))
            bare_s.append(time_child(bare_args, env))
    app_ms, bare_ms = statistics.median(app_s) * 1000, statistics.median(bare_s) * 1000
    return {
        "runs": runs,
        "app_median_ms": round(app_ms, 1),
        "bare_window_median_ms": round(bare_ms, 1),
        "ratio": round(app_ms / bare_ms, 2),
    }


# ------------------------------------------------------------------ stalls
class Bot:
    """The pytest-qt ``QtBot`` methods the kiosk driver uses, without pytest.

    Keys go one at a time with the event loop running in between, as keys
    really arrive (pytest-qt sends a string back to back, which would charge
    the driver's burst to the application as one stall).
    """

    def addWidget(self, widget: Any) -> None:
        self.widget = widget

    @staticmethod
    def keyClicks(widget: Any, text: str) -> None:
        from PySide6.QtTest import QTest

        for ch in text:
            QTest.keyClicks(widget, ch)
            QTest.qWait(1)

    @staticmethod
    def keyClick(*args: Any) -> None:
        from PySide6.QtTest import QTest

        QTest.keyClick(*args)
        QTest.qWait(1)

    @staticmethod
    def mouseClick(widget: Any, button: Any, pos: Any = None) -> None:
        from PySide6.QtCore import QPoint
        from PySide6.QtTest import QTest

        if pos is None:
            QTest.mouseClick(widget, button)
        else:
            QTest.mouseClick(widget, button, pos=QPoint(pos))

    @staticmethod
    def waitUntil(callback: Any, timeout: int = 5000) -> None:
        from PySide6.QtTest import QTest

        deadline = time.monotonic() + timeout / 1000
        while callback() not in (True, None):
            if time.monotonic() > deadline:
                raise TimeoutError(f"waitUntil timed out after {timeout} ms")
            QTest.qWait(10)


class Heartbeat:
    """A 5 ms QTimer on the GUI thread: the longest gap between two beats, per phase."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.phase = ""
        self.longest_ms: dict[str, float] = {}
        #: the most CPU time the GUI thread spent between two beats: the part of a stall
        #: that is the kiosk's own work (on a loaded machine the rest is waiting for a core)
        self.longest_cpu_ms = 0.0
        self.last, self.last_cpu = time.perf_counter(), time.thread_time()
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(5)
        self.timer.timeout.connect(self.beat)

    def start(self) -> None:
        self.last, self.last_cpu = time.perf_counter(), time.thread_time()
        self.timer.start()

    def beat(self) -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        gap = (now - self.last) * 1000
        self.longest_cpu_ms = max(self.longest_cpu_ms, (cpu - self.last_cpu) * 1000)
        self.longest_ms[self.phase] = max(self.longest_ms.get(self.phase, 0.0), gap)
        self.last, self.last_cpu = now, cpu


def child_emergency() -> None:
    """The emergency with the heartbeat running; prints the longest gap, overall and per phase."""
    import shutil

    from PySide6.QtTest import QTest

    from tests.ui import kiosk_driver as drv
    from ui.app import make_app

    make_app()  # the real application's translator and theme
    with tempfile.TemporaryDirectory(prefix="sealroom-bench-ui-") as tmp:
        drv.build_template(Path(tmp) / "template")
        root = Path(tmp) / "terminal"
        shutil.copytree(Path(tmp) / "template", root)
        bot = Bot()
        w, clock, sc = drv.make_window(bot, root)
        QTest.qWait(50)  # shown and painted: the start is not part of the emergency
        opened: dict[str, str] = {}

        def retrieval() -> None:
            clock.advance(minutes=5)
            opened["serial"] = drv.retrieve(bot, w, sc, root)

        def documentation() -> None:
            clock.advance(minutes=40)
            drv.document(bot, w)

        def reset() -> None:
            clock.advance(hours=2)
            drv.reset(bot, w, sc, opened["serial"])

        phases = [
            ("unlock", lambda: drv.unlock(bot, w)),
            ("invocation", lambda: drv.declare(bot, w)),
            ("acknowledge", lambda: drv.acknowledge(bot, w)),
            ("checkout", lambda: drv.cont(bot, w, "checkout")),
            ("retrieval", retrieval),
            ("session", lambda: drv.access_session(bot, w, clock)),
            ("documentation", documentation),
            ("reset", reset),
        ]
        heartbeat = Heartbeat()
        started = time.perf_counter()
        heartbeat.start()
        for name, step in phases:
            heartbeat.phase = name
            step()
        heartbeat.timer.stop()
        total = time.perf_counter() - started
        w.lock()
        w.ctx.runner.wait()
        w.release_filters()
    worst = max(heartbeat.longest_ms.values())
    result = {
        "emergency_s": round(total, 1),
        "longest_stall_ms": round(worst, 1),
        "budget_ms": STALL_BUDGET_MS,
        "ratio": round(worst / STALL_BUDGET_MS, 2),
        "longest_gui_thread_cpu_ms": round(heartbeat.longest_cpu_ms, 1),
        "longest_stall_by_phase_ms": {k: round(v, 1) for k, v in heartbeat.longest_ms.items()},
    }
    print(json.dumps(result), flush=True)
    os._exit(0)  # skip Qt teardown noise; everything above is flushed


def stalls(env: dict[str, str]) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", "emergency"],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("{")]
    if out.returncode != 0 or not lines:
        raise RuntimeError(f"emergency child failed ({out.returncode}): {out.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="first paints of each kind")
    parser.add_argument("--skip-start", action="store_true")
    parser.add_argument("--skip-stalls", action="store_true")
    parser.add_argument("--child", choices=["app", "bare", "emergency"])
    parser.add_argument("--data")
    args = parser.parse_args()
    if args.child == "bare":
        child_bare()
    elif args.child == "app":
        child_app(args.data)
    elif args.child == "emergency":
        child_emergency()
    if args.child:
        return 0
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    summary: dict[str, Any] = {"cpus": os.cpu_count()}
    if not args.skip_start:
        summary["first_paint"] = first_paint(args.runs, env)
    if not args.skip_stalls:
        summary["event_loop"] = stalls(env)
    print(json.dumps(summary, indent=2))
    return 0 if summary.get("event_loop", {}).get("ratio", 0.0) <= 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
