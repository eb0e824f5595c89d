"""The installed package, shared by the packaging tests (they run in file order).

``test_media_mount.py`` runs first and ``test_package.py`` last: its final
test purges the package. Installing is done once per session.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "packaging" / "build"
DEBS = sorted(BUILD.glob("sealroom_*_amd64.deb"))
REQUIRED = os.environ.get("SEALROOM_REQUIRE_APPLIANCE") == "1"
SKIP_REASON = "needs root and the package (make package); CI sets SEALROOM_REQUIRE_APPLIANCE=1"
NEEDS_PACKAGE = pytest.mark.skipif(
    not REQUIRED and (not DEBS or os.geteuid() != 0), reason=SKIP_REASON
)


def run(*argv: str, **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, check=False, **kw)  # type: ignore[call-overload, no-any-return]


@pytest.fixture(scope="session")
def installed() -> Iterator[Path]:
    assert DEBS, "no packaging/build/sealroom_*_amd64.deb: run make package"
    assert os.geteuid() == 0, "installing the package needs root"
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    started = time.monotonic()
    done = run("apt-get", "install", "-y", "-q", "--no-install-recommends", str(DEBS[-1]), env=env)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    print(f"\ninstall: {time.monotonic() - started:.1f} s; package {DEBS[-1].stat().st_size} bytes")
    yield DEBS[-1]
