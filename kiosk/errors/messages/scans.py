"""Messages about scans and plugged-in devices: scanners, serials, QR codes, the USB allow-list."""

from __future__ import annotations

from kiosk.errors.messages.message import Message

MESSAGES: dict[str, Message] = {
    "scan.not_text": Message(
        "The scan did not arrive as text.",
        "Scan the code again; if it repeats, call security.",
        True,
    ),
    "scan.empty": Message(
        "The scan was empty.", "Scan the code again, holding the scanner steady.", True
    ),
    "scan.too_long": Message(
        "The scan is too long ({length} characters; at most {limit} are expected).",
        "Scan only the envelope's serial barcode or the terminal's own QR code.",
        True,
    ),
    "scan.control_char": Message(
        "The scan contains an invisible control character ({char}) at position {position}.",
        "Scan the printed code again. If it repeats, the label may be forged: call security.",
        True,
    ),
    "scan.lookalike": Message(
        "The scan contains {char} at position {position}, which looks like '{looks_like}' but is"
        " a different character.",
        "Do not use this envelope: the label may be forged or retyped. Set it aside and call"
        " security. If you typed the serial, check the keyboard layout and type it again.",
    ),
    "scan.non_ascii": Message(
        "The scan contains a character that no serial or terminal code uses ({char}) at position"
        " {position}.",
        "Check the scanner's keyboard layout and scan again. If it repeats, call security.",
        True,
    ),
    "scan.wrong_pattern": Message(
        "'{serial}' is not an envelope serial (serials are {looks_like}).",
        "Scan the serial barcode on the envelope's seal strip, not another code.",
        True,
    ),
    "scan.bad_check_digit": Message(
        "'{serial}' fails its {scheme} check digit: it was misread or mistyped.",
        "Scan the serial again. If you typed it, compare it character by character with the bag.",
        True,
    ),
    "scan.unknown_serial": Message(
        "Envelope {serial} is not in the inventory.",
        "Check you scanned the right envelope. New bags must be received into stock first.",
    ),
    "scan.serial_used": Message(
        "Serial {serial} was already used (the envelope is {state}).",
        "A serial is used once. Take a new bag from stock and scan its serial.",
    ),
    "scan.wrong_state": Message(
        "Envelope {serial} is {state}; for this step ({purpose}) it must be {expected}.",
        "Check you picked the right envelope. If the inventory looks wrong, call security.",
    ),
    "scan.garbage": Message(
        "The scanner on {port} sent data that is not text.",
        "Scan again. If it repeats, check the scanner is set to send UTF-8 or ASCII text.",
        True,
    ),
    "scan.qr_not_ours": Message(
        "That code was not made by a Sealroom terminal.",
        "Scan the terminal's own QR code on the sheet, label or record.",
        True,
    ),
    "scan.qr_version": Message(
        "That code uses format version {version}; this terminal reads version {supported}.",
        "Use a code printed by this terminal. Call security if it should have been.",
    ),
    "scan.qr_malformed": Message(
        "That code is damaged or incomplete: {reason}.",
        "Scan it again. If it repeats, call security: the paper may not be genuine.",
        True,
    ),
    "scan.qr_bad_mac": Message(
        "That code was not printed by this terminal, or it was altered.",
        "Do not use this paper. Set it aside and call security.",
    ),
    "scan.qr_unknown_kind": Message(
        "That code is of a kind this terminal does not know ({kind}).",
        "Use a code printed by this terminal. Call security if it should have been.",
    ),
    "scan.qr_wrong_kind": Message(
        "That is the QR code of a {kind}; this step needs a {expected}.",
        "Scan the right document's QR code.",
        True,
    ),
    "device.scanner_open": Message(
        "The scanner on {port} cannot be opened ({reason}).",
        "Check the scanner's cable, unplug and plug it in again, then try again.",
        True,
    ),
    "device.scanner_gone": Message(
        "The scanner on {port} was disconnected.",
        "Plug the scanner in again, then scan again.",
        True,
    ),
    "device.usb_unavailable": Message(
        "The terminal cannot list its USB devices ({reason}).",
        "Call security: the terminal cannot check which devices are attached.",
    ),
    "device.usb_refused": Message(
        "A USB device that is not on the terminal's list was plugged in: {description}"
        " (vendor {vendor}, product {product}, class {usb_class}).",
        "Unplug it. The terminal will not use it, and this was recorded.",
    ),
    "scan.invalid": Message("That scan was refused: {reason}.", "{advice}"),
}
