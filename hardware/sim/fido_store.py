"""The simulated security key's flash memory: credentials, PIN verifier, counters.

FOR TESTS AND THE DEMO ONLY. This file format is the persistent memory of a
*simulated* FIDO2 authenticator (:mod:`hardware.sim.authenticator`). It holds
the simulated credentials' private keys and hmac-secret seeds in the clear, by
design, exactly as a real key holds them in its secure element. It never holds
a PIN: only a salted PBKDF2 of the PIN's 16-byte CTAP hash (a real key keeps
the bare hash), plus the retry counter. Nothing in the product reads it.

Invariants:

* In-memory when ``path`` is ``None``; otherwise every change is written
  atomically (temporary file, ``fsync``, ``os.replace``) with mode 0600, so a
  crash mid-write leaves the previous state, never a torn file.
* A state file that cannot be read raises :class:`StoreCorrupt` instead of
  silently starting an empty key (which would look like a lost credential).
* The record is versioned (``format``); unknown formats are refused.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import os
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

FORMAT: Final = "sealroom-sim-fido/1"
MAX_PIN_RETRIES: Final = 8
#: PBKDF2 rounds over the PIN hash. Deliberately modest: this is a simulator,
#: and the whole test suite enrols and approves many times (a few ms each).
PIN_KDF_ROUNDS: Final = 2_000


class StoreCorrupt(Exception):
    """The simulated key's state file exists but cannot be read."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text.encode("ascii"))


@dataclass
class StoredCredential:
    """One credential as the simulated key keeps it (non-resident)."""

    credential_id: bytes
    rp_id: str
    alg: int
    private_key_pkcs8: bytes
    user_id: bytes
    hmac_secret: bool = False
    cred_random_uv: bytes = b""
    cred_random_no_uv: bytes = b""

    def to_json(self) -> dict[str, Any]:
        return {
            "id": _b64(self.credential_id),
            "rp_id": self.rp_id,
            "alg": self.alg,
            "key": _b64(self.private_key_pkcs8),
            "user_id": _b64(self.user_id),
            "hmac_secret": self.hmac_secret,
            "cr_uv": _b64(self.cred_random_uv),
            "cr_no_uv": _b64(self.cred_random_no_uv),
        }

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> StoredCredential:
        return cls(
            credential_id=_unb64(obj["id"]),
            rp_id=str(obj["rp_id"]),
            alg=int(obj["alg"]),
            private_key_pkcs8=_unb64(obj["key"]),
            user_id=_unb64(obj["user_id"]),
            hmac_secret=bool(obj["hmac_secret"]),
            cred_random_uv=_unb64(obj["cr_uv"]),
            cred_random_no_uv=_unb64(obj["cr_no_uv"]),
        )


@dataclass
class PinVerifier:
    """Salted PBKDF2 of LEFT(SHA-256(PIN), 16): enough to check, not to recover."""

    salt: bytes
    rounds: int
    digest: bytes

    @classmethod
    def create(cls, pin_hash16: bytes, rounds: int = PIN_KDF_ROUNDS) -> PinVerifier:
        salt = os.urandom(16)
        return cls(salt, rounds, hashlib.pbkdf2_hmac("sha256", pin_hash16, salt, rounds))

    def matches(self, pin_hash16: bytes) -> bool:
        candidate = hashlib.pbkdf2_hmac("sha256", pin_hash16, self.salt, self.rounds)
        return hmac.compare_digest(candidate, self.digest)


@dataclass
class KeyState:
    """Everything a simulated key remembers across power cycles."""

    aaguid: bytes = field(default_factory=lambda: uuid.uuid4().bytes)
    sign_count: int = 0
    pin: PinVerifier | None = None
    pin_retries: int = MAX_PIN_RETRIES
    credentials: list[StoredCredential] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        pin = None
        if self.pin is not None:
            pin = {
                "salt": _b64(self.pin.salt),
                "rounds": self.pin.rounds,
                "digest": _b64(self.pin.digest),
            }
        return {
            "format": FORMAT,
            "aaguid": str(uuid.UUID(bytes=self.aaguid)),
            "sign_count": self.sign_count,
            "pin_verifier": pin,
            "pin_retries": self.pin_retries,
            "credentials": [c.to_json() for c in self.credentials],
        }

    @classmethod
    def from_json(cls, obj: Any) -> KeyState:
        if not isinstance(obj, dict) or obj.get("format") != FORMAT:
            raise StoreCorrupt("not a simulated-key state file")
        pin_obj = obj.get("pin_verifier")
        pin = None
        if pin_obj is not None:
            pin = PinVerifier(
                _unb64(pin_obj["salt"]), int(pin_obj["rounds"]), _unb64(pin_obj["digest"])
            )
        return cls(
            aaguid=uuid.UUID(obj["aaguid"]).bytes,
            sign_count=int(obj["sign_count"]),
            pin=pin,
            pin_retries=int(obj["pin_retries"]),
            credentials=[StoredCredential.from_json(c) for c in obj["credentials"]],
        )


class FidoStore:
    """Loads and saves one simulated key's :class:`KeyState`.

    Records each save in :attr:`saves` (a count) so tests can check that a
    state change reached the file.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self.saves = 0
        if self.path is not None and self.path.exists():
            try:
                self.state = KeyState.from_json(json.loads(self.path.read_text("utf-8")))
            except (OSError, ValueError, KeyError, TypeError) as exc:
                raise StoreCorrupt(f"cannot read {self.path.name}") from exc
        else:
            self.state = KeyState()
            self.save()

    def save(self) -> None:
        """Write the state atomically (no-op when in memory)."""
        self.saves += 1
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = json.dumps(self.state.to_json(), indent=1, sort_keys=True).encode("utf-8")
        fd, tmp = tempfile.mkstemp(prefix=".simkey-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def wipe(self) -> None:
        """authenticatorReset: forget credentials and PIN, keep the AAGUID."""
        self.state = KeyState(aaguid=self.state.aaguid, sign_count=0)
        self.save()


__all__ = [
    "FORMAT",
    "MAX_PIN_RETRIES",
    "FidoStore",
    "KeyState",
    "PinVerifier",
    "StoreCorrupt",
    "StoredCredential",
]
