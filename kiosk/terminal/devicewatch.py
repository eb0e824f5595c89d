"""USB devices that are not on the allow-list become alert entries.

The hardware layer enumerates what is plugged in and judges it against the
policy's allow-list; this module records each refused device once per
plugging: an ``alert.raised`` entry (``usb.refused``) that is also printed as
an alert slip. A device that stays plugged in is not alerted again; unplugged
and plugged back in, it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from kiosk.format.entry import Entry
from kiosk.journal.store import Journal


def _identity(fields: Mapping[str, Any]) -> tuple[str, str, str]:
    return (str(fields.get("vendor")), str(fields.get("product")), str(fields.get("serial_number")))


class DeviceWatch:
    """Remembers which refused devices are currently present and alerted."""

    def __init__(self, journal: Journal) -> None:
        self.journal = journal
        self._alerted: set[tuple[str, str, str]] = set()

    def record(self, refused: Iterable[Mapping[str, Any]]) -> list[Entry]:
        """Alert every newly present refused device (``alert_fields()`` of each)."""
        present = {_identity(f): f for f in refused}
        self._alerted &= set(present)  # unplugged devices may alert again later
        written = []
        for ident, fields in present.items():
            if ident in self._alerted:
                continue
            detail = {k: v for k, v in fields.items() if v is not None}
            written.append(
                self.journal.append(
                    "alert.raised",
                    {
                        "alert": "usb.refused",
                        "summary": "A USB device not on the allow-list was connected and refused.",
                        "detail": detail,
                    },
                )
            )
            self._alerted.add(ident)
        return written
