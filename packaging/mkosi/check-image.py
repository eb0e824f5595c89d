#!/usr/bin/env python3
"""Check a built image (make image-check): what the appliance needs is in it.

Reads mkosi's package manifest and the partition table, then mounts the root
partition read-only (a loop device at its offset) and looks at the files the
package and mkosi.postinst must have left. Exits 1 listing each failure.
Needs root (mount). Usage: check-image.py IMAGE
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

#: Packages that configure or bring up a network: none may be in the image.
NETWORK_PACKAGES = {
    "ifupdown", "ifupdown2", "network-manager", "isc-dhcp-client", "dhcpcd-base",
    "dhcpcd5", "wpasupplicant", "connman", "netplan.io", "systemd-resolved",
    "avahi-daemon", "cups-browsed", "openssh-server", "systemd-networkd",
}  # fmt: skip
ROOT_TYPE = "4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709"  # Linux root (x86-64)
VAR_TYPE = "4D21B016-B534-45C2-A9FB-5C16E091FD2D"  # Linux variable data


def main(image: Path) -> int:
    failures: list[str] = []
    manifest = json.loads(Path(f"{image}.manifest").read_text(encoding="utf-8"))
    packages = {p["name"] for p in manifest["packages"]}
    if "sealroom" not in packages:
        failures.append("the sealroom package is not installed")
    if packages & NETWORK_PACKAGES:
        failures.append(f"network packages: {sorted(packages & NETWORK_PACKAGES)}")
    table = json.loads(subprocess.run(["/usr/sbin/sfdisk", "-J", str(image)], capture_output=True,  # noqa: S603
                                      text=True, check=True).stdout)["partitiontable"]  # fmt: skip
    parts = {p["type"].upper(): p for p in table["partitions"]}
    root = parts.get(ROOT_TYPE)
    if root is None or "GUID:60" not in root.get("attrs", ""):
        failures.append("no root partition marked read-only (GPT attribute 60)")
    if VAR_TYPE not in parts:
        failures.append("no /var partition")
    if root is not None:
        failures += _check_root(image, root["start"] * table.get("sectorsize", 512))
    for failure in failures:
        print(f"image-check: {failure}", file=sys.stderr)
    print(f"image-check: {len(packages)} packages, {len(failures)} failure(s)")
    return 1 if failures else 0


def _check_root(image: Path, offset: int) -> list[str]:
    failures = []
    with tempfile.TemporaryDirectory() as mnt:
        subprocess.run(  # noqa: S603 (fixed commands, the image path given)
            ["/usr/bin/mount", "-o", f"ro,loop,offset={offset}", str(image), mnt], check=True
        )
        try:
            root = Path(mnt)
            python = _resolve(root, "/opt/sealroom/bin/python")
            if not (root / python.lstrip("/")).is_file():
                failures.append(f"/opt/sealroom/bin/python ends at {python}, not in the image")
            if not (root / "etc/usbguard/rules.d/50-sealroom.conf").exists():
                failures.append("no USBGuard rules (the package's postinst could not write them)")
            if (root / "etc/resolv.conf").read_text(encoding="utf-8").strip():
                failures.append("/etc/resolv.conf is not empty")
            target = (root / "etc/systemd/system/default.target").readlink().name
            if target != "graphical.target":
                failures.append(f"default target {target}")
            wants = root / "etc/systemd/system/graphical.target.wants/sealroom-kiosk.service"
            if not wants.is_symlink():
                failures.append("sealroom-kiosk.service is not enabled")
            if (root / "etc/usbguard/rules.conf").read_text(encoding="utf-8").strip():
                failures.append("USBGuard's snapshot of the build machine's devices is kept")
        finally:
            subprocess.run(["/usr/bin/umount", mnt], check=True)  # noqa: S603
    return failures


def _resolve(root: Path, path: str, hops: int = 20) -> str:
    """Where ``path`` ends inside the image, following its links there (not the host's)."""
    for _ in range(hops):
        here = root / path.lstrip("/")
        if not here.is_symlink():
            return path
        target = str(here.readlink())
        path = target if target.startswith("/") else str(Path(path).parent / target)
    return path


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
