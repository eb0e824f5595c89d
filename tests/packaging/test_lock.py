"""packaging/requirements.lock covers pyproject.toml: the package is built from the lock.

The package build installs the application with ``--no-deps`` from a wheelhouse
made from the lock, so a dependency added to pyproject.toml without ``make
lock`` is missing from the terminal and fails only when it runs (CI once saw
"No module named re2" from the installed venv). This runs in every test run, so
such a change fails here, before any package is built; ``build-venv.sh`` also
refuses to build such a package (``pip check`` and the ``tpm`` extra).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: The extra the terminal installs (the TPM counter witness); test and dev are not shipped.
SHIPPED_EXTRAS = ("tpm",)


def _name(requirement: str) -> str:
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    assert match, requirement
    return re.sub(r"[-_.]+", "-", match.group(1)).lower()


def test_every_shipped_dependency_is_pinned_with_hashes_in_the_lock() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = [*project["dependencies"]]
    for extra in SHIPPED_EXTRAS:
        wanted += project["optional-dependencies"][extra]
    lock = (ROOT / "packaging" / "requirements.lock").read_text(encoding="utf-8")
    pinned = {_name(m) for m in re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==", lock, re.M)}
    missing = sorted({_name(r) for r in wanted} - pinned)
    assert not missing, f"not in packaging/requirements.lock (run make lock): {missing}"
    # Every pin carries its hashes (pip --require-hashes refuses a lock without them).
    blocks = re.split(r"\n(?=[A-Za-z0-9])", lock.split("\n", 1)[1])
    unhashed = [b.split()[0] for b in blocks if "==" in b and "--hash=sha256:" not in b]
    assert not unhashed, unhashed
