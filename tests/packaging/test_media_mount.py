"""The export stick on the installed appliance: the real udisks2, polkit and the package's rule.

In a private mount namespace (tests/packaging/udisks_room.py) the system
bus, udev, polkitd and udisksd run for real, and the installed application
(/opt/sealroom, as the user ``sealroom``) mounts a file system through
udisks2, checks its options, writes to it and unmounts it.

What CI's machine cannot give, and how it is covered instead:

* **A removable USB drive.** Its kernel has no USB and no ``scsi_debug``;
  its only block devices are loop devices, which udisks2 gives no drive at
  all (so no ``drive.removable``). The package's polkit rule is therefore
  evaluated by the real polkitd with ``pkcheck`` and the details udisks2
  passes for a USB stick (``drive.removable``, ``drive.removable.bus``,
  ``id.usage``) and for a fixed disk; the mount itself is done on a loop
  device whose file system has the label ``SEALROOM-TEST``, which a
  test-only rule, read before the package's (05- < 10-), lets the kiosk
  user mount (the appliance has no such rule). The listing of removable USB
  drives is tested against a bus double (tests/hardware/media/test_udisks.py).
* **vfat.** The kernel has no FAT driver: the loop file system is ext4,
  made with its root folder owned by the kiosk user (udisks2 gives vfat
  the caller's uid itself).

A loop device that root set up (a fixed disk, as far as udisks2 knows) is
refused: the package's rule says no, and the kiosk shows ``stick.refused``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.packaging.conftest import NEEDS_PACKAGE, REQUIRED, run

pytestmark = [pytest.mark.appliance, NEEDS_PACKAGE]

ROOM = Path(__file__).with_name("udisks_room.py")
PACKAGE_RULE = Path("/usr/share/polkit-1/rules.d/10-sealroom.rules")
#: Only in the test's room: the loop device labelled SEALROOM-TEST stands for a USB stick.
TEST_RULE = """polkit.addRule(function (action, subject) {
    if (action.id.indexOf("org.freedesktop.udisks2.filesystem-mount") === 0 &&
        subject.user === "sealroom" && action.lookup("id.label") === "SEALROOM-TEST") {
        return polkit.Result.YES;
    }
});
"""
#: Run by /opt/sealroom/bin/python as the kiosk user: open the stick as the export screen does.
CLIENT = r"""
import json, sys
from pathlib import Path
from hardware.media import open_stick
from hardware.udisks import UDisks
from kiosk.errors import ExportError

device, out = sys.argv[1], Path(sys.argv[2])
udisks = UDisks()
stick = next(s for s in udisks.filesystems() if s.device == device)
result = {"stick": stick.describe(), "removable": stick.removable}
try:
    with open_stick(stick, udisks) as writer:
        (writer.root / "bundle.txt").write_text("journal\n")
        mount = [l for l in open("/proc/self/mountinfo") if f" {writer.root} " in l]
        result.update(root=str(writer.root), options=mount[0].split()[5].split(","))
    result["mounted_after"] = any(f" {result['root']} " in l for l in open("/proc/self/mountinfo"))
except ExportError as exc:
    result.update(code=exc.code, message=str(exc))
out.write_text(json.dumps(result))
"""


def _scenario(work: Path) -> str:
    """The shell run inside the room (as root): pkcheck, then the two sticks."""
    return f"""
set -u
cd {work}
as_kiosk="setpriv --reuid=sealroom --regid=sealroom --init-groups"
# 1. The package's rule, evaluated by polkitd for a process of the kiosk user (and of nobody).
$as_kiosk sleep 60 & kiosk=$!
setpriv --reuid=nobody --regid=nogroup --clear-groups sleep 60 & other=$!
sleep 0.5
check() {{  # check NAME ACTION PID DETAILS...
    name=$1 action=$2 pid=$3; shift 3
    pkcheck --action-id "$action" --process "$pid" "$@" >/dev/null 2>&1
    echo "$name $?" >> pkcheck.txt
}}
usb="--detail drive.removable true --detail drive.removable.bus usb --detail id.usage filesystem"
m=org.freedesktop.udisks2.filesystem-mount
check usb-system $m-system $kiosk $usb
check usb $m $kiosk $usb
check usb-other-user $m-system $other $usb
check fixed-disk $m-system $kiosk --detail id.usage filesystem
check sd-reader $m-system $kiosk --detail drive.removable true --detail drive.removable.bus sdio \
    --detail id.usage filesystem
check other-seat $m-other-seat $kiosk $usb
check format org.freedesktop.udisks2.modify-device $kiosk $usb
kill $kiosk $other
# 2. The stand-in for a USB stick (the test's rule): mounted, written, unmounted.
loop=$(losetup -f --show stick.img)
udevadm trigger --action=add --name-match="$loop"; udevadm settle -t 10
$as_kiosk /opt/sealroom/bin/python client.py "$loop" own.json
losetup -d "$loop"
# 3. A loop device root set up: a fixed disk to udisks2, which the package's rule refuses.
loop=$(losetup -f --show fixed.img)
udevadm trigger --action=add --name-match="$loop"; udevadm settle -t 10
$as_kiosk /opt/sealroom/bin/python client.py "$loop" fixed.json
losetup -d "$loop"
"""


@pytest.fixture
def room(installed: Path) -> Iterator[Path]:
    for tool in ("udisksctl", "pkcheck", "unshare", "mkfs.ext4"):
        if shutil.which(tool) is None:
            if REQUIRED:
                pytest.fail(f"{tool} is missing (the package depends on udisks2 and polkitd)")
            pytest.skip(f"{tool} is missing")
    work = Path(tempfile.mkdtemp(prefix="sealroom-sticks-", dir="/tmp"))
    work.chmod(0o755)
    rules = work / "rules"
    rules.mkdir()
    (rules / "05-sealroom-test-stick.rules").write_text(TEST_RULE, encoding="utf-8")
    shutil.chown(rules, "polkitd", "root")
    (work / "client.py").write_text(CLIENT, encoding="utf-8")
    uid = f"{os.stat('/var/lib/sealroom').st_uid}"
    for name, label in (("stick.img", "SEALROOM-TEST"), ("fixed.img", "FIXED")):
        image = work / name
        with image.open("wb") as f:
            f.truncate(16 << 20)
        made = run(
            "mkfs.ext4", "-q", "-F", "-L", label, "-E", f"root_owner={uid}:{uid}", str(image)
        )
        assert made.returncode == 0, made.stderr
        shutil.chown(image, "sealroom", "sealroom")
    (work / "own.json").touch()
    (work / "fixed.json").touch()
    shutil.chown(work / "own.json", "sealroom")
    shutil.chown(work / "fixed.json", "sealroom")
    (work / "scenario.sh").write_text(_scenario(work), encoding="utf-8")
    done = subprocess.run(
        ["unshare", "-m", "--propagation", "private", "/usr/bin/python3", str(ROOM), str(rules),
         "--", "sh", str(work / "scenario.sh")],
        capture_output=True, text=True, timeout=240, check=False,
    )  # fmt: skip
    log = (
        (work / "daemons.log").read_text(errors="replace")
        if (work / "daemons.log").exists()
        else ""
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:] + log[-2000:]
    yield work
    shutil.rmtree(work, ignore_errors=True)


def test_the_polkit_rule_lets_the_kiosk_user_mount_removable_usb_drives_only(room: Path) -> None:
    results = dict(line.split() for line in (room / "pkcheck.txt").read_text().splitlines())
    assert results["usb-system"] == "0"  # a USB stick (UDISKS_SYSTEM=1 by the udev rule)
    assert results["usb"] == "0"
    for refused in ("usb-other-user", "fixed-disk", "sd-reader", "other-seat", "format"):
        assert results[refused] != "0", (refused, results)


def test_the_kiosk_mounts_the_stick_nodev_nosuid_noexec_writes_and_unmounts(room: Path) -> None:
    result = json.loads((room / "own.json").read_text())
    assert "code" not in result, result
    assert {"nodev", "nosuid", "noexec", "rw"} <= set(result["options"]), result
    assert result["root"].startswith("/media/sealroom/"), result  # udisks2's place for the user
    assert result["mounted_after"] is False


def test_a_fixed_disk_is_refused_with_a_clear_message(room: Path) -> None:
    result = json.loads((room / "fixed.json").read_text())
    assert result.get("code") == "stick.refused", result
    assert "only a removable USB stick may take an export" in result["message"]
    assert result["removable"] is False
