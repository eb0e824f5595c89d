"""Which USB devices are attached, and which of them the policy allows.

The terminal accepts only the security keys, scanners and export sticks its
policy lists (``[[devices.allow]]`` rules of :class:`kiosk.policy.DeviceRule`:
``kind`` plus optional ``usb_class``, ``vendor``, ``product``). Anything else
is shown, refused and recorded as an alert by the caller; this module only
lists and judges.

Invariants:

- the device's *classes* are its device class, or -- when the device class
  is 0 ("defined per interface", as on most composite devices such as a
  YubiKey: HID + CCID) -- the set of its interfaces' classes;
- a device is allowed when some class of it matches some rule (first rule
  wins and names the ``kind``); classes that no rule for its vendor/product
  covers are reported in :attr:`UsbVerdict.uncovered_classes` so the caller
  can see, e.g., a "scanner" that also offers mass storage;
- hubs (class 9) are infrastructure: reported as allowed with kind ``"hub"``,
  never as refused (every machine has root hubs);
- strings read from a device (manufacturer, product name, serial number)
  are attacker-controlled: they are cut to printable ASCII, 64 characters,
  before they reach a screen or the journal;
- enumeration problems are :class:`~kiosk.errors.DeviceError` with code
  ``device.usb_unavailable`` (e.g. no libusb backend), never a raw pyusb error.

Enumeration goes through a :class:`UsbBus`: :class:`PyUsbBus` reads the real
bus with pyusb (``usb.core.find(find_all=True)``); :class:`StaticUsbBus` is
the simulated bus -- a fixed, in-memory list of descriptors that records how
often it was listed -- for tests and ``sealroom demo``.

What "refused" means in force: this is an application-level allow-list
(vendor ids can be forged by a malicious device). Kernel-level enforcement
(USBGuard, or ``authorized_default=0``) is the appliance packaging's job.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from kiosk.errors import DeviceError
from kiosk.policy import DeviceRule, Policy

log = logging.getLogger(__name__)

HUB_CLASS = 9
PER_INTERFACE = 0
_MAX_STRING = 64

#: Names of USB base classes, for descriptions a person can read.
CLASS_NAMES: dict[int, str] = {
    0x01: "audio",
    0x02: "communications (serial)",
    0x03: "HID (keyboard, scanner, security key)",
    0x05: "physical",
    0x06: "imaging",
    0x07: "printer",
    0x08: "mass storage",
    0x09: "hub",
    0x0A: "CDC data",
    0x0B: "smart card",
    0x0E: "video",
    0x0F: "healthcare",
    0xE0: "wireless",
    0xEF: "miscellaneous",
    0xFE: "application specific",
    0xFF: "vendor specific",
}


def clean_string(value: object) -> str | None:
    """A device-supplied string made safe to show: printable ASCII, at most 64 characters."""
    if not isinstance(value, str):
        return None
    kept = "".join(c for c in value if " " <= c <= "~").strip()
    return kept[:_MAX_STRING] or None


@dataclass(frozen=True)
class UsbDescriptor:
    """What enumeration tells about one attached device."""

    vendor: int
    product: int
    device_class: int
    interface_classes: tuple[int, ...] = ()
    bus: int | None = None
    address: int | None = None
    manufacturer: str | None = None
    product_name: str | None = None
    serial_number: str | None = None

    @property
    def classes(self) -> tuple[int, ...]:
        """Device class, or the interfaces' classes when it is 0 (per interface)."""
        if self.device_class != PER_INTERFACE:
            return (self.device_class,)
        return tuple(sorted(set(self.interface_classes)))

    @property
    def description(self) -> str:
        name = " ".join(x for x in (self.manufacturer, self.product_name) if x)
        kinds = ", ".join(CLASS_NAMES.get(c, f"class {c}") for c in self.classes) or "no class"
        where = f" on bus {self.bus} address {self.address}" if self.bus is not None else ""
        return f"{name or 'unnamed device'} [{self.vendor:04x}:{self.product:04x}, {kinds}]{where}"


@dataclass(frozen=True)
class UsbVerdict:
    """One device judged against the allow-list."""

    device: UsbDescriptor
    allowed: bool
    kind: str | None
    matched_class: int | None = None
    uncovered_classes: tuple[int, ...] = ()

    @property
    def description(self) -> str:
        return self.device.description

    def alert_fields(self) -> dict[str, str | int | None]:
        """Plain, non-secret fields for the alert entry the lead records."""
        d = self.device
        return {
            "vendor": f"{d.vendor:04x}",
            "product": f"{d.product:04x}",
            "usb_class": ",".join(str(c) for c in d.classes),
            "description": d.description,
            "serial_number": d.serial_number,
        }

    def refusal(self) -> DeviceError:
        """The error a screen shows for a refused device."""
        d = self.device
        return DeviceError(
            "device.usb_refused",
            description=d.description,
            vendor=f"{d.vendor:04x}",
            product=f"{d.product:04x}",
            usb_class=",".join(str(c) for c in d.classes) or "none",
        )


class UsbBus(Protocol):
    """Something that lists attached USB devices."""

    def devices(self) -> list[UsbDescriptor]: ...


@dataclass
class StaticUsbBus:
    """Simulated bus: the devices given, in order; records each listing.

    ``plug``/``unplug`` change what later listings return, like hot-plugging.
    """

    attached: list[UsbDescriptor] = field(default_factory=list)
    listings: int = 0

    def devices(self) -> list[UsbDescriptor]:
        self.listings += 1
        return list(self.attached)

    def plug(self, device: UsbDescriptor) -> None:
        self.attached.append(device)

    def unplug(self, device: UsbDescriptor) -> None:
        self.attached.remove(device)


def default_backend() -> object | None:
    """The first pyusb backend that loads (libusb 1.0, libusb 0.1, OpenUSB), or None."""
    import usb.backend.libusb0
    import usb.backend.libusb1
    import usb.backend.openusb

    for module in (usb.backend.libusb1, usb.backend.libusb0, usb.backend.openusb):
        backend: object | None = module.get_backend()
        if backend is not None:
            return backend
    return None


def _string(dev: Any, attr: str) -> str | None:
    # Reading strings opens the device: may fail without permission; not fatal.
    try:
        return clean_string(getattr(dev, attr))
    except Exception:  # pyusb raises USBError, ValueError, NotImplementedError here
        return None


class PyUsbBus:
    """The real bus, through pyusb. ``backend_loader`` picks the libusb backend."""

    def __init__(self, backend_loader: Callable[[], object | None] = default_backend) -> None:
        self._loader = backend_loader

    def devices(self) -> list[UsbDescriptor]:
        import usb.core

        backend = self._loader()
        if backend is None:
            raise DeviceError("device.usb_unavailable", reason="no libusb backend is installed")
        try:
            found: Iterable[Any] = usb.core.find(find_all=True, backend=backend) or []
            return [self._describe(dev) for dev in found]
        except usb.core.NoBackendError:
            raise DeviceError(
                "device.usb_unavailable", reason="no libusb backend is installed"
            ) from None
        except usb.core.USBError as exc:
            raise DeviceError(
                "device.usb_unavailable", reason=f"USB error {exc.errno or 'unknown'}"
            ) from None

    @staticmethod
    def _describe(dev: Any) -> UsbDescriptor:
        interfaces: list[int] = []
        if dev.bDeviceClass == PER_INTERFACE:
            try:
                for cfg in dev:
                    interfaces.extend(int(intf.bInterfaceClass) for intf in cfg)
            except Exception:  # unreadable configuration: judged on what we have
                log.debug("configuration of %04x:%04x unreadable", dev.idVendor, dev.idProduct)
        return UsbDescriptor(
            vendor=int(dev.idVendor),
            product=int(dev.idProduct),
            device_class=int(dev.bDeviceClass),
            interface_classes=tuple(interfaces),
            bus=getattr(dev, "bus", None),
            address=getattr(dev, "address", None),
            manufacturer=_string(dev, "manufacturer"),
            product_name=_string(dev, "product"),
            serial_number=_string(dev, "serial_number"),
        )


def judge(device: UsbDescriptor, rules: Sequence[DeviceRule]) -> UsbVerdict:
    """Match one device against the rules (see the module invariants)."""
    classes = device.classes
    if HUB_CLASS in classes and set(classes) == {HUB_CLASS}:
        return UsbVerdict(device, True, "hub", HUB_CLASS)
    kind: str | None = None
    matched: int | None = None
    for rule in rules:
        for cls in classes or (None,):
            if rule.matches(cls, device.vendor, device.product):
                kind, matched = rule.kind, cls
                break
        if kind is not None:
            break
    if kind is None:
        return UsbVerdict(device, False, None)
    uncovered = tuple(
        c for c in classes if not any(r.matches(c, device.vendor, device.product) for r in rules)
    )
    return UsbVerdict(device, True, kind, matched, uncovered)


def enumerate_devices(policy: Policy, bus: UsbBus | None = None) -> list[UsbVerdict]:
    """Every attached device with its verdict. Raises ``device.usb_unavailable``."""
    listing = (bus or PyUsbBus()).devices()
    return [judge(d, policy.devices) for d in listing]


def refused_devices(policy: Policy, bus: UsbBus | None = None) -> list[UsbVerdict]:
    """Attached devices the policy does not allow (each one is an alert to record)."""
    return [v for v in enumerate_devices(policy, bus) if not v.allowed]


def security_key_allowed(policy: Policy) -> Callable[[int, int], bool]:
    """The allow-list test for FIDO security keys (HID class 3) of ``policy``."""
    rules = [r for r in policy.devices if r.kind == "security-key"]

    def allowed(vendor: int, product: int) -> bool:
        return any(r.matches(3, vendor, product) for r in rules)

    return allowed
