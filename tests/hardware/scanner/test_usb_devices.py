"""USB allow-list: enumeration through a simulated bus and through real pyusb."""

from __future__ import annotations

import pytest

from hardware.usb_devices import (
    PyUsbBus,
    StaticUsbBus,
    UsbDescriptor,
    clean_string,
    enumerate_devices,
    judge,
    refused_devices,
)
from kiosk.errors import DeviceError
from kiosk.policy import DeviceRule, load_policy

YUBIKEY = UsbDescriptor(
    0x1050, 0x0407, 0, (3, 3, 11), 1, 4, "Yubico", "YubiKey OTP+FIDO+CCID", None
)
NITROKEY = UsbDescriptor(0x20A0, 0x42B1, 0, (3,), 1, 5, "Nitrokey", "Nitrokey 3")
WEDGE_SCANNER = UsbDescriptor(0x05E0, 0x1200, 0, (3,), 1, 6, "Symbol", "Bar Code Scanner")
SERIAL_SCANNER = UsbDescriptor(0x0C2E, 0x0B61, 2, (2, 10), 1, 7, "Honeywell", "Imager CDC")
STICK = UsbDescriptor(0x0781, 0x5581, 0, (8,), 2, 2, "SanDisk", "Ultra")
ROOT_HUB = UsbDescriptor(0x1D6B, 0x0002, 9, (9,), 1, 1, "Linux Foundation", "2.0 root hub")
KEYBOARD = UsbDescriptor(0x046D, 0xC31C, 0, (3,), 1, 8, "Logitech", "USB Keyboard")
BADUSB = UsbDescriptor(0x1234, 0x5678, 0xFF, (), 1, 9, "Evil\x1b[2J", "x" * 500)


def bus(*devices: UsbDescriptor) -> StaticUsbBus:
    return StaticUsbBus(list(devices))


def test_policy_devices_are_allowed_with_their_kind() -> None:
    policy = load_policy()
    verdicts = enumerate_devices(
        policy, bus(YUBIKEY, NITROKEY, WEDGE_SCANNER, SERIAL_SCANNER, STICK, ROOT_HUB)
    )
    assert [(v.allowed, v.kind) for v in verdicts] == [
        (True, "security-key"),
        (True, "security-key"),
        (True, "scanner"),
        (True, "scanner"),
        (True, "export-media"),
        (True, "hub"),
    ]
    assert refused_devices(policy, bus(YUBIKEY, STICK, ROOT_HUB)) == []


def test_composite_device_is_judged_by_its_interface_classes() -> None:
    verdict = judge(YUBIKEY, load_policy().devices)
    assert YUBIKEY.classes == (3, 11)
    assert verdict.allowed and verdict.kind == "security-key" and verdict.matched_class == 3
    assert verdict.uncovered_classes == (11,)  # the CCID interface no rule names


def test_device_class_wins_when_not_per_interface() -> None:
    # class 2 device: its interfaces (which include 10) are not consulted
    assert SERIAL_SCANNER.classes == (2,)
    # a vendor-specific device from an allowed scanner vendor is not a scanner
    odd = UsbDescriptor(0x0C2E, 0x0001, 0xFF, (2,))
    assert not judge(odd, load_policy().devices).allowed


def test_unlisted_devices_are_refused_with_what_the_alert_needs() -> None:
    policy = load_policy()
    b = bus(YUBIKEY, KEYBOARD, ROOT_HUB, BADUSB)
    refused = refused_devices(policy, b)
    assert [v.device for v in refused] == [KEYBOARD, BADUSB]
    fields = refused[0].alert_fields()
    assert fields["vendor"] == "046d" and fields["product"] == "c31c"
    assert fields["usb_class"] == "3"
    assert "Logitech USB Keyboard" in str(fields["description"])
    err = refused[0].refusal()
    assert err.code == "device.usb_refused"
    msg = err.user_message()
    assert "046d" in msg and "c31c" in msg and "Unplug it" in msg
    assert b.listings == 1


def test_keyboard_from_an_allowed_key_vendor_but_wrong_class_is_refused() -> None:
    rules = (DeviceRule("security-key", 3, 0x1050),)
    stick_from_yubico = UsbDescriptor(0x1050, 0x9999, 0, (8,))
    assert not judge(stick_from_yubico, rules).allowed


def test_product_rule_matches_only_that_product() -> None:
    rules = (DeviceRule("scanner", None, 0x05E0, 0x1200),)
    assert judge(WEDGE_SCANNER, rules).kind == "scanner"
    other = UsbDescriptor(0x05E0, 0x1300, 0, (3,))
    assert not judge(other, rules).allowed


def test_hot_plug_on_the_simulated_bus() -> None:
    policy = load_policy()
    b = bus(YUBIKEY)
    assert refused_devices(policy, b) == []
    b.plug(KEYBOARD)
    assert [v.device for v in refused_devices(policy, b)] == [KEYBOARD]
    b.unplug(KEYBOARD)
    assert refused_devices(policy, b) == []
    assert b.listings == 3


def test_device_strings_are_sanitised() -> None:
    assert clean_string("Evil\x1b[2J") == "Evil[2J"
    assert clean_string("x" * 500) == "x" * 64
    assert clean_string("\u202eevil") == "evil"
    assert clean_string(None) is None
    assert clean_string("\x00\x01") is None


def test_descriptions_are_readable() -> None:
    assert "Yubico YubiKey" in YUBIKEY.description
    assert "1050:0407" in YUBIKEY.description
    assert "smart card" in YUBIKEY.description
    assert "unnamed device" in UsbDescriptor(1, 2, 0, ()).description


def test_missing_libusb_backend_is_a_clear_device_error() -> None:
    with pytest.raises(DeviceError) as info:
        PyUsbBus(backend_loader=lambda: None).devices()
    assert info.value.code == "device.usb_unavailable"
    assert "libusb" in info.value.user_message()


def test_real_pyusb_enumeration_runs() -> None:
    # Whatever this machine has attached (containers often have nothing):
    # real pyusb, real libusb, and every result judged.
    try:
        verdicts = enumerate_devices(load_policy(), PyUsbBus())
    except DeviceError as err:
        assert err.code == "device.usb_unavailable"
        return
    for v in verdicts:
        assert isinstance(v.device, UsbDescriptor)
        assert v.allowed or v.kind is None
