"""The air gap: a network interface that comes up is an alert, and may refuse the unlock.

The terminal must have no network. The screens look at the interfaces
(:mod:`hardware.network`) at start, every minute and at every unlock, and
hand what is up to one :class:`AirGapWatch` per running terminal:

* each interface *coming up* becomes one ``alert.raised`` entry
  (``network.up``), printed as an alert slip like every alert. An interface
  that stays up is not alerted again; down and up again, it is.
* while the terminal is locked the journal cannot be written (its key is not
  in memory), so an interface that came up meanwhile is remembered and
  recorded at the next unlock, with the time it was first seen and whether
  it is still up: a refused unlock still ends up in the journal.
* the policy's ``[airgap] on_network`` decides the unlock: ``refuse`` (the
  default) refuses it while an interface is up, with a message naming it
  (:func:`unlock_refusal`); ``alert`` only alerts. A session already
  unlocked is not locked by an interface coming up: the alert and its slip
  tell security, and the procedure in progress is not cut off.

Each interface coming up or going down is also in the operational log.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from kiosk.errors import DeviceError, SealroomError
from kiosk.errors.oplog import event
from kiosk.format.entry import Entry
from kiosk.journal.store import Journal
from kiosk.policy import Policy

log = logging.getLogger("sealroom.airgap")


def _names(up: Sequence[Mapping[str, Any]]) -> str:
    return ", ".join(str(f.get("description") or f.get("interface")) for f in up)


def unlock_refusal(up: Sequence[Mapping[str, Any]], policy: Policy) -> SealroomError | None:
    """The error refusing an unlock while interfaces ``up`` are up, or ``None``.

    ``up`` holds each interface's ``alert_fields()``; the policy's
    ``airgap_on_network`` is ``refuse`` or ``alert``.
    """
    if not up or policy.airgap_on_network != "refuse":
        return None
    return DeviceError("airgap.network_up", interfaces=_names(up), count=len(up))


class AirGapWatch:
    """Which interfaces are up, and which came up without an alert in the journal yet."""

    def __init__(self) -> None:
        self._up: dict[str, dict[str, Any]] = {}
        self._unrecorded: dict[str, dict[str, Any]] = {}

    @property
    def up(self) -> list[dict[str, Any]]:
        """The interfaces up at the last look (their ``alert_fields()``)."""
        return [dict(f) for f in self._up.values()]

    def observe(self, up: Sequence[Mapping[str, Any]], seen_at: str) -> list[str]:
        """Note what is up now (each one's ``alert_fields()``); returns the names that came up.

        ``seen_at`` is the time of the look (journal time format).
        """
        now = {str(f["interface"]): dict(f) for f in up}
        came = [n for n in now if n not in self._up]
        gone = [n for n in self._up if n not in now]
        for name in came:
            before = self._unrecorded.get(name)
            times = int(before["times_up"]) + 1 if before else 1
            self._unrecorded[name] = {**now[name], "first_seen": seen_at, "times_up": times}
            event(
                log,
                "airgap.up",
                f"network interface {now[name].get('description', name)} is up: "
                "the terminal must have no network",
                level=logging.WARNING,
                interface=name,
                operstate=now[name].get("operstate"),
            )
        for name in gone:
            event(log, "airgap.down", f"network interface {name} went down", interface=name)
        self._up = now
        return came

    def record(self, journal: Journal) -> list[Entry]:
        """One ``alert.raised`` per interface that came up since the last record; returns them."""
        written = []
        for name, fields in list(self._unrecorded.items()):
            detail = {**fields, "still_up": name in self._up}
            written.append(
                journal.append(
                    "alert.raised",
                    {
                        "alert": "network.up",
                        "summary": f"A network interface was up on the air-gapped terminal: "
                        f"{fields.get('description', name)}.",
                        "detail": detail,
                    },
                )
            )
            del self._unrecorded[name]
        return written
