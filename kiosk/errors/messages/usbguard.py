"""Words of ``sealroom usbguard-rules``: ``usbguard.<what>``."""

from __future__ import annotations

from kiosk.errors.messages.message import Message

MESSAGES: dict[str, Message] = {
    "usbguard.product_without_vendor": Message(
        "Device rule {number} ({kind}) names product {product} without a vendor: USBGuard "
        "cannot match a product alone, so no kernel rule allows these devices.",
        "Add the vendor to device rule {number} in the policy file, check it with "
        "'sealroom check-policy', then run 'sealroom usbguard-rules' again.",
    ),
}
