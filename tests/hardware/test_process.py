"""``hardware.process``: a process that will hold a key switches core dumps off for good."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import hardware.process
import ui.app
from hardware.process import Hardening
from ui.cli import main

PROBE = """
import json, resource
from hardware.process import dumpable, harden_process
before = [dumpable(), resource.getrlimit(resource.RLIMIT_CORE)]
done = harden_process()
after = [dumpable(), resource.getrlimit(resource.RLIMIT_CORE)]
print(json.dumps([before, [done.core_limit_zero, done.not_dumpable], after]))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux's")
def test_harden_process_sets_no_core_and_not_dumpable_in_a_fresh_process() -> None:
    def cores_on() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))

    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        check=True,
        preexec_fn=cores_on,
    ).stdout
    before, done, after = json.loads(out)
    assert before == [True, [-1, -1]]  # the control: dumpable, cores unlimited
    assert done == [True, True]
    assert after == [False, [0, 0]]  # soft and hard: the process cannot raise it again


def test_sealroom_run_refuses_to_start_if_core_dumps_stay_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    windows: list[object] = []
    monkeypatch.setattr(ui.app, "run", lambda ctx: windows.append(ctx) or 0)
    monkeypatch.setattr(hardware.process, "harden_process", lambda: Hardening(True, False))
    monkeypatch.setattr(sys, "platform", "linux")
    code = main(["run", "--data", str(tmp_path / "data"), "--windowed"])
    err = capsys.readouterr().err
    assert code == 1 and windows == []
    assert "core dumps" in err and "PR_SET_DUMPABLE 0" in err
