"""A second, private cupsd for the one test that stops and restarts the scheduler.

Why not restart the machine's cupsd: other tests (and, on a shared
development machine, other people's runs) print through it at the same
time. This one is the same CUPS — the same ``cupsd`` binary, filters,
backends (``sealroom-test``, installed by ``.ci/cups-setup.sh``) and cups-pdf
PPD as the CI queue — with its own configuration, spool, temporary folder
and port, so stopping it disturbs no one. It runs as root with ``User lp``
like the real one; its folder is under ``/tmp`` (searched by the leak
checks) and is removed when it stops.
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from hardware.printing.cups_leftovers import CupsFolders

CUPSD = Path("/usr/sbin/cupsd")
PPD = Path("/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PrivateCupsd:
    """``cupsd`` on ``localhost:<port>`` with one queue, ``queue``, on ``device``."""

    def __init__(self, queue: str, device: str) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="sealroom-cupsd-"))
        self.root.chmod(0o755)  # the filters run as lp and must reach the temporary folder
        self.port = _free_port()
        self.queue = queue
        etc = self.root / "etc"
        (etc / "ppd").mkdir(parents=True)
        for d in ("spool/tmp", "cache", "state", "log", "run"):
            (self.root / d).mkdir(parents=True)
        shutil.copy(PPD, etc / "ppd" / f"{queue}.ppd")
        r = self.root
        (etc / "cups-files.conf").write_text(
            "SystemGroup root lpadmin\nUser lp\nGroup lp\n"
            f"ServerRoot {etc}\nRequestRoot {r / 'spool'}\nCacheDir {r / 'cache'}\n"
            f"StateDir {r / 'state'}\nErrorLog {r / 'log/error_log'}\n"
            f"AccessLog {r / 'log/access_log'}\nPageLog {r / 'log/page_log'}\n"
        )
        (etc / "cupsd.conf").write_text(
            "LogLevel info\nPreserveJobFiles No\nErrorPolicy retry-job\n"
            f"Listen localhost:{self.port}\nListen {r / 'run/cups.sock'}\n"
            "Browsing No\nWebInterface No\n"
            "<Location />\n  Order allow,deny\n  Allow localhost\n</Location>\n"
            "<Policy default>\n  <Limit All>\n    Order deny,allow\n  </Limit>\n</Policy>\n"
        )
        (etc / "printers.conf").write_text(
            f"<Printer {queue}>\nInfo Sealroom test printer\nDeviceURI {device}\n"
            "State Idle\nAccepting Yes\nJobSheets none none\nOpPolicy default\n"
            "ErrorPolicy retry-job\n</Printer>\n"
        )
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def server(self) -> str:
        return f"localhost:{self.port}"

    @property
    def folders(self) -> CupsFolders:
        return CupsFolders(self.root / "spool", self.root / "spool/tmp")

    def _answers(self) -> bool:
        out = subprocess.run(
            ["lpstat", "-h", self.server, "-r"], capture_output=True, text=True, check=False
        )
        return "is running" in out.stdout

    def start(self, timeout: float = 20.0) -> None:
        """Start in the foreground, as this process's child, and wait until it answers."""
        etc = self.root / "etc"
        self.proc = subprocess.Popen(
            [str(CUPSD), "-f", "-c", str(etc / "cupsd.conf"), "-s", str(etc / "cups-files.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while not self._answers():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"private cupsd did not start: see {self.root / 'log'}")
            time.sleep(0.05)

    def stop(self, timeout: float = 20.0) -> None:
        """SIGTERM, as ``systemctl stop cups`` does, and wait until it has exited."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
