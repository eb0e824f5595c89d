"""The backup medium through the real udisks2 (and D-Bus, udev, polkitd), in a private room.

The room is the export sticks' (tests/packaging/udisks_room.py): in a
private mount namespace the daemons run for real. Here they run without
the Debian package: the worktree's Python, as root (polkit lets root
mount), finds a file system by its label (udisks2's ``IdLabel``, which
:class:`hardware.backup_media.StickMedium` recognises the registered medium
by), mounts it ``nodev,nosuid,noexec`` through :func:`hardware.media.open_stick`,
writes a file, and unmounts it. The kiosk user's polkit rule is the package
test's (tests/packaging/test_media_mount.py).

What CI's machine cannot give: a removable USB drive (only loop devices,
which udisks2 gives no drive, so ``UDisks.sticks()`` lists none); the
choice among sticks is tested against the bus double (test_backup_media.py).
Needs root, ``unshare``, ``losetup``, ``mkfs.ext4`` and udisks2: CI's machine
has them all (.ci/run installs udisks2 and polkitd, and sets
``SEALROOM_REQUIRE_APPLIANCE=1``, under which a missing tool fails the test);
elsewhere it skips. About 4 s.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
ROOM = ROOT / "tests" / "packaging" / "udisks_room.py"
TOOLS = ("udisksctl", "unshare", "losetup", "mkfs.ext4", "dbus-daemon", "udevadm")
CLIENT = r"""
import json, sys
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from hardware.backup_media import StickMedium
from hardware.udisks import UDisks

device, out = sys.argv[1], Path(sys.argv[2])
udisks = UDisks()
stick = next(s for s in udisks.filesystems() if s.device == device)
medium = StickMedium(stick, udisks)
result = {"label": medium.label, "removable_drive": stick.removable}
with medium.open() as where:
    (where / "x.sealroom-backup").write_text("sealed\n")
    mount = [l for l in open("/proc/self/mountinfo") if f" {where} " in l]
    result.update(root=str(where), options=mount[0].split()[5].split(","))
result["mounted_after"] = any(f" {result['root']} " in l for l in open("/proc/self/mountinfo"))
out.write_text(json.dumps(result))
"""


def _missing() -> str | None:
    if os.geteuid() != 0:
        return "needs root (loop devices, a private mount namespace)"
    for tool in TOOLS:
        if shutil.which(tool) is None:
            return f"{tool} is missing (udisks2, dbus, util-linux, e2fsprogs)"
    if not Path("/usr/libexec/udisks2/udisksd").exists():
        return "udisksd is missing"
    return None


#: CI's appliance step installs udisks2 and sets this: there the test must run, not skip.
REQUIRED = os.environ.get("SEALROOM_REQUIRE_APPLIANCE") == "1"


def test_the_registered_stick_is_found_by_label_mounted_safely_and_unmounted(
    tmp_path: Path,
) -> None:
    missing = _missing()
    if missing is not None:
        if REQUIRED:
            pytest.fail(missing)
        pytest.skip(missing)
    work = tmp_path
    work.chmod(0o755)
    rules = work / "rules"
    rules.mkdir()
    image = work / "stick.img"
    with image.open("wb") as f:
        f.truncate(16 << 20)
    made = subprocess.run(
        ["mkfs.ext4", "-q", "-F", "-L", "SEALBACKUP", str(image)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    (work / "client.py").write_text(CLIENT, encoding="utf-8")
    scenario = f"""
set -u
loop=$(losetup -f --show {image})
udevadm trigger --action=add --name-match="$loop"; udevadm settle -t 10
{sys.executable} {work}/client.py "$loop" {work}/out.json {ROOT} > {work}/client.log 2>&1
status=$?
losetup -d "$loop"
exit $status
"""
    (work / "scenario.sh").write_text(scenario, encoding="utf-8")
    done = subprocess.run(
        ["unshare", "-m", "--propagation", "private", sys.executable, str(ROOM), str(rules),
         "--", "sh", str(work / "scenario.sh")],
        capture_output=True, text=True, timeout=240, check=False,
    )  # fmt: skip
    logs = "".join(
        (work / n).read_text(errors="replace")[-2000:]
        for n in ("client.log", "daemons.log")
        if (work / n).exists()
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:] + logs
    result = json.loads((work / "out.json").read_text())
    assert result["label"] == "SEALBACKUP", result  # udisks2's IdLabel: how it is recognised
    assert {"nodev", "nosuid", "noexec", "rw"} <= set(result["options"]), result
    assert result["mounted_after"] is False, result  # unmounted: safe to remove
