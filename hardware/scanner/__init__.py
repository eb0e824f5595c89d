"""Scanner adapters: serial-port (CDC-ACM) line scanners.

Keyboard-wedge scanners need no adapter here: they type into the focused
window, and ``ui/`` feeds those key presses to :mod:`kiosk.scan.wedge`.
"""

from __future__ import annotations

from hardware.scanner.serial_scanner import (
    LineSplitter,
    PortInfo,
    SerialScanner,
    find_scanner_ports,
    open_port,
)

__all__ = ["LineSplitter", "PortInfo", "SerialScanner", "find_scanner_ports", "open_port"]
