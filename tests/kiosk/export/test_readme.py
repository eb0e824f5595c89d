"""A bundle's README.txt is enough to verify it by hand: its own lines, run on a real bundle.

The auditor may have nothing but the bundle, OpenSSH, sha256sum, Python 3
and the terminal identity sheet (the key's fingerprint). These tests take
the command lines and the chain check out of a real bundle's README.txt —
as printed there, not from the code that writes them — run them in the
bundle directory, and check they pass on the real bundle and fail on a
changed journal and on a bundle re-signed with another key.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from kiosk.export.content import SHELL_LINES
from kiosk.format.canonical import canon
from kiosk.terminal.lifecycle import ssh_fingerprint
from kiosk.verify import sshsig
from kiosk.verify.manifest import NAMESPACE

COMMANDS = ("python3 -c", "ssh-keygen", "echo ", "sha256sum")


def _copy(real_bundle: Any, tmp_path: Path) -> Path:
    d = tmp_path / real_bundle.path.name
    shutil.copytree(real_bundle.path, d)
    return d


def _readme_parts(d: Path) -> tuple[list[str], str]:
    """The README's shell lines (steps 1-3) and its chain check (step 4), as printed."""
    lines = (d / "README.txt").read_text(encoding="utf-8").splitlines()
    shell = [x.strip() for x in lines if x.startswith("     ") and x.strip().startswith(COMMANDS)]
    first = lines.index("     import hashlib, json")
    last = next(i for i, x in enumerate(lines) if x.startswith('     print("chain OK'))
    code = "\n".join(x[5:] for x in lines[first : last + 1]) + "\n"
    return shell, code


def _sh(line: str, d: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", line], cwd=d, capture_output=True, text=True, check=False, timeout=60
    )


def _chain(code: str, d: Path) -> subprocess.CompletedProcess[str]:
    (d / "chain.py").write_text(code, encoding="utf-8")
    return subprocess.run(
        ["python3", "chain.py"], cwd=d, capture_output=True, text=True, check=False, timeout=60
    )


def test_the_readme_commands_verify_a_real_bundle(real_bundle: Any, tmp_path: Path) -> None:
    d = _copy(real_bundle, tmp_path)
    kid = real_bundle.kiosk_id
    sheet = ssh_fingerprint(real_bundle.public_line)  # what the identity sheet prints
    shell, code = _readme_parts(d)
    assert shell == [line.format(kiosk_id=kid) for line in SHELL_LINES]
    readme = (d / "README.txt").read_text(encoding="utf-8")
    assert "cat kiosk.pub" not in readme and "export-format.md" not in readme
    assert "terminal identity sheet" in readme

    out = [_sh(line, d) for line in shell]
    for line, done in zip(shell, out, strict=True):
        assert done.returncode == 0, (line, done.stdout, done.stderr)
    # 1. The fingerprint of the key the manifest names, to compare with the sheet.
    assert (d / "bundle-key.pub").read_text().strip() == real_bundle.public_line
    assert out[1].stdout.split()[1] == sheet
    # 2. OpenSSH's own verdict on the signature.
    assert f'Good "sealroom-export" signature for {kid} with ED25519 key {sheet}' in out[3].stdout
    # 3. The hashes, by eye and mechanically.
    manifest = json.loads((d / "manifest.json").read_bytes())
    by_eye = dict(reversed(x.split("  ", 1)) for x in out[4].stdout.splitlines())
    assert by_eye == manifest["files"]
    assert sorted(out[5].stdout.splitlines()) == sorted(f"{n}: OK" for n in manifest["files"])
    # 4. The chain check prints the manifest's head.
    done = _chain(code, d)
    assert done.returncode == 0, done.stderr
    head = manifest["head"]
    assert done.stdout.split() == ["chain", "OK:", "head", str(head["seq"]), head["hash"]]
    assert f"head {head['seq']}:{head['hash']}" in readme


def test_the_readme_checks_refuse_a_changed_journal(real_bundle: Any, tmp_path: Path) -> None:
    d = _copy(real_bundle, tmp_path)
    shell, code = _readme_parts(d)
    lines = (d / "journal.jsonl").read_bytes().splitlines()
    entry = json.loads(lines[5])
    entry["data"]["changed"] = "afterwards"
    lines[5] = canon(entry)
    (d / "journal.jsonl").write_bytes(b"".join(x + b"\n" for x in lines))
    assert _sh(shell[5], d).returncode != 0  # sha256sum -c: journal.jsonl FAILED
    done = _chain(code, d)
    assert done.returncode != 0 and "entry 6: hash" in done.stderr


def test_the_readme_shows_a_bundle_signed_by_another_key(real_bundle: Any, tmp_path: Path) -> None:
    """Re-signed by someone else, it passes ssh-keygen with its own key: step 1 catches it."""
    d = _copy(real_bundle, tmp_path)
    shell, code = _readme_parts(d)
    manifest = json.loads((d / "manifest.json").read_bytes())
    manifest["kiosk_key"] = real_bundle.other_key_line
    blob = canon(manifest)
    (d / "manifest.json").write_bytes(blob)
    raw = sshsig.parse_public_key(real_bundle.other_key_line)
    (d / "manifest.json.sig").write_bytes(sshsig.sign(blob, NAMESPACE, raw, real_bundle.other_sign))
    out = [_sh(line, d) for line in shell[:4]]
    assert out[1].stdout.split()[1] == ssh_fingerprint(real_bundle.other_key_line)
    assert out[1].stdout.split()[1] != ssh_fingerprint(real_bundle.public_line)  # not the sheet's
    assert out[3].returncode == 0  # the signature itself is good: only the fingerprint tells
    done = _chain(code, d)
    assert done.returncode != 0 and "another key" in done.stderr
