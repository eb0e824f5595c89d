"""What a CTAP2 command running inside the simulated key sees: its transport context, its failure.

Why a module of its own: the key's parts (the command processing in
:mod:`hardware.sim.authenticator`, the PIN protocol in
:mod:`hardware.sim.pin_protocol`, the touch sensor in :mod:`hardware.sim.touch`)
all fail the same way, by raising :class:`CtapFailure` with the CTAP2 status
the key sends back; and the ones that wait send keep-alives and hear cancel
through the transport (:mod:`hardware.sim.ctaphid`) as a :class:`CommandContext`.
"""

from __future__ import annotations

import threading
from typing import Final, Protocol

from fido2.ctap import CtapError

ERR = CtapError.ERR

#: KEEPALIVE statuses (CTAP 2.1 section 11.2.9.2.1).
STATUS_PROCESSING: Final = 1
STATUS_UPNEEDED: Final = 2


class CommandContext(Protocol):
    """What the transport gives a running command: keep-alives and cancel."""

    cancelled: threading.Event

    def keepalive(self, status: int) -> None: ...


class CtapFailure(Exception):
    """A CTAP2 status other than success, raised inside command handling."""

    def __init__(self, code: int) -> None:
        super().__init__(f"CTAP status 0x{code:02x}")
        self.code = code
