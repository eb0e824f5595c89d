"""Serial-port scanners, read with pyserial from a real pseudo-terminal."""

from __future__ import annotations

import os
import queue
import threading
import time
from collections.abc import Iterator

import pytest
import serial

from hardware.scanner.serial_scanner import LineSplitter, SerialScanner, open_port
from hardware.sim.scanner import PtyScannerSim
from kiosk.errors import DeviceError, ScanError, SealroomError
from kiosk.policy import load_policy
from kiosk.scan.serials import validate_serial


class Collector:
    """Receives lines and errors from the worker thread."""

    def __init__(self) -> None:
        self.items: queue.Queue[str | SealroomError] = queue.Queue()

    def line(self, text: str) -> None:
        self.items.put(text)

    def error(self, err: SealroomError) -> None:
        self.items.put(err)

    def take(self, n: int, timeout: float = 3.0) -> list[str | SealroomError]:
        got: list[str | SealroomError] = []
        deadline = time.monotonic() + timeout
        while len(got) < n:
            got.append(self.items.get(timeout=max(0.01, deadline - time.monotonic())))
        return got

    def nothing_more(self, wait: float = 0.2) -> bool:
        time.sleep(wait)
        return self.items.empty()


@pytest.fixture
def sim() -> Iterator[PtyScannerSim]:
    with PtyScannerSim() as s:
        yield s


@pytest.fixture
def wired(sim: PtyScannerSim) -> Iterator[tuple[PtyScannerSim, SerialScanner, Collector]]:
    c = Collector()
    scanner = SerialScanner(sim.port, c.line, c.error, poll_seconds=0.05)
    scanner.start()
    try:
        yield sim, scanner, c
    finally:
        scanner.stop()


def test_the_simulated_port_is_a_real_tty(sim: PtyScannerSim) -> None:
    fd = os.open(sim.port, os.O_RDONLY | os.O_NOCTTY)
    try:
        assert os.isatty(fd)
    finally:
        os.close(fd)
    port = open_port(sim.port)
    assert isinstance(port, serial.Serial)
    port.close()


def test_lines_with_any_terminator_arrive_one_by_one(
    wired: tuple[PtyScannerSim, SerialScanner, Collector],
) -> None:
    sim, _, c = wired
    sim.send_line("SR12345674")
    sim.send_bytes(b"SR00000018\rSR00000026\nSR00000034\r\n")
    assert c.take(4) == ["SR12345674", "SR00000018", "SR00000026", "SR00000034"]
    assert c.nothing_more()  # the LF of CR LF is not an empty scan
    assert sim.sent[0] == b"SR12345674\r\n"


def test_a_line_split_across_writes_is_joined(
    wired: tuple[PtyScannerSim, SerialScanner, Collector],
) -> None:
    sim, _, c = wired
    sim.send_bytes(b"SR1234")
    time.sleep(0.15)
    sim.send_bytes(b"5674\r")
    assert c.take(1) == ["SR12345674"]


def test_scanned_line_passes_the_serial_check(
    wired: tuple[PtyScannerSim, SerialScanner, Collector],
) -> None:
    sim, _, c = wired
    sim.send_line("SR12345674")
    (line,) = c.take(1)
    assert isinstance(line, str)
    assert validate_serial(line, load_policy()) == "SR12345674"


def test_garbage_bytes_give_a_scan_error_and_reading_goes_on(
    wired: tuple[PtyScannerSim, SerialScanner, Collector],
) -> None:
    sim, scanner, c = wired
    sim.send_bytes(b"\xff\xfe\xc3(\r\n")
    sim.send_line("SR12345674")
    err, line = c.take(2)
    assert isinstance(err, ScanError) and err.code == "scan.garbage"
    assert sim.port in err.user_message()
    assert line == "SR12345674"
    assert scanner.running


def test_over_long_line_is_refused_and_discarded_to_its_end(sim: PtyScannerSim) -> None:
    c = Collector()
    with SerialScanner(sim.port, c.line, c.error, max_line=32, poll_seconds=0.05):
        sim.send_bytes(b"A" * 100 + b"\r\n")
        sim.send_line("SR12345674")
        err, line = c.take(2)
    assert isinstance(err, ScanError) and err.code == "scan.too_long"
    assert line == "SR12345674"


def test_unplugged_scanner_gives_a_clear_device_error_once(
    wired: tuple[PtyScannerSim, SerialScanner, Collector],
) -> None:
    sim, scanner, c = wired
    sim.send_line("SR12345674")
    assert c.take(1) == ["SR12345674"]
    sim.unplug()
    (err,) = c.take(1)
    assert isinstance(err, DeviceError) and err.code == "device.scanner_gone"
    assert sim.port in err.user_message()
    assert err.retryable
    deadline = time.monotonic() + 2
    while scanner.running and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not scanner.running
    assert c.nothing_more()


def test_stop_cancels_an_idle_reader_promptly(sim: PtyScannerSim) -> None:
    c = Collector()
    scanner = SerialScanner(sim.port, c.line, c.error, poll_seconds=0.05)
    scanner.start()
    assert scanner.running
    started = time.monotonic()
    scanner.stop()
    assert time.monotonic() - started < 1.0
    assert not scanner.running
    assert c.nothing_more(0.05)  # cancelling is not an error
    scanner.stop()  # idempotent


def test_missing_port_is_a_clear_device_error() -> None:
    c = Collector()
    scanner = SerialScanner("/dev/ttyACM-sealroom-missing", c.line, c.error)
    with pytest.raises(DeviceError) as info:
        scanner.start()
    assert info.value.code == "device.scanner_open"
    assert "no such port" in info.value.user_message()
    assert "Errno" not in info.value.user_message()


def test_a_failing_consumer_does_not_kill_the_reader(
    sim: PtyScannerSim, caplog: pytest.LogCaptureFixture
) -> None:
    got: list[str] = []
    errors: list[SealroomError] = []
    done = threading.Event()

    def on_line(text: str) -> None:
        if text == "boom":
            raise RuntimeError("consumer bug")
        if text == "refuse":
            raise ScanError("scan.empty")
        got.append(text)
        done.set()

    with SerialScanner(sim.port, on_line, errors.append, poll_seconds=0.05):
        sim.send_line("boom")
        sim.send_line("refuse")
        sim.send_line("SR12345674")
        assert done.wait(3)
    assert got == ["SR12345674"]
    assert [e.code for e in errors] == ["scan.empty"]


def test_line_splitter() -> None:
    s = LineSplitter(max_line=5)
    assert s.feed(b"ab") == []
    assert s.feed(b"c\r\n\r\nde\nabcdefgh") == [b"abc", b"de"]
    assert s.feed(b"ij\rxy\n") == ["too_long", b"xy"]
