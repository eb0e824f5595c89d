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


#: cage's flags for a screenshot that shows what a real screen shows: the output
#: turned twice by 90 degrees (180), which grim turns back upright. Why: when the
#: output's transform is the surface's (the default), cage 0.1.4 hands the
#: full-screen window's buffer straight to the output ("direct scan-out",
#: ``scan_out_primary_view`` in its output.c) instead of compositing it; wlroots
#: 0.15's headless output accepts any buffer of its size, and grim then copies a
#: frame cage composited before, when the window still had its first, smaller
#: buffer (853x482 for the kiosk). With another transform cage skips the scan-out
#: and composites every frame, as it must on a real (DRM) output, which cannot
#: scan out Qt's shared-memory buffers: the window then covers the whole output.
#: The unit runs cage without this flag (on a real screen it would turn the picture
#: upside down).
COMPOSITED = ("-r", "-r")


def start_cage(
    user: str,
    runtime: Path,
    client: Sequence[str],
    log: Path,
    flags: Sequence[str] = (),
) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            as_user(user, ["cage", "-d", *flags, "--", *client]),
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


def uncovered(png: Path) -> float:
    """The share of the output left black: cage's background, where no window is drawn."""
    from PIL import Image

    with Image.open(png) as im:
        rgb = im.convert("RGB")
        colours = rgb.getcolors(maxcolors=1 << 24) or []
        black = sum(count for count, colour in colours if colour == (0, 0, 0))
        return black / (rgb.width * rgb.height)


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.kill()
        proc.wait(10)
