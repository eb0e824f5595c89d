"""Frames between a process and its workers: written, read whole, or taken as they come."""

from __future__ import annotations

import io

from kiosk.workerproc import read_frame, take_frames, write_frame


def test_frames_round_trip_through_a_pipe() -> None:
    pipe = io.BytesIO()
    write_frame(pipe, b"one")
    write_frame(pipe, b"")
    write_frame(pipe, b"three" * 1000)
    pipe.seek(0)
    assert [read_frame(pipe) for _ in range(3)] == [b"one", b"", b"three" * 1000]
    assert read_frame(pipe) is None  # end of input


def test_a_cut_off_frame_is_not_read() -> None:
    pipe = io.BytesIO()
    write_frame(pipe, b"whole")
    pipe.seek(0)
    assert read_frame(io.BytesIO(pipe.getvalue()[:-1])) is None


def test_frames_taken_as_bytes_arrive() -> None:
    pipe = io.BytesIO()
    for body in (b"a", b"bb", b"ccc"):
        write_frame(pipe, body)
    data = pipe.getvalue()
    buf = bytearray()
    taken: list[bytes] = []
    for i in range(0, len(data), 3):  # three bytes at a time, cutting frames anywhere
        buf += data[i : i + 3]
        taken += take_frames(buf)
    assert taken == [b"a", b"bb", b"ccc"]
    assert buf == bytearray()
    buf += data[:6]  # a whole frame and part of the next
    assert take_frames(buf) == [b"a"]
    assert bytes(buf) == data[5:6]
