"""The simulators behave like the devices they stand for."""

from __future__ import annotations

import itertools
import random

import pytest

from hardware.sim.scanner import PtyScannerSim, WedgeScannerSim, scan_events, typing_events
from kiosk.scan.wedge import KeyEvent, Output, Scan, WedgeDetector


def gaps(events: list[KeyEvent]) -> list[int]:
    return [b.t_ms - a.t_ms for a, b in itertools.pairwise(events)]


def test_scanner_timing_and_terminator() -> None:
    events = scan_events("SR12345674", 100, rng=random.Random(1))
    assert events[0].t_ms == 100
    assert "".join(e.text for e in events[:-1]) == "SR12345674"
    assert events[-1].key == "Return" and events[-1].text == "\r"
    assert all(3 <= g <= 10 for g in gaps(events))


def test_scanner_without_terminator_and_with_tab() -> None:
    assert scan_events("ABC", 0, terminator="none")[-1].text == "C"
    assert scan_events("ABC", 0, terminator="Tab")[-1].key == "Tab"
    with pytest.raises(ValueError):
        scan_events("ABC", 0, terminator="Space")


def test_person_typing_timing() -> None:
    events = typing_events("hello", 0, rng=random.Random(2), enter=True)
    assert all(60 <= g <= 300 for g in gaps(events))
    assert events[-1].key == "Return"


def test_wedge_sim_clock_and_record() -> None:
    sim = WedgeScannerSim(now_ms=1000, seed=5)
    first = sim.scan("SR12345674")
    assert first[0].t_ms == 1000
    assert sim.now_ms > first[-1].t_ms
    sim.wait(500)
    second = sim.scan("SR00000018")
    assert second[0].t_ms >= first[-1].t_ms + 500
    assert sim.sent == ["SR12345674", "SR00000018"]


def test_detector_reads_the_sim_with_policy_defaults() -> None:
    det = WedgeDetector(max_interkey_ms=35, min_length=6, terminator="Return")
    out: list[Output] = []
    for ev in WedgeScannerSim(shift=True).scan("SR12345674"):
        out += det.feed(ev)
    assert len(out) == 1 and isinstance(out[0], Scan) and out[0].text == "SR12345674"


def test_pty_sim_records_and_refuses_writes_after_unplug() -> None:
    sim = PtyScannerSim(line_ending=b"\n")
    assert sim.port.startswith("/dev/pts/")
    sim.send_line("abc")
    assert sim.sent == [b"abc\n"]
    sim.unplug()
    with pytest.raises(OSError):
        sim.send_line("x")
    sim.close()  # idempotent
