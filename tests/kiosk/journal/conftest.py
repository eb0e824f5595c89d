"""Fixtures shared by the journal tests."""

from __future__ import annotations

import subprocess
from typing import Any

import pytest

from kiosk.journal import parallel


@pytest.fixture
def split_requests(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Make ``Journal.verify`` split even a short journal; the children's requests land here.

    Two processes, a 10-entry threshold and 8-seq chunks, so a journal of a
    few dozen entries is shared with a real child process.
    """
    requests: list[Any] = []
    real = parallel._start_child

    def recording(key: bytes, request: Any, ready: Any = None) -> subprocess.Popen[bytes]:
        requests.append(request)
        return real(key, request, ready)

    monkeypatch.setattr(parallel, "_start_child", recording)
    monkeypatch.setattr(parallel, "PARALLEL_THRESHOLD", 10)
    monkeypatch.setattr(parallel, "CHUNK_ROWS", 8)
    monkeypatch.setattr(parallel, "usable_cores", lambda: 2)
    return requests
