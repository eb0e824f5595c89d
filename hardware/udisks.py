"""The export stick, mounted by the kiosk itself through udisks2 on the system D-Bus.

Why udisks2: the kiosk runs unprivileged under ``NoNewPrivileges=`` (no
set-user-ID ``mount``) with no access to any block device, and nothing on
the appliance mounts a stick by itself (udev marks USB disks
``UDISKS_AUTO=0``). udisks2, a root service, mounts a file system when a
caller asks and polkit allows it; the package's polkit rule
(``/usr/share/polkit-1/rules.d/10-sealroom.rules``) lets the kiosk user
mount the file system of a *removable USB drive* and nothing else.

Invariants:

* a stick is mounted with :data:`OPTIONS` (``nodev,nosuid,noexec``), and
  :func:`hardware.media.check_mount` then reads ``/proc/self/mountinfo`` to
  see that the mount has them (polkit is not told the options, so the rule
  cannot enforce them): a mount without them is unmounted and refused;
* the kiosk unmounts what it mounted when the export ends, whatever the
  outcome (:func:`hardware.media.open_stick`);
* every failure is an :class:`~kiosk.errors.ExportError` with a ``stick.*``
  code of the message table; udisks2's own error text is only its
  ``reason``.

The D-Bus side is behind :class:`Bus` (one method call, its reply body),
so tests can use a double where udisks2 cannot run; the real one
(:class:`SystemBus`) uses jeepney, a pure-Python D-Bus library.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from kiosk.errors import ExportError
from kiosk.errors.oplog import event

log = logging.getLogger("sealroom.media")

SERVICE = "org.freedesktop.UDisks2"
ROOT = "/org/freedesktop/UDisks2"
BLOCK = "org.freedesktop.UDisks2.Block"
DRIVE = "org.freedesktop.UDisks2.Drive"
FILESYSTEM = "org.freedesktop.UDisks2.Filesystem"
OBJECT_MANAGER = "org.freedesktop.DBus.ObjectManager"
#: Mount options the kiosk asks for, and requires of any mount it writes an export to.
OPTIONS = "nodev,nosuid,noexec"
#: Mounting may wait for a slow stick; udisks2 answers well within this.
TIMEOUT_S = 60.0
#: udisks2's error names (org.freedesktop.UDisks2.Error.*) that mean "not allowed".
_REFUSED = ("NotAuthorized", "NotAuthorizedCanObtain", "NotAuthorizedDismissed")
#: ... that mean the option list was refused (an option udisks2 does not allow).
_OPTIONS_REFUSED = ("OptionNotPermitted",)

#: ``a{sv}`` argument: never ask a person for a password (there is no agent).
_NO_PROMPT: dict[str, tuple[str, Any]] = {"auth.no_user_interaction": ("b", True)}


class BusError(Exception):
    """A D-Bus error reply (``name``: e.g. ``org.freedesktop.UDisks2.Error.NotAuthorized``)."""

    def __init__(self, name: str, text: str) -> None:
        super().__init__(f"{name}: {text}")
        self.name = name
        self.text = text


class Bus(Protocol):
    """One D-Bus method call on udisks2; raises :class:`BusError`, or OSError if no bus."""

    def call(
        self, path: str, interface: str, method: str, signature: str, body: tuple[Any, ...]
    ) -> tuple[Any, ...]: ...


class SystemBus:
    """The system bus through jeepney: a connection per call (exports are rare)."""

    def __init__(self, timeout: float = TIMEOUT_S) -> None:
        self._timeout = timeout

    def call(
        self, path: str, interface: str, method: str, signature: str, body: tuple[Any, ...]
    ) -> tuple[Any, ...]:
        from jeepney import DBusAddress, MessageType, new_method_call
        from jeepney.io.blocking import open_dbus_connection

        address = DBusAddress(path, bus_name=SERVICE, interface=interface)
        message = new_method_call(address, method, signature or None, body)
        with open_dbus_connection(bus="SYSTEM") as connection:
            reply = connection.send_and_get_reply(message, timeout=self._timeout)
        if reply.header.message_type == MessageType.error:
            from jeepney import HeaderFields

            name = str(reply.header.fields.get(HeaderFields.error_name, "unknown"))
            text = str(reply.body[0]) if reply.body else ""
            raise BusError(name, text)
        return tuple(reply.body)


@dataclass(frozen=True)
class Stick:
    """A file system udisks2 knows, on a drive that may or may not be removable."""

    object_path: str  # udisks2's object for the block device
    device: str  # e.g. /dev/sdb1
    label: str  # what the operator is shown (vendor and model, or the volume's label)
    fs_type: str
    size: int
    removable: bool  # its drive is removable (udisks2's Drive.Removable)
    bus: str  # its drive's connection bus ("usb", "sdio", "" ...)
    read_only: bool
    mount_points: tuple[Path, ...] = ()
    #: the file system's own label (udisks2's IdLabel): how a backup medium is recognised
    fs_label: str = ""

    def describe(self) -> str:
        return f"{self.label} ({self.device})"


def _text(value: Any) -> str:
    """An ``ay`` (NUL-terminated bytes) or ``s`` property as text."""
    if isinstance(value, bytes | bytearray):
        return bytes(value).rstrip(b"\0").decode("utf-8", errors="replace")
    return str(value)


def _prop(props: Mapping[str, Any], name: str, default: Any = None) -> Any:
    """A property's value (jeepney gives variants as ``(signature, value)``)."""
    value = props.get(name, default)
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], str):
        return value[1]
    return value


def _size_text(size: int) -> str:
    for unit, factor in (("TB", 10**12), ("GB", 10**9), ("MB", 10**6)):
        if size >= factor:
            return f"{size / factor:.1f} {unit}"
    return f"{size} B"


class UDisks:
    """udisks2 as the export screen needs it: list the file systems, mount, unmount."""

    def __init__(self, bus: Bus | None = None) -> None:
        self._bus = bus if bus is not None else SystemBus()

    def _call(
        self, path: str, interface: str, method: str, signature: str, body: tuple[Any, ...]
    ) -> tuple[Any, ...]:
        try:
            return self._bus.call(path, interface, method, signature, body)
        except OSError as exc:  # no system bus, or it went away
            raise ExportError("stick.no_service", reason=exc.strerror or str(exc)) from exc
        except BusError as exc:
            if exc.name.startswith("org.freedesktop.DBus.Error."):  # udisks2 not there
                raise ExportError("stick.no_service", reason=exc.text or exc.name) from exc
            raise

    def filesystems(self) -> list[Stick]:
        """Every file system udisks2 knows, with its drive's removable flag and bus."""
        (objects,) = self._call(ROOT, OBJECT_MANAGER, "GetManagedObjects", "", ())
        found = []
        for path, interfaces in sorted(objects.items()):
            block, fs = interfaces.get(BLOCK), interfaces.get(FILESYSTEM)
            if block is None or fs is None:
                continue
            drive = objects.get(_prop(block, "Drive", "/"), {}).get(DRIVE, {})
            vendor, model = _prop(drive, "Vendor", ""), _prop(drive, "Model", "")
            size = int(_prop(block, "Size", 0))
            name = " ".join(x for x in (vendor, model) if x) or _prop(block, "IdLabel", "")
            device = _text(_prop(block, "PreferredDevice", b"") or _prop(block, "Device", b""))
            found.append(
                Stick(
                    object_path=str(path),
                    device=device,
                    label=f"{name or device} {_size_text(size)}".strip(),
                    fs_type=str(_prop(block, "IdType", "")),
                    size=size,
                    removable=bool(_prop(drive, "Removable", False)),
                    bus=str(_prop(drive, "ConnectionBus", "")),
                    read_only=bool(_prop(block, "ReadOnly", False)),
                    mount_points=tuple(
                        Path(_text(m)) for m in _prop(fs, "MountPoints", []) if _text(m)
                    ),
                    fs_label=str(_prop(block, "IdLabel", "")),
                )
            )
        return found

    def sticks(self) -> list[Stick]:
        """The file systems of removable USB drives: what the polkit rule lets the kiosk mount."""
        return [s for s in self.filesystems() if s.removable and s.bus == "usb"]

    def find(self, object_path: str) -> Stick:
        """The stick's current state (mounted or not), or ``stick.gone``."""
        for stick in self.filesystems():
            if stick.object_path == object_path:
                return stick
        raise ExportError("stick.gone", stick=object_path)

    def mount(self, stick: Stick) -> Path:
        """Mount ``stick`` with :data:`OPTIONS`; where udisks2 mounted it."""
        options = {"options": ("s", OPTIONS), **_NO_PROMPT}
        try:
            (where,) = self._call(stick.object_path, FILESYSTEM, "Mount", "a{sv}", (options,))
        except BusError as exc:
            short = exc.name.rpartition(".")[2]
            event(log, "stick", f"udisks2 did not mount {stick.device}: {exc.name}",
                  level=logging.WARNING, device=stick.device, outcome="refused",
                  dbus_error=exc.name)  # fmt: skip
            if short in _REFUSED:
                raise ExportError("stick.refused", stick=stick.describe()) from exc
            if short in _OPTIONS_REFUSED:
                raise ExportError("stick.mount_failed", stick=stick.describe(),
                                  reason=f"{OPTIONS} not allowed: {exc.text}") from exc  # fmt: skip
            raise ExportError(
                "stick.mount_failed", stick=stick.describe(), reason=exc.text or short
            ) from exc
        event(log, "stick", f"mounted {stick.device} at {where} ({OPTIONS})",
              device=stick.device, outcome="mounted", mount_point=str(where))  # fmt: skip
        return Path(str(where))

    def unmount(self, stick: Stick) -> None:
        """Unmount ``stick`` (what the kiosk mounted); ``stick.not_closed`` if udisks2 cannot."""
        try:
            self._call(stick.object_path, FILESYSTEM, "Unmount", "a{sv}", (dict(_NO_PROMPT),))
        except BusError as exc:
            if exc.name.endswith(".NotMounted"):
                return
            event(log, "stick", f"udisks2 did not unmount {stick.device}: {exc.name}",
                  level=logging.WARNING, device=stick.device, outcome="not_closed",
                  dbus_error=exc.name)  # fmt: skip
            raise ExportError(
                "stick.not_closed", stick=stick.describe(), reason=exc.text or exc.name
            ) from exc
        event(log, "stick", f"unmounted {stick.device}", device=stick.device, outcome="unmounted")


__all__ = ["OPTIONS", "Bus", "BusError", "Stick", "SystemBus", "UDisks"]
