"""Scanned input: keyboard-wedge burst detection, envelope serials, our QR codes.

Pure logic, no device I/O: ``hardware/scanner`` delivers text (serial-port
scanners) and ``ui/`` delivers key presses (keyboard-wedge scanners); this
package decides what a scan is and whether it is acceptable.

- :mod:`kiosk.scan.wedge` -- tell a scan from typing; one event per scan.
- :mod:`kiosk.scan.text` -- the screen every scan passes first (length cap,
  control characters, non-ASCII and look-alike characters).
- :mod:`kiosk.scan.serials` -- envelope serial pattern and check digit, and
  the inventory checks (unknown, used, wrong state).
- :mod:`kiosk.scan.qr` -- the terminal's own MAC-bound QR payloads.

Every refusal is a :class:`kiosk.errors.ScanError` whose code has words in
:mod:`kiosk.errors.messages`.
"""

from __future__ import annotations

from kiosk.scan.qr import QrPayload, decode_qr, encode_qr, looks_like_qr
from kiosk.scan.serials import (
    check_digit_for,
    check_envelope,
    check_new_serial,
    check_serial,
    make_serial,
    validate_serial,
)
from kiosk.scan.wedge import KeyEvent, Release, Scan, WedgeDetector

__all__ = [
    "KeyEvent",
    "QrPayload",
    "Release",
    "Scan",
    "WedgeDetector",
    "check_digit_for",
    "check_envelope",
    "check_new_serial",
    "check_serial",
    "decode_qr",
    "encode_qr",
    "looks_like_qr",
    "make_serial",
    "validate_serial",
]
