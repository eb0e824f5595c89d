"""The simulated key at the CTAP level, driven by python-fido2's Ctap2/ClientPin directly."""

from __future__ import annotations

import hashlib
import os
import struct
from typing import Any

import pytest
from fido2.ctap import CtapError
from fido2.ctap2.base import Ctap2
from fido2.ctap2.pin import ClientPin, PinProtocolV2
from fido2.hid import CTAPHID

RP_ID = "sealroom.local"
PIN = "4711-9876"
ERR = CtapError.ERR


def _ready(key: Any) -> tuple[Ctap2, ClientPin]:
    ctap = Ctap2(key.open_device())
    pin = ClientPin(ctap)
    pin.set_pin(PIN)
    return ctap, pin


def _make(ctap: Ctap2, token: bytes | None, alg: int = -7) -> Any:
    cdh = os.urandom(32)
    auth = PinProtocolV2().authenticate(token, cdh) if token else None
    return ctap.make_credential(
        cdh,
        {"id": RP_ID, "name": "Sealroom"},
        {"id": b"u", "name": "dana"},
        [{"type": "public-key", "alg": alg}],
        pin_uv_param=auth,
        pin_uv_protocol=2 if token else None,
    )


def test_get_info_advertises_what_the_terminal_needs(key: Any) -> None:
    info = Ctap2(key.open_device()).info
    assert info.versions == ["FIDO_2_0", "FIDO_2_1"]
    assert info.extensions == ["hmac-secret"]
    assert info.pin_uv_protocols == [2]
    assert info.options == {
        "rk": False,
        "up": True,
        "plat": False,
        "clientPin": False,
        "pinUvAuthToken": True,
    }
    assert [a["alg"] for a in info.algorithms] == [-7, -8]


def test_token_permissions_are_enforced(key: Any) -> None:
    ctap, pin = _ready(key)
    ga_only = pin.get_pin_token(PIN, ClientPin.PERMISSION.GET_ASSERTION, RP_ID)
    with pytest.raises(CtapError) as info:
        _make(ctap, ga_only)
    assert info.value.code == ERR.PIN_AUTH_INVALID
    mc = pin.get_pin_token(PIN, ClientPin.PERMISSION.MAKE_CREDENTIAL, RP_ID)
    assert _make(ctap, mc).auth_data.is_user_verified()
    # A user-present operation spends the token's mc/ga permissions.
    with pytest.raises(CtapError) as info:
        _make(ctap, mc)
    assert info.value.code == ERR.PIN_AUTH_INVALID


def test_token_is_bound_to_its_rp_id(key: Any) -> None:
    ctap, pin = _ready(key)
    token = pin.get_pin_token(PIN, ClientPin.PERMISSION.MAKE_CREDENTIAL, "other.example")
    with pytest.raises(CtapError) as info:
        _make(ctap, token)
    assert info.value.code == ERR.PIN_AUTH_INVALID


def test_pin_is_required_once_set(key: Any) -> None:
    ctap, _ = _ready(key)
    with pytest.raises(CtapError) as info:
        _make(ctap, None)
    assert info.value.code == ERR.PUAT_REQUIRED


def test_set_pin_twice_and_change_pin(key: Any) -> None:
    _ctap, pin = _ready(key)
    with pytest.raises(CtapError) as info:
        pin.set_pin("other-pin")
    assert info.value.code == ERR.NOT_ALLOWED
    with pytest.raises(CtapError) as info:
        pin.change_pin("wrong-pin", "new-pin-1")
    assert info.value.code == ERR.PIN_INVALID
    assert pin.get_pin_retries() == (7, False)
    pin.change_pin(PIN, "new-pin-1")
    assert pin.get_pin_retries() == (8, False)
    with pytest.raises(CtapError):
        pin.get_pin_token(PIN, ClientPin.PERMISSION.GET_ASSERTION, RP_ID)
    assert pin.get_pin_token("new-pin-1", ClientPin.PERMISSION.GET_ASSERTION, RP_ID)


def test_unsupported_algorithm(key: Any) -> None:
    ctap, pin = _ready(key)
    token = pin.get_pin_token(PIN, ClientPin.PERMISSION.MAKE_CREDENTIAL, RP_ID)
    with pytest.raises(CtapError) as info:
        _make(ctap, token, alg=-257)
    assert info.value.code == ERR.UNSUPPORTED_ALGORITHM


def test_eddsa_credential_and_counter(key: Any) -> None:
    ctap, pin = _ready(key)
    token = pin.get_pin_token(PIN, ClientPin.PERMISSION.MAKE_CREDENTIAL, RP_ID)
    att = _make(ctap, token, alg=-8)
    cred = att.auth_data.credential_data
    assert cred.public_key[3] == -8
    assert att.auth_data.counter == 1
    cdh = os.urandom(32)
    resp = ctap.get_assertion(RP_ID, cdh, [{"type": "public-key", "id": cred.credential_id}])
    resp.verify(cdh, cred.public_key)  # python-fido2's own check of the signature
    assert resp.auth_data.counter == 2
    assert resp.auth_data.is_user_present() and not resp.auth_data.is_user_verified()
    assert resp.auth_data.rp_id_hash == hashlib.sha256(RP_ID.encode()).digest()


def test_calls_are_recorded(key: Any) -> None:
    _ctap, _ = _ready(key)
    names = [c.command for c in key.calls]
    assert names[0] == "get_info" and "client_pin" in names
    assert all(c.status == 0 for c in key.calls)


def test_hid_errors_for_bad_channels_and_busy(key: Any) -> None:
    dev = key.open_device()
    conn = dev._connection
    # A command on a channel that was never allocated.
    conn.write_packet(struct.pack(">IBH", 0x12345678, 0x80 | CTAPHID.PING, 0).ljust(64, b"\0"))
    reply = conn.read_packet()
    assert reply[:5] == struct.pack(">IB", 0x12345678, 0x80 | CTAPHID.ERROR)
    assert reply[7] == 0x0B  # ERR_INVALID_CHANNEL
    # An unknown command on our channel.
    cid = dev._channel_id
    conn.write_packet(struct.pack(">IBH", cid, 0x80 | 0x2A, 0).ljust(64, b"\0"))
    assert conn.read_packet()[7] == 0x01  # ERR_INVALID_CMD
    # A continuation out of sequence.
    conn.write_packet(struct.pack(">IBH", cid, 0x80 | CTAPHID.PING, 100).ljust(64, b"\0"))
    conn.write_packet(struct.pack(">IB", cid, 5).ljust(64, b"\0"))
    assert conn.read_packet()[7] == 0x04  # ERR_INVALID_SEQ
    assert (cid, CTAPHID.PING) in conn.received


def test_channel_busy_while_waiting_for_touch(make_key: Any) -> None:
    """Raw CTAP HID: two channels, a CBOR command waiting for touch, a PING on the other."""
    from hardware.sim.ctaphid import SimHidConnection
    from hardware.sim.touch import TouchButton

    button = TouchButton()
    key = make_key(touch=button)
    conn = SimHidConnection(key)

    def packet(cid: int, cmd: int, data: bytes = b"") -> bytes:
        return (struct.pack(">IBH", cid, 0x80 | cmd, len(data)) + data).ljust(64, b"\0")

    def next_not_keepalive() -> bytes:
        while True:
            reply = conn.read_packet()
            if reply[4] != 0x80 | CTAPHID.KEEPALIVE:
                return reply

    channels = []
    for _ in range(2):
        nonce = os.urandom(8)
        conn.write_packet(packet(0xFFFFFFFF, CTAPHID.INIT, nonce))
        reply = conn.read_packet()
        assert reply[7:15] == nonce
        channels.append(struct.unpack_from(">I", reply, 15)[0])
    first, second = channels
    assert first != second

    conn.write_packet(packet(first, CTAPHID.CBOR, bytes([0x0B])))  # authenticatorSelection
    assert button.waiting.wait(5)
    keepalive = conn.read_packet()
    assert keepalive[:5] == struct.pack(">IB", first, 0x80 | CTAPHID.KEEPALIVE)
    assert keepalive[7] == 2  # STATUS_UPNEEDED
    conn.write_packet(packet(second, CTAPHID.PING, b"hi"))
    busy = next_not_keepalive()
    assert busy[:5] == struct.pack(">IB", second, 0x80 | CTAPHID.ERROR)
    assert busy[7] == 0x06  # ERR_CHANNEL_BUSY
    button.press()
    done = next_not_keepalive()
    assert done[:8] == struct.pack(">IBHB", first, 0x80 | CTAPHID.CBOR, 1, 0)
    assert conn.keepalives_sent > 0 and button.touches == 1
