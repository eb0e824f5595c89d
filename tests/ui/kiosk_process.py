"""The real ``sealroom`` command in a process of its own, with the test's hands on its window.

Run as ``python tests/ui/kiosk_process.py run --data DIR`` (any ``sealroom``
arguments): it calls :func:`ui.cli.main` unchanged — the same start, signal
handling and shutdown as the terminal's — and only swaps in a window class
that, once on screen, does what a person at the terminal would:

* prints ``READY <pid> dumpable=<0|1> core=<soft>,<hard>`` (what the process
  set for itself, read from inside it);
* with ``SEALROOM_TEST_PASSPHRASE_FD`` set, reads the recovery passphrase
  from that descriptor, types it into the unlock screen and presses Unlock;
  once unlocked it appends one entry (as any step would) and prints
  ``UNLOCKED <seq> <hash>`` — the head the journal acknowledged.

Everything after that line is the kiosk's own behaviour under test.
"""

from __future__ import annotations

import os
import resource
import sys


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main(argv: list[str]) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QShowEvent

    import ui.app
    from hardware.process import dumpable
    from kiosk.journal.store import Journal
    from kiosk.scan.serials import make_serial
    from ui.cli import main as sealroom
    from ui.main_window import MainWindow

    fd = os.environ.get("SEALROOM_TEST_PASSPHRASE_FD")

    class Hands(MainWindow):
        _started = False

        def showEvent(self, event: QShowEvent) -> None:
            super().showEvent(event)
            if not self._started:
                self._started = True
                QTimer.singleShot(0, self._ready)

        def _ready(self) -> None:
            soft, hard = resource.getrlimit(resource.RLIMIT_CORE)
            _say(f"READY {os.getpid()} dumpable={int(bool(dumpable()))} core={soft},{hard}")
            if fd is None:
                return
            with os.fdopen(int(fd), "r", encoding="utf-8") as fh:
                phrase = fh.readline().strip()
            self.unlock_screen.unlocked.connect(self._unlocked)
            self.unlock_screen.show_recovery()
            self.unlock_screen.passphrase.setText(phrase)
            del phrase
            self.unlock_screen.submit()

        def _unlocked(self, journal: Journal) -> None:
            # An entry that prints nothing (an alert would send a slip to the real printer).
            entry = journal.append(
                "envelope.stock_received",
                {"serials": [make_serial(4100001)], "supplier": "written before the signal"},
            )
            _say(f"UNLOCKED {entry.seq} {entry.hash}")

    ui.app.MainWindow = Hands  # type: ignore[misc]
    return sealroom(argv)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
