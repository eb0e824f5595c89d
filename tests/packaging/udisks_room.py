"""A private room with the real udisks2, polkit, D-Bus and udev, for the export-stick tests.

Run as root under ``unshare -m --propagation private`` (tests/packaging/
test_media_mount.py does): in that mount namespace only, tmpfs folders
stand in for ``/run/dbus``, ``/run/udev`` and ``/media``, and
``/etc/polkit-1/rules.d`` holds only the rules the test gives, so nothing
the daemons do is seen outside and the machine's own configuration is
untouched. The system bus, udev, polkitd and udisksd are started as
children of this script, the command given after ``--`` runs, and the
daemons are stopped and reaped whatever happens.

CI's machine is a VM whose PID 1 is not systemd and that runs no D-Bus, so
every daemon is started here by hand. udevd sees the kernel's device events
while it runs (a few seconds): the loop devices the test makes are the only
ones it is asked about.

    udisks_room.py RULES_DIR -- COMMAND...
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

DAEMONS = (
    ["dbus-daemon", "--system", "--nofork", "--nopidfile"],
    ["/lib/systemd/systemd-udevd"],
    ["/usr/lib/polkit-1/polkitd", "--no-debug"],
    ["/usr/libexec/udisks2/udisksd", "--no-debug"],
)


def _mount(*argv: str) -> None:
    subprocess.run(["mount", *argv], check=True)


def _wait_for(argv: list[str], what: str, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while subprocess.run(argv, capture_output=True, check=False).returncode != 0:
        if time.monotonic() > deadline:
            raise SystemExit(f"udisks_room: {what} did not start")
        time.sleep(0.2)


def main(argv: list[str]) -> int:
    rules, command = Path(argv[1]), argv[argv.index("--") + 1 :]
    for folder in ("/run/dbus", "/run/udev", "/media"):
        os.makedirs(folder, exist_ok=True)
        _mount("-t", "tmpfs", "-o", "mode=0755", "tmpfs", folder)
    _mount("--bind", str(rules), "/etc/polkit-1/rules.d")
    log = open(rules.parent / "daemons.log", "wb")  # noqa: SIM115 - closed at the end
    children: list[subprocess.Popen[bytes]] = []
    try:
        for daemon in DAEMONS:
            children.append(subprocess.Popen(daemon, stdout=log, stderr=log))
            if daemon[0] == "dbus-daemon":
                _wait_for(["test", "-S", "/run/dbus/system_bus_socket"], "the system bus")
        _wait_for(["udisksctl", "status"], "udisksd")
        return subprocess.run(command, check=False).returncode
    finally:
        for child in reversed(children):
            child.terminate()
        for child in children:
            try:
                child.wait(10)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait(5)
        log.close()


if __name__ == "__main__":
    if os.geteuid() != 0 or not shutil.which("udisksctl"):
        raise SystemExit("udisks_room: run as root, with udisks2 installed")
    sys.exit(main(sys.argv))
