"""Keyboard-wedge detection: a scan is one event, typing is released, nothing leaks."""

from __future__ import annotations

import random

import pytest

from hardware.sim.scanner import WedgeScannerSim, scan_events, typing_events
from kiosk.policy import load_policy
from kiosk.scan.serials import validate_serial
from kiosk.scan.wedge import KeyEvent, Output, Release, Scan, WedgeDetector

SERIAL = "SR12345674"


def detector(terminator: str = "Return", **kw: int) -> WedgeDetector:
    params = {"max_interkey_ms": 35, "min_length": 6, **kw}
    return WedgeDetector(terminator=terminator, **params)


def run(det: WedgeDetector, events: list[KeyEvent], settle: bool = True) -> list[Output]:
    """Feed events, polling at each deadline like the UI's timer would."""
    out: list[Output] = []
    for ev in events:
        deadline = det.deadline_ms()
        if deadline is not None and deadline <= ev.t_ms:
            out += det.poll(deadline)
        out += det.feed(ev)
    if settle:
        deadline = det.deadline_ms()
        if deadline is not None:
            out += det.poll(deadline)
    return out


def scans(out: list[Output]) -> list[Scan]:
    return [o for o in out if isinstance(o, Scan)]


def released_text(out: list[Output]) -> str:
    return "".join(k.text for o in out if isinstance(o, Release) for k in o.keys)


def all_keys(out: list[Output]) -> list[KeyEvent]:
    return [k for o in out for k in o.keys]


def test_scan_with_return_is_one_event_and_swallows_every_key() -> None:
    events = scan_events(SERIAL, 1000)
    out = run(detector(), events)
    assert len(out) == 1
    scan = out[0]
    assert isinstance(scan, Scan)
    assert scan.text == SERIAL
    assert scan.terminator == "Return" and scan.as_configured
    assert scan.keys == tuple(events)  # the Return too: nothing reaches the field
    assert validate_serial(scan.text, load_policy()) == SERIAL


def test_scanner_sending_shift_for_capitals() -> None:
    events = scan_events(SERIAL, 0, shift=True)
    assert sum(1 for e in events if e.key == "Shift") == 2
    out = run(detector(), events)
    assert [s.text for s in scans(out)] == [SERIAL]
    assert out == scans(out)  # not even the leading Shift is released
    assert scans(out)[0].keys == tuple(events)


def test_a_person_pressing_shift_gets_it_back() -> None:
    events = [KeyEvent(0, "", "Shift"), KeyEvent(150, "A"), KeyEvent(400, "", "Shift")]
    out = run(detector(), events)
    assert all(isinstance(o, Release) for o in out)
    assert all_keys(out) == events


def test_keypad_enter_counts_as_return() -> None:
    out = run(detector(), scan_events(SERIAL, 0, terminator="Enter"))
    assert scans(out)[0].terminator == "Enter" and scans(out)[0].as_configured


def test_tab_terminator() -> None:
    out = run(detector("Tab"), scan_events(SERIAL, 0, terminator="Tab"))
    assert len(out) == 1 and isinstance(out[0], Scan) and out[0].as_configured


def test_person_typing_is_released_key_by_key() -> None:
    events = typing_events("hello world", 0, enter=True)
    out = run(detector(), events)
    assert scans(out) == []
    assert all_keys(out) == events
    assert all(isinstance(o, Release) for o in out)


def test_fast_typist_just_above_the_limit_is_typing() -> None:
    events = typing_events("abcdefghijkl", 0, gap_ms=(36, 50), enter=True)
    out = run(detector(), events)
    assert scans(out) == []
    assert released_text(out) == "abcdefghijkl\r"


def test_fast_typist_short_rollover_burst_is_typing() -> None:
    # "the" rolled over in 10 ms steps, then Return: shorter than min_length.
    events = [KeyEvent(0, "t"), KeyEvent(10, "h"), KeyEvent(20, "e"), KeyEvent(30, "\r", "Return")]
    out = run(detector(), events)
    assert out == [Release(tuple(events), "short")]


def test_burst_too_short_with_terminator_is_typing() -> None:
    out = run(detector(), scan_events("SR123", 0))
    assert scans(out) == []
    assert released_text(out) == "SR123\r"
    assert out[-1].reason == "short"  # type: ignore[union-attr]


def test_min_length_exactly_is_a_scan() -> None:
    out = run(detector(), scan_events("ABCDEF", 0))
    assert [s.text for s in scans(out)] == ["ABCDEF"]


def test_gap_exactly_max_interkey_is_still_one_burst() -> None:
    events = [KeyEvent(i * 35, c) for i, c in enumerate("ABCDEFG")]
    events.append(KeyEvent(7 * 35, "\r", "Return"))
    assert [s.text for s in scans(run(detector(), events))] == ["ABCDEFG"]


def test_one_slow_gap_splits_the_burst() -> None:
    events = [KeyEvent(i * 5, c) for i, c in enumerate("ABCDE")]
    events += [KeyEvent(5 * 5 + 36 + i * 5, c) for i, c in enumerate("FGHIJ")]
    events.append(KeyEvent(200, "\r", "Return"))
    out = run(detector(), events)
    assert scans(out) == []  # two bursts of 5, each below min_length 6


def test_scan_mid_typing_leaves_typed_text_alone_and_swallows_the_scan() -> None:
    rng = random.Random(7)
    before = typing_events("note: ", 0, rng=rng)
    scan = scan_events(SERIAL, before[-1].t_ms + 120, rng=rng)
    after = typing_events("done", scan[-1].t_ms + 150, rng=rng)
    out = run(detector(), before + scan + after)
    assert [s.text for s in scans(out)] == [SERIAL]
    assert released_text(out) == "note: done"
    assert all_keys(out) == before + scan + after  # order kept


def test_late_poll_still_separates_typing_from_the_scan() -> None:
    # The UI timer never fires (busy GUI): the next key's gap does the work.
    det = detector()
    typed = typing_events("ab", 0)
    out: list[Output] = []
    for ev in typed + scan_events(SERIAL, 500):
        out += det.feed(ev)
    assert released_text(out) == "ab"
    assert [s.text for s in scans(out)] == [SERIAL]


def test_keystroke_right_before_a_scan_is_swallowed_not_leaked() -> None:
    # A person's key 20 ms before the scanner starts cannot be told apart:
    # it joins the scan (which the parser then refuses) -- never the reverse.
    events = [KeyEvent(0, "x"), *scan_events(SERIAL, 20)]
    out = run(detector(), events)
    assert released_text(out) == ""
    assert [s.text for s in scans(out)] == ["x" + SERIAL]


def test_scan_without_terminator_when_return_expected_is_still_swallowed() -> None:
    events = scan_events(SERIAL, 0, terminator="none")
    out = run(detector("Return"), events)
    assert len(out) == 1
    scan = out[0]
    assert isinstance(scan, Scan) and scan.text == SERIAL
    assert scan.terminator is None and not scan.as_configured
    assert released_text(out) == ""


def test_terminator_none_ends_by_quiet_gap() -> None:
    det = detector("none")
    events = scan_events(SERIAL, 0, terminator="none")
    out = run(det, events, settle=False)
    assert out == [] and len(det.holding) == len(events)
    deadline = det.deadline_ms()
    assert deadline == events[-1].t_ms + 36
    assert det.poll(deadline - 1) == []
    out = det.poll(deadline)
    assert len(out) == 1 and isinstance(out[0], Scan)
    assert out[0].as_configured and out[0].text == SERIAL
    assert det.holding == () and det.deadline_ms() is None


def test_other_end_key_is_swallowed_but_flagged() -> None:
    out = run(detector("Return"), scan_events(SERIAL, 0, terminator="Tab"))
    assert len(out) == 1 and isinstance(out[0], Scan)
    assert out[0].terminator == "Tab" and not out[0].as_configured


def test_return_alone_passes_straight_through() -> None:
    det = detector()
    ev = KeyEvent(0, "\r", "Return")
    assert det.feed(ev) == [Release((ev,), "key")]
    assert det.holding == ()


def test_special_keys_are_never_held() -> None:
    det = detector()
    for name in ("Backspace", "Left", "Escape", "F1"):
        ev = KeyEvent(0, "", name)
        assert det.feed(ev) == [Release((ev,), "key")]


def test_backspace_in_a_short_burst_releases_it_in_order() -> None:
    events = [KeyEvent(0, "a"), KeyEvent(10, "b"), KeyEvent(20, "", "Backspace")]
    out = run(detector(), events)
    assert out == [Release(tuple(events), "special")]


def test_special_key_after_a_full_scan_ends_it_and_is_released() -> None:
    events = [*scan_events(SERIAL, 0, terminator="none")]
    esc = KeyEvent(events[-1].t_ms + 5, "", "Escape")
    out = run(detector(), [*events, esc])
    assert isinstance(out[0], Scan) and out[0].text == SERIAL
    assert out[1] == Release((esc,), "key")


def test_held_down_key_auto_repeat_is_typing() -> None:
    events = [KeyEvent(0, "a")] + [KeyEvent(500 + 30 * i, "a", auto_repeat=True) for i in range(20)]
    out = run(detector("none"), events)
    assert scans(out) == []
    assert released_text(out) == "a" * 21
    assert all(o.reason == "repeat" for o in out[1:])  # type: ignore[union-attr]


def test_flush_releases_a_pending_short_burst() -> None:
    det = detector()
    det.feed(KeyEvent(0, "a"))
    det.feed(KeyEvent(5, "b"))
    out = det.flush()
    assert released_text(out) == "ab"
    assert det.flush() == []


def test_flush_of_a_qualifying_burst_swallows_it() -> None:
    det = detector()
    for ev in scan_events(SERIAL, 0, terminator="none"):
        det.feed(ev)
    out = det.flush()
    assert [s.text for s in scans(out)] == [SERIAL]


def test_overlong_burst_is_cut_into_swallowed_overflow_parts() -> None:
    det = detector(max_scan_chars=50)
    text = "A" * 130
    events = scan_events(text, 0)
    out = run(det, events)
    parts = scans(out)
    assert released_text(out) == ""
    assert "".join(p.text for p in parts) == text
    assert all(p.overflow for p in parts)
    assert all(len(p.text) <= 50 for p in parts)
    assert det.holding == ()


def test_two_scans_in_a_row() -> None:
    sim = WedgeScannerSim(seed=3)
    first = sim.scan(SERIAL)
    sim.wait(800)
    second = sim.scan("SR00000018")
    out = run(detector(), first + second)
    assert [s.text for s in scans(out)] == [SERIAL, "SR00000018"]
    assert sim.sent == [SERIAL, "SR00000018"]


def test_from_policy_uses_scanner_section() -> None:
    policy = load_policy()
    det = WedgeDetector.from_policy(policy)
    assert det.max_interkey_ms == policy.scanner_max_interkey_ms
    assert det.min_length == policy.scanner_min_length
    assert det.terminator == policy.scanner_terminator


@pytest.mark.parametrize(
    "kw",
    [
        {"terminator": "Space", "max_interkey_ms": 35, "min_length": 6},
        {"terminator": "none", "max_interkey_ms": 0, "min_length": 6},
        {"terminator": "none", "max_interkey_ms": 35, "min_length": 0},
    ],
)
def test_bad_configuration_is_refused(kw: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        WedgeDetector(**kw)  # type: ignore[arg-type]
