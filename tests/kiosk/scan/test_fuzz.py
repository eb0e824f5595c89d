"""Property tests: the scan parsers fail only with ScanError, and the wedge never leaks."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from hardware.sim.scanner import scan_events, typing_events
from kiosk.errors import ScanError
from kiosk.errors.messages import MESSAGES
from kiosk.scan.qr import decode_qr, encode_qr
from kiosk.scan.serials import check_serial, make_serial
from kiosk.scan.wedge import KeyEvent, Output, Release, Scan, WedgeDetector

KEY = bytes(range(32))
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

any_text = st.text(st.characters(codec="utf-8"), max_size=200) | st.text(
    alphabet="SRQ0123456789:ABCDEFGHIJKLMNOPQRSTUVWXYZ234567 \r\n\x00", max_size=200
)


@FAST
@given(any_text, st.sampled_from(["none", "luhn", "iso7064_mod97_10"]))
def test_serial_check_raises_only_scan_errors(text: str, scheme: str) -> None:
    try:
        serial = check_serial(text, pattern="^SR[0-9]{8}$", scheme=scheme)
    except ScanError as err:
        assert err.code in MESSAGES
        err.user_message()
    else:
        assert serial == text.strip(" ")


@FAST
@given(st.integers(0, 9_999_999), st.integers(0, 9), st.integers(2, 9))
def test_luhn_catches_every_single_digit_error(number: int, digit: int, pos: int) -> None:
    serial = make_serial(number)
    assert check_serial(serial, pattern="^SR[0-9]{8}$", scheme="luhn") == serial
    assume(serial[pos] != str(digit))
    wrong = serial[:pos] + str(digit) + serial[pos + 1 :]
    try:
        check_serial(wrong, pattern="^SR[0-9]{8}$", scheme="luhn")
    except ScanError as err:
        assert err.code == "scan.bad_check_digit"
    else:
        raise AssertionError(f"{wrong} accepted")


@FAST
@given(st.integers(0, 999_999))
def test_mod97_serials_round_trip(number: int) -> None:
    serial = make_serial(number, scheme="iso7064_mod97_10")
    assert check_serial(serial, pattern="^SR[0-9]{8}$", scheme="iso7064_mod97_10") == serial


@FAST
@given(any_text)
def test_random_text_never_decodes_as_a_payload(text: str) -> None:
    try:
        decode_qr(text, KEY)
    except ScanError as err:
        assert err.code in MESSAGES
    else:
        raise AssertionError(f"random text decoded: {text!r}")


@FAST
@given(
    st.sampled_from(["SHEET", "ENV", "REC", "KEY"]),
    st.lists(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", max_size=40), max_size=6),
)
def test_well_formed_looking_unsigned_payloads_are_refused(kind: str, parts: list[str]) -> None:
    text = ":".join(["SRQ1", kind, *parts])
    try:
        decode_qr(text, KEY)
    except ScanError as err:
        assert err.code in {"scan.qr_bad_mac", "scan.qr_malformed"}
    else:
        raise AssertionError(text)


printable = st.text(st.characters(codec="utf-8", categories=["L", "N", "P", "S"]), min_size=1)


@FAST
@given(
    account=printable.filter(lambda s: len(s.encode()) <= 64),
    serial=st.from_regex(r"\ASR[0-9]{8}\Z"),
    seq=st.integers(0, 2**53 - 1),
    hash_=st.from_regex(r"\A[0-9a-f]{16,64}\Z"),
    key=st.binary(min_size=32, max_size=32),
)
def test_encode_decode_round_trip(
    account: str, serial: str, seq: int, hash_: str, key: bytes
) -> None:
    fields: dict[str, str | int] = {"account": account, "serial": serial, "seq": seq, "hash": hash_}
    text = encode_qr("sheet", fields, key)
    assert len(text) <= 512
    payload = decode_qr(text, key)
    assert payload.kind == "sheet" and dict(payload.fields) == fields


# -- wedge ----------------------------------------------------------------------

key_events = st.lists(
    st.tuples(
        st.integers(0, 400),  # gap since the previous key
        st.sampled_from(["a", "Z", "7", " ", "é", "", "\r"]),
        st.sampled_from(["", "", "", "Return", "Enter", "Tab", "Shift", "Backspace"]),
        st.booleans(),
    ),
    max_size=80,
)


def drive(det: WedgeDetector, events: list[KeyEvent]) -> list[Output]:
    out: list[Output] = []
    for ev in events:
        deadline = det.deadline_ms()
        if deadline is not None and deadline <= ev.t_ms and ev.t_ms % 3 == 0:
            out += det.poll(deadline)  # the UI timer fires only sometimes
        out += det.feed(ev)
    return out


@FAST
@given(key_events, st.sampled_from(["Return", "Tab", "none"]), st.integers(1, 12))
def test_every_key_comes_out_exactly_once_in_order(
    raw: list[tuple[int, str, str, bool]], terminator: str, min_length: int
) -> None:
    det = WedgeDetector(
        max_interkey_ms=35, min_length=min_length, terminator=terminator, max_scan_chars=20
    )
    t = 0
    events = []
    for gap, text, key, rep in raw:
        t += gap
        events.append(KeyEvent(t, text, key, rep and gap < 40))
    out = drive(det, events)
    pending = list(det.holding)
    out += det.flush()
    got = [k for o in out for k in o.keys]
    assert got == events
    assert len(pending) <= len(events)
    for o in out:
        if isinstance(o, Scan):
            assert o.overflow or len(o.text) >= min_length
            assert len(o.text) <= 20


@FAST
@given(
    st.lists(
        st.tuples(
            st.booleans(),  # True: a scan, False: a person typing
            st.text(alphabet="ABCDEFGHJKLMNPRSTUVWXYZ0123456789", min_size=6, max_size=30),
        ),
        min_size=1,
        max_size=6,
    ),
    st.sampled_from(["Return", "Tab", "none"]),
    st.integers(0, 2**32),
)
def test_scans_between_typing_never_leak_and_arrive_whole(
    segments: list[tuple[bool, str]], terminator: str, seed: int
) -> None:
    rng = random.Random(seed)
    det = WedgeDetector(max_interkey_ms=35, min_length=6, terminator=terminator)
    events: list[KeyEvent] = []
    t = 0
    expected_scans: list[str] = []
    typed = ""
    for is_scan, text in segments:
        t += rng.randint(60, 2000)  # a pause between activities
        if is_scan:
            evs = scan_events(text, t, rng=rng, terminator=terminator, shift=rng.random() < 0.5)
            expected_scans.append(text)
        else:
            evs = typing_events(text, t, rng=rng)
            typed += text
        events += evs
        t = evs[-1].t_ms
    out = drive(det, events) + det.flush()
    assert [s.text for s in out if isinstance(s, Scan)] == expected_scans
    released = "".join(k.text for o in out if isinstance(o, Release) for k in o.keys)
    assert released == typed
