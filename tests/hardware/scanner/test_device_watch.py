"""A refused USB device is shown, refused and recorded as an alert entry — once per plugging."""

from __future__ import annotations

from hardware.usb_devices import StaticUsbBus, UsbDescriptor, refused_devices
from kiosk.policy import Policy
from kiosk.terminal.devicewatch import DeviceWatch
from kiosk.terminal.lifecycle import Commissioned


def test_unknown_usb_device_is_alerted_once_per_plugging(
    terminal: Commissioned, policy: Policy
) -> None:
    yubikey = UsbDescriptor(0x1050, 0x0407, 0, (3, 11), product_name="YubiKey 5")
    nic = UsbDescriptor(0x0BDA, 0x8153, 255, product_name="USB 3.0 LAN", serial_number="X1")
    watch = DeviceWatch(terminal.journal)
    bus = StaticUsbBus([yubikey, nic])
    refused = refused_devices(policy, bus)
    assert [v.device.product_name for v in refused] == ["USB 3.0 LAN"]
    assert refused[0].refusal().code == "device.usb_refused"
    assert "USB 3.0 LAN" in refused[0].refusal().user_message()
    first = watch.record(v.alert_fields() for v in refused)
    assert len(first) == 1 and first[0].data["alert"] == "usb.refused"
    assert (
        first[0].data["detail"]["vendor"] == "0bda" and first[0].data["detail"]["product"] == "8153"
    )
    assert watch.record(v.alert_fields() for v in refused) == []  # still plugged in: no repeat
    assert watch.record([]) == []  # unplugged
    again = watch.record(v.alert_fields() for v in refused_devices(policy, bus))
    assert len(again) == 1  # plugged back in: alerted again
