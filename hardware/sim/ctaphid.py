"""CTAP HID framing for simulated security keys, behind python-fido2's connection API.

:class:`SimHidConnection` is the device end of a USB HID link: it implements
``fido2.hid.base.CtapHidConnection`` (``write_packet`` / ``read_packet`` /
``close``) so that ``fido2.hid.CtapHidDevice`` talks to a simulated key
exactly as to a real one. It does the CTAP HID transport of CTAP 2.1 section
11.2: 64-byte reports, initialisation and continuation packets (sequence
0..127), channel allocation through CTAPHID_INIT on the broadcast channel,
CTAPHID_PING / MSG / WINK / CBOR / CANCEL / ERROR and KEEPALIVE. CTAP2
commands are handed to a :class:`CborProcessor` (the authenticator) on a
worker thread, so keep-alives flow and CANCEL is heard while a command waits
for a touch.

Invariants:

* One command in flight per connection; a message on another channel while
  busy is answered CTAPHID_ERROR(CHANNEL_BUSY), as on a real key.
* Malformed framing gets the CTAPHID error a key would send (INVALID_CHANNEL,
  INVALID_SEQ, INVALID_LEN, INVALID_CMD); it never raises into the host.
* When the processor reports itself unplugged, reads and writes raise
  ``OSError(ENODEV)`` ("error" mode, like Linux hidraw) or reads return
  nothing ("silent" mode); a read that waits longer than ``stall_timeout``
  raises ``TimeoutError`` so a broken test cannot hang forever.
* Every initialisation packet received is recorded in :attr:`received`
  (channel, command) and every keep-alive sent is counted.
"""

from __future__ import annotations

import errno
import itertools
import os
import queue
import struct
import threading
import time
from typing import Final, Protocol

from fido2.hid import CAPABILITY, CTAPHID, CtapHidDevice
from fido2.hid.base import CtapHidConnection, HidDescriptor

PACKET_SIZE: Final = 64
BROADCAST_CID: Final = 0xFFFFFFFF
TYPE_INIT: Final = 0x80
MAX_MESSAGE: Final = PACKET_SIZE - 7 + 128 * (PACKET_SIZE - 5)  # 7609 bytes
#: pid.codes test vendor id; the product id is arbitrary.
SIM_VID: Final = 0x1209
SIM_PID: Final = 0x5E11

ERR_INVALID_CMD: Final = 0x01
ERR_INVALID_LEN: Final = 0x03
ERR_INVALID_SEQ: Final = 0x04
ERR_CHANNEL_BUSY: Final = 0x06
ERR_INVALID_CHANNEL: Final = 0x0B

SW_INS_NOT_SUPPORTED: Final = b"\x6d\x00"

_serials = itertools.count(1)


class CborProcessor(Protocol):
    """The authenticator behind the transport (see ``SoftAuthenticator``)."""

    label: str

    @property
    def unplugged(self) -> str | None: ...

    def process_cbor(self, request: bytes, ctx: _Command) -> bytes: ...

    def wink(self) -> None: ...


class _Command:
    """The context of the CBOR command running on the worker thread."""

    def __init__(self, conn: SimHidConnection, cid: int) -> None:
        self.conn = conn
        self.cid = cid
        self.cancelled = threading.Event()

    def keepalive(self, status: int) -> None:
        self.conn.keepalives_sent += 1
        self.conn._send(self.cid, CTAPHID.KEEPALIVE, bytes([status]))


class SimHidConnection(CtapHidConnection):
    """Device side of one HID link to a simulated key (see module docstring)."""

    def __init__(self, processor: CborProcessor, *, stall_timeout: float = 120.0) -> None:
        self.processor = processor
        self.stall_timeout = stall_timeout
        self.received: list[tuple[int, int]] = []
        self.keepalives_sent = 0
        self.cancels_received = 0
        self._out: queue.Queue[bytes] = queue.Queue()
        self._send_lock = threading.Lock()
        self._state_lock = threading.Lock()
        self._channels: set[int] = set()
        self._next_cid = 1
        self._rx: tuple[int, int, int, bytearray, int] | None = None  # cid, cmd, len, data, seq
        self._busy: _Command | None = None
        self._closed = False

    # -- CtapHidConnection -------------------------------------------------------

    def write_packet(self, data: bytes) -> None:
        self._check_link()
        if self.processor.unplugged == "silent":
            return
        packet = bytes(data[:PACKET_SIZE]).ljust(PACKET_SIZE, b"\0")
        with self._state_lock:
            self._on_packet(packet)

    def read_packet(self) -> bytes:
        deadline = time.monotonic() + self.stall_timeout
        while True:
            self._check_link()
            if self.processor.unplugged == "silent":
                return b""
            try:
                return self._out.get(timeout=0.02)
            except queue.Empty:
                if time.monotonic() >= deadline:
                    raise TimeoutError(errno.ETIMEDOUT, "simulated key sent nothing") from None

    def close(self) -> None:
        self._closed = True
        busy = self._busy
        if busy is not None:
            busy.cancelled.set()

    # -- receive side ------------------------------------------------------------

    def _check_link(self) -> None:
        if self._closed:
            raise OSError(errno.EBADF, "connection closed")
        if self.processor.unplugged == "error":
            raise OSError(errno.ENODEV, "no such device (simulated key unplugged)")

    def _on_packet(self, packet: bytes) -> None:
        (cid,) = struct.unpack_from(">I", packet)
        if packet[4] & TYPE_INIT:
            cmd = packet[4] & 0x7F
            self.received.append((cid, cmd))
            (length,) = struct.unpack_from(">H", packet, 5)
            if cmd == CTAPHID.CANCEL:
                self.cancels_received += 1
                busy = self._busy
                if busy is not None and busy.cid == cid:
                    busy.cancelled.set()
                return
            if cid == 0 or (cid == BROADCAST_CID and cmd != CTAPHID.INIT):
                self._error(cid, ERR_INVALID_CHANNEL)
                return
            if cid != BROADCAST_CID and cid not in self._channels:
                self._error(cid, ERR_INVALID_CHANNEL)
                return
            if self._busy is not None and cmd != CTAPHID.INIT:
                self._error(cid, ERR_CHANNEL_BUSY)
                return
            if length > MAX_MESSAGE:
                self._error(cid, ERR_INVALID_LEN)
                return
            body = bytearray(packet[7 : 7 + min(length, PACKET_SIZE - 7)])
            self._rx = (cid, cmd, length, body, 0)
        else:
            rx = self._rx
            if rx is None or rx[0] != cid:
                return  # spurious continuation: ignored, as the spec says
            rx_cid, cmd, length, body, seq = rx
            if packet[4] != seq:
                self._rx = None
                self._error(cid, ERR_INVALID_SEQ)
                return
            body.extend(packet[5 : 5 + min(length - len(body), PACKET_SIZE - 5)])
            self._rx = (rx_cid, cmd, length, body, seq + 1)
        rx = self._rx
        if rx is not None and len(rx[3]) >= rx[2]:
            self._rx = None
            self._dispatch(rx[0], rx[1], bytes(rx[3]))

    def _dispatch(self, cid: int, cmd: int, payload: bytes) -> None:
        if cmd == CTAPHID.INIT:
            if len(payload) != 8:
                self._error(cid, ERR_INVALID_LEN)
                return
            new_cid = cid
            if cid == BROADCAST_CID:
                new_cid = self._next_cid
                self._next_cid += 1
                self._channels.add(new_cid)
            caps = CAPABILITY.WINK | CAPABILITY.CBOR
            self._send(
                cid, CTAPHID.INIT, payload + struct.pack(">IBBBBB", new_cid, 2, 1, 0, 0, caps)
            )
        elif cmd == CTAPHID.PING:
            self._send(cid, CTAPHID.PING, payload)
        elif cmd == CTAPHID.WINK:
            self.processor.wink()
            self._send(cid, CTAPHID.WINK, b"")
        elif cmd == CTAPHID.MSG:
            self._send(cid, CTAPHID.MSG, SW_INS_NOT_SUPPORTED)
        elif cmd == CTAPHID.CBOR:
            if not payload:
                self._error(cid, ERR_INVALID_LEN)
                return
            command = _Command(self, cid)
            self._busy = command
            threading.Thread(
                target=self._run_cbor, args=(command, payload), name="sim-ctap2", daemon=True
            ).start()
        else:
            self._error(cid, ERR_INVALID_CMD)

    def _run_cbor(self, command: _Command, payload: bytes) -> None:
        try:
            response = self.processor.process_cbor(payload, command)
        finally:
            self._busy = None
        if not self._closed and self.processor.unplugged is None:
            self._send(command.cid, CTAPHID.CBOR, response)

    # -- send side ----------------------------------------------------------------

    def _error(self, cid: int, code: int) -> None:
        self._send(cid, CTAPHID.ERROR, bytes([code]))

    def _send(self, cid: int, cmd: int, payload: bytes) -> None:
        """Frame one message into an initialisation packet and continuations."""
        with self._send_lock:
            head = struct.pack(">IBH", cid, TYPE_INIT | cmd, len(payload))
            chunk, rest = payload[: PACKET_SIZE - 7], payload[PACKET_SIZE - 7 :]
            self._out.put((head + chunk).ljust(PACKET_SIZE, b"\0"))
            seq = 0
            while rest:
                chunk, rest = rest[: PACKET_SIZE - 5], rest[PACKET_SIZE - 5 :]
                packet = struct.pack(">IB", cid, seq) + chunk
                self._out.put(packet.ljust(PACKET_SIZE, b"\0"))
                seq += 1


def sim_descriptor(label: str) -> HidDescriptor:
    """A HID descriptor that says what the device is: a simulated key, by label."""
    serial = f"SIM{os.getpid():05d}{next(_serials):04d}"
    return HidDescriptor(
        path=f"sim:{label}",
        vid=SIM_VID,
        pid=SIM_PID,
        report_size_in=PACKET_SIZE,
        report_size_out=PACKET_SIZE,
        product_name=label,
        serial_number=serial,
    )


def open_sim_device(processor: CborProcessor) -> CtapHidDevice:
    """Plug a simulated key in: a ``CtapHidDevice`` that did CTAPHID_INIT with it."""
    return CtapHidDevice(sim_descriptor(processor.label), SimHidConnection(processor))
