"""Run something under cage's headless backend as a non-root user, and take screenshots.

cage refuses to run as root, so the tests run it as the given user (the
package's ``sealroom`` user, or ``nobody``) through ``setpriv``, with a
private XDG_RUNTIME_DIR, the headless backend, no input devices and the
pixman renderer (as in the unit: no OpenGL).
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path


def env_for(runtime: Path) -> dict[str, str]:
    return {
        "PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
        "HOME": str(runtime.parent),
        "XDG_RUNTIME_DIR": str(runtime),
        "WLR_BACKENDS": "headless",
        "WLR_LIBINPUT_NO_DEVICES": "1",
        "WLR_RENDERER": "pixman",
        "QT_QPA_PLATFORM": "wayland",
        "LANG": "C.UTF-8",
    }


def as_user(user: str, argv: Sequence[str]) -> list[str]:
    return ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", *argv]


def prepare(root: Path, user: str) -> Path:
    """A runtime directory 0700 owned by ``user`` under ``root``."""
    runtime = root / "xdg"
    runtime.mkdir(parents=True)
    shutil.chown(root, user, user)
    shutil.chown(runtime, user, user)
    runtime.chmod(0o700)
    return runtime


def start_cage(
    user: str, runtime: Path, client: Sequence[str], log: Path
) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            as_user(user, ["cage", "-d", "--", *client]),
            env=env_for(runtime),
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def screenshot(user: str, runtime: Path, out: Path, wait: float = 60.0) -> None:
    """grim of cage's output once the socket is there (retried while the client starts)."""
    env = env_for(runtime) | {"WAYLAND_DISPLAY": "wayland-0"}
    deadline = time.monotonic() + wait
    while True:
        done = subprocess.run(
            as_user(user, ["grim", str(out)]), env=env, capture_output=True, check=False
        )
        if done.returncode == 0 and out.exists():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"grim failed: {done.stderr.decode(errors='replace')}")
        time.sleep(1)


def colours(png: Path) -> int:
    """How many distinct colours the screenshot has (a blank output has one)."""
    from PIL import Image

    with Image.open(png) as im:
        return len(im.convert("RGB").getcolors(maxcolors=1 << 20) or [])


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.kill()
        proc.wait(10)
