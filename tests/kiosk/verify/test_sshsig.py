"""Our sshsig (PROTOCOL.sshsig) against OpenSSH's own ssh-keygen, both ways."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.verify import sshsig

NS = "sealroom-export"


def _keys(ssh_key: Path) -> tuple[Ed25519PrivateKey, str, bytes]:
    priv = serialization.load_ssh_private_key(ssh_key.read_bytes(), password=None)
    assert isinstance(priv, Ed25519PrivateKey)
    line = ssh_key.with_suffix(".pub").read_text().strip()
    return priv, line, sshsig.parse_public_key(line)


def _ssh_sign(ssh_key: Path, msg: Path, ns: str = NS) -> bytes:
    msg.with_name(msg.name + ".sig").unlink(missing_ok=True)  # ssh-keygen will not overwrite
    subprocess.run(
        ["ssh-keygen", "-q", "-Y", "sign", "-f", str(ssh_key), "-n", ns, str(msg)],
        check=True,
        capture_output=True,
    )
    return msg.with_name(msg.name + ".sig").read_bytes()


def test_ssh_keygen_signature_verifies_and_ours_is_byte_identical(
    ssh_key: Path, tmp_path: Path
) -> None:
    priv, _line, raw = _keys(ssh_key)
    msg = tmp_path / "manifest.json"
    msg.write_bytes(b'{"format":"sealroom-export/1","x":"\xc3\xa9"}')
    theirs = _ssh_sign(ssh_key, msg)
    sshsig.verify(theirs, msg.read_bytes(), NS, raw)
    # Ed25519 is deterministic: same key, message, namespace and hash -> same bytes.
    ours = sshsig.sign(msg.read_bytes(), NS, raw, priv.sign)
    assert ours == theirs


def test_ssh_keygen_verifies_our_signature(ssh_key: Path, tmp_path: Path, tools: Any) -> None:
    priv, line, raw = _keys(ssh_key)
    msg = tmp_path / "m"
    msg.write_bytes(b"hello auditors\n")
    for hash_alg in ("sha512", "sha256"):
        (tmp_path / "m.sig").write_bytes(
            sshsig.sign(msg.read_bytes(), NS, raw, priv.sign, hash_alg)
        )
        (tmp_path / "allowed").write_text(f"kiosk-1 {line}\n")
        with msg.open("rb") as fh:
            out = subprocess.run(
                [
                    "ssh-keygen",
                    "-Y",
                    "verify",
                    "-f",
                    str(tmp_path / "allowed"),
                    "-I",
                    "kiosk-1",
                    "-n",
                    NS,
                    "-s",
                    str(tmp_path / "m.sig"),
                ],
                stdin=fh,
                capture_output=True,
                check=False,
            )
        assert out.returncode == 0, out.stderr
        sshsig.verify((tmp_path / "m.sig").read_bytes(), msg.read_bytes(), NS, raw)


def test_wrong_namespace_key_or_message_are_refused(ssh_key: Path, tmp_path: Path) -> None:
    _priv, _line, raw = _keys(ssh_key)
    msg = tmp_path / "m"
    msg.write_bytes(b"data")
    sig = _ssh_sign(ssh_key, msg, ns="file")
    with pytest.raises(sshsig.SshSigError, match="namespace"):
        sshsig.verify(sig, b"data", NS, raw)
    sig = _ssh_sign(ssh_key, msg)
    with pytest.raises(sshsig.SshSigError, match="does not verify"):
        sshsig.verify(sig, b"data!", NS, raw)
    other = Ed25519PrivateKey.generate().public_key().public_bytes_raw()
    with pytest.raises(sshsig.SshSigError, match="another key"):
        sshsig.verify(sig, b"data", NS, other)


def test_every_changed_byte_of_a_signature_file_is_refused(ssh_key: Path, tmp_path: Path) -> None:
    """The verifier's strict armor: no byte of the file is without meaning."""
    _priv, _line, raw = _keys(ssh_key)
    msg = tmp_path / "m"
    msg.write_bytes(b"manifest")
    sig = _ssh_sign(ssh_key, msg)
    for pos in range(len(sig)):
        for delta in (1, 0x20, 0x80):
            b = bytearray(sig)
            b[pos] ^= delta
            with pytest.raises(sshsig.SshSigError):
                sshsig.verify(bytes(b), b"manifest", NS, raw)
    # Truncated or extended files too.
    for cut in range(0, len(sig) - 1, 7):
        with pytest.raises(sshsig.SshSigError):
            sshsig.verify(sig[:cut], b"manifest", NS, raw)
    with pytest.raises(sshsig.SshSigError):
        sshsig.verify(sig + b"\n", b"manifest", NS, raw)
