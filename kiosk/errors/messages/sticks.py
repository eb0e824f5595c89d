"""Words about opening the export stick: ``stick.<what>`` (``hardware/udisks.py``).

On the appliance the terminal mounts the auditors' stick itself, through
udisks2, only for an export and only ``nodev,nosuid,noexec``; nothing
mounts a stick on its own. These say why a stick was not opened, or not
closed, and what to do next.
"""

from __future__ import annotations

from kiosk.errors.messages.message import Message

MESSAGES: dict[str, Message] = {
    "stick.no_service": Message(
        "The terminal cannot open USB sticks: its disk service does not answer ({reason}).",
        "Tell the administrator: the udisks2 service must run on the terminal "
        "('sealroom doctor' checks it). Nothing was written.",
        True,
    ),
    "stick.refused": Message(
        "The terminal may not open {stick}: only a removable USB stick may take an export.",
        "Use the auditors' USB stick, then press 'Look for USB sticks'. Nothing was written.",
        True,
    ),
    "stick.mount_failed": Message(
        "The USB stick {stick} could not be opened ({reason}).",
        "Use a stick formatted with FAT, exFAT or ext4, or another stick, then press "
        "'Look for USB sticks'. Nothing was written.",
        True,
    ),
    "stick.unsafe": Message(
        "The USB stick {stick} is open without the protections an export needs "
        "(missing: {missing}).",
        "Nothing was written. Pull the stick out, plug it in again and choose it: the terminal "
        "opens it itself, safely.",
        True,
    ),
    "stick.gone": Message(
        "The USB stick {stick} is no longer there.",
        "Plug it in again, press 'Look for USB sticks', then choose it.",
        True,
    ),
    "stick.not_closed": Message(
        "The terminal could not close the USB stick {stick} ({reason}).",
        "Wait ten seconds before pulling the stick out, so that nothing on it is lost.",
        True,
    ),
}
