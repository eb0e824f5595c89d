"""The verifier runs in a bare Python with only its runtime dependencies.

A new virtualenv (no pip, no system site-packages) gets exactly what
``pip install cryptography`` installs — cryptography, its cffi and
pycparser — linked from the project's venv (no network), plus a copy of the
``kiosk`` package alone: no ``hardware``, no ``ui``, no PySide6, fido2,
reportlab, sqlcipher3 or msgspec exist there. ``python -m kiosk.verify``
must import and verify a hand-built bundle.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path
from typing import Any

import cffi
import cryptography
import pycparser

REPO = Path(__file__).resolve().parents[3]


def test_verify_in_a_bare_venv(builder: Any, tmp_path: Path) -> None:
    env_dir = tmp_path / "bare"
    venv.EnvBuilder(with_pip=False, system_site_packages=False).create(env_dir)
    python = env_dir / "bin" / "python"
    deps = tmp_path / "deps"
    deps.mkdir()
    for mod in (cryptography, cffi, pycparser):
        src = Path(mod.__file__).parent  # type: ignore[arg-type]
        os.symlink(src, deps / src.name)
    site = Path(sysconfig.get_paths()["platlib"])
    for so in site.glob("_cffi_backend*.so"):
        os.symlink(so, deps / so.name)
    shutil.copytree(REPO / "kiosk", deps / "kiosk", ignore=shutil.ignore_patterns("__pycache__"))
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(deps), "PYTHONNOUSERSITE": "1"}

    probe = (
        "import sys, kiosk.verify, kiosk.verify.cli\n"
        "heavy = {'PySide6', 'hardware', 'ui', 'fido2', 'reportlab', 'sqlcipher3', 'qrcode',\n"
        "         'msgspec'}\n"
        "assert not heavy & {m.split('.')[0] for m in sys.modules}, sys.modules.keys()\n"
        "for name in heavy:\n"
        "    try:\n"
        "        __import__(name)\n"
        "    except ImportError:\n"
        "        continue\n"
        "    raise SystemExit(name + ' is importable: the environment is not bare')\n"
        "print('bare ok')\n"
    )
    out = subprocess.run(
        [str(python), "-c", probe], env=env, capture_output=True, text=True, cwd=tmp_path
    )
    assert out.returncode == 0, out.stderr
    assert "bare ok" in out.stdout

    bundle = builder.write(tmp_path / "stick")
    pub = builder.ssh_key.with_suffix(".pub")
    out = subprocess.run(
        [str(python), "-m", "kiosk.verify", str(bundle), "--kiosk-key", str(pub), "--json"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr + out.stdout
    assert '"verified": true' in out.stdout
    (bundle / "manifest.json.sig").unlink()
    out = subprocess.run(
        [str(python), "-m", "kiosk.verify", str(bundle)],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert out.returncode == 1 and "unfinished export" in out.stdout
    assert sys.version_info >= (3, 11)
