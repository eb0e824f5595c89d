"""Which network interfaces the kernel has, and which of them are up: the air-gap check.

The terminal must have no network. The kernel lists every interface under
``/sys/class/net/<name>/`` (``operstate``, ``flags``, ``type``,
``address``); this module reads that directory (a parameter, so tests use a
fake tree) and says which interfaces other than loopback are up. What is
done about one — an alert, a refused unlock — is
:mod:`kiosk.terminal.airgap`'s and the screens' job.

"Up" means either of:

- the administrative flag ``IFF_UP`` (bit 0 of ``flags``): someone or
  something configured the interface up, even if no cable is in yet
  (``operstate`` then says ``down`` or ``lowerlayerdown``);
- ``operstate`` ``up``: the link is passing traffic.

Loopback is told by ``IFF_LOOPBACK`` (bit 3) or the ARP hardware type 772,
not by its name. An interface directory that vanishes while being read (a
USB adapter pulled out) is skipped; a ``/sys/class/net`` that cannot be read
at all is ``airgap.unreadable``: the terminal cannot show its air gap holds.

Which network namespace: ``/sys/class/net`` lists the interfaces of the
namespace *sysfs was mounted in*, not of the reading process. The kiosk unit
runs in a network namespace of its own (``PrivateNetwork=yes``: only
loopback) and still sees the host's interfaces here, because systemd 252
(Debian 12) keeps the host's /sys (a test checks this with ``unshare
--net``). systemd 254 and later remount /sys for a private network namespace
(systemd PR #26458), and this check would then see only ``lo``: a unit on
such a system must give the kiosk the host's view (``sealroom run
--sys-class-net DIR``). ``sealroom doctor`` runs outside the unit and always
sees the host's interfaces.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hardware.appliance_paths import SYS_CLASS_NET
from kiosk.errors import DeviceError

IFF_UP = 0x1
IFF_LOOPBACK = 0x8
IFF_RUNNING = 0x40
ARPHRD_LOOPBACK = 772
_MAX_NAME = 32

#: ARP hardware types a person can read (``/sys/class/net/*/type``).
TYPE_NAMES = {1: "ethernet", 772: "loopback", 776: "ipv6-in-ipv4", 65534: "none (tunnel)"}


def _clean(text: str, limit: int = _MAX_NAME) -> str:
    """A string from sysfs made safe to show: printable ASCII, cut to ``limit``."""
    return "".join(c for c in text if " " <= c <= "~").strip()[:limit]


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="ascii", errors="replace").strip()
    except OSError:
        return None


def _int(text: str | None, base: int = 10) -> int | None:
    if text is None:
        return None
    try:
        return int(text, base)
    except ValueError:
        return None


@dataclass(frozen=True)
class NetInterface:
    """One network interface as sysfs describes it."""

    name: str
    operstate: str
    flags: int
    type: int
    address: str | None = None
    wireless: bool = False

    @property
    def loopback(self) -> bool:
        return bool(self.flags & IFF_LOOPBACK) or self.type == ARPHRD_LOOPBACK

    @property
    def up(self) -> bool:
        """Configured up (``IFF_UP``) or passing traffic (``operstate`` up)."""
        return bool(self.flags & IFF_UP) or self.operstate == "up"

    @property
    def kind(self) -> str:
        if self.wireless:
            return "wireless"
        return TYPE_NAMES.get(self.type, f"type {self.type}")

    @property
    def description(self) -> str:
        return f"{self.name} ({self.kind}, {self.operstate})"

    def alert_fields(self) -> dict[str, Any]:
        """What an alert records about this interface (no secret: names and states)."""
        fields: dict[str, Any] = {
            "interface": self.name,
            "operstate": self.operstate,
            "flags": f"0x{self.flags:x}",
            "kind": self.kind,
            "description": self.description,
        }
        if self.address:
            fields["address"] = self.address
        return fields


def read_interface(path: Path) -> NetInterface | None:
    """The interface in ``path`` (``/sys/class/net/<name>``), or ``None`` if it vanished."""
    flags = _int(_read(path / "flags"), 16)
    if flags is None:
        return None
    operstate = _clean(_read(path / "operstate") or "unknown", 16) or "unknown"
    kind = _int(_read(path / "type")) or 0
    address = _clean(_read(path / "address") or "", 64) or None
    return NetInterface(
        name=_clean(path.name) or "?",
        operstate=operstate,
        flags=flags,
        type=kind,
        address=address,
        wireless=(path / "wireless").exists() or (path / "phy80211").exists(),
    )


def interfaces(root: Path = SYS_CLASS_NET) -> list[NetInterface]:
    """Every interface listed under ``root``, sorted by name."""
    try:
        names = sorted(os.listdir(root))
    except OSError as exc:
        raise DeviceError(
            "airgap.unreadable", path=str(root), reason=exc.strerror or "unreadable"
        ) from exc
    found = []
    for name in names:
        iface = read_interface(root / name)
        if iface is not None:
            found.append(iface)
    return found


def up_interfaces(root: Path = SYS_CLASS_NET) -> list[NetInterface]:
    """The interfaces under ``root`` that are up, loopback left out."""
    return [i for i in interfaces(root) if i.up and not i.loopback]
