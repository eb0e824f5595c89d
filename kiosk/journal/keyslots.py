"""The key-slot file: the database key, wrapped once per way of unlocking.

The journal's SQLCipher key is 256 random bits that nobody ever types. It is
stored only wrapped (AES-256-GCM) in ``keyslots.json`` next to the database,
once per *slot*:

* ``passphrase`` — the recovery passphrase printed at commissioning and
  sealed in the safe, stretched with Argon2id (memory-hard);
* ``fido2-hmac-secret`` — one per enrolled security-key credential, wrapped
  with a key derived (HKDF-SHA-256) from the credential's hmac-secret output
  for a per-slot salt; so any one custodian's touch + PIN unlocks, and losing
  a key loses nothing.

Invariants:

* every slot's header (kind, id, KDF parameters, salts, journal id) is the
  AES-GCM associated data, so a slot cannot be edited or moved to another
  journal without failing authentication;
* the file carries a SHA-256 ``check`` of its content, so accidental damage
  is told apart from a wrong passphrase;
* the file is replaced atomically (temporary file, fsync, rename, fsync of
  the directory): a crash leaves the old or the new file, never half of one;
* a failed unlock changes nothing on disk.
"""

from __future__ import annotations

import json
import secrets
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from kiosk.errors import KeySlotError
from kiosk.format.canonical import H, b64u, b64u_decode, canon
from kiosk.journal.durable import atomic_write

FORMAT = "sealroom-keyslots/1"
KIND_PASSPHRASE = "passphrase"  # noqa: S105 - a slot kind, not a secret
KIND_FIDO2 = "fido2-hmac-secret"

# Recovery passphrases: 8 groups of 4 from 25 unambiguous symbols (~148 bits).
PASSPHRASE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY3479"  # noqa: S105 - the alphabet only
PASSPHRASE_GROUPS = 8
PASSPHRASE_GROUP_LEN = 4


@dataclass(frozen=True)
class Argon2Params:
    """Argon2id cost. The default takes about a second on the terminal."""

    memory_kib: int = 262144
    iterations: int = 3
    lanes: int = 4

    def to_json(self) -> dict[str, int]:
        return {"memory_kib": self.memory_kib, "iterations": self.iterations, "lanes": self.lanes}


FAST_TEST_PARAMS = Argon2Params(memory_kib=8192, iterations=1, lanes=1)


def new_database_key() -> bytes:
    return secrets.token_bytes(32)


def generate_passphrase() -> str:
    """A recovery passphrase, grouped for reading aloud and typing."""
    groups = [
        "".join(secrets.choice(PASSPHRASE_ALPHABET) for _ in range(PASSPHRASE_GROUP_LEN))
        for _ in range(PASSPHRASE_GROUPS)
    ]
    return "-".join(groups)


def normalise_passphrase(text: str) -> bytes:
    """Spaces, dashes and case do not matter; look-alikes are not in the alphabet."""
    folded = unicodedata.normalize("NFKC", text).upper()
    return "".join(c for c in folded if c not in " -\t\n").encode("utf-8")


def _argon(params: Argon2Params, salt: bytes, passphrase: bytes) -> bytes:
    return Argon2id(
        salt=salt,
        length=32,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_cost=params.memory_kib,
    ).derive(passphrase)


def _hkdf(secret: bytes, slot_id: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=None,
        info=b"sealroom keyslot|" + slot_id.encode(),
    ).derive(secret)


def _aad(journal_id: str, header: Mapping[str, Any]) -> bytes:
    return canon({"format": FORMAT, "journal_id": journal_id, "slot": dict(header)})


@dataclass
class KeySlots:
    """An in-memory key-slot file. Mutations are saved with :meth:`save`."""

    path: Path
    journal_id: str
    slots: list[dict[str, Any]]

    # ------------------------------------------------------------------ io
    @staticmethod
    def create(path: Path, journal_id: str) -> KeySlots:
        return KeySlots(path, journal_id, [])

    @staticmethod
    def load(path: Path) -> KeySlots:
        try:
            raw = path.read_bytes()
        except FileNotFoundError as exc:
            raise KeySlotError("keyslot.missing", path=str(path)) from exc
        except OSError as exc:
            raise KeySlotError("keyslot.damaged", reason=exc.strerror or "unreadable") from exc
        try:
            doc = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise KeySlotError("keyslot.damaged", reason="it is not valid JSON") from exc
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise KeySlotError("keyslot.damaged", reason="it is not a Sealroom key-slot file")
        check = doc.pop("check", None)
        try:
            ok = check == H(canon(doc))
        except ValueError:
            ok = False
        if not ok:
            raise KeySlotError("keyslot.damaged", reason="its checksum does not match its content")
        slots = doc.get("slots")
        journal_id = doc.get("journal_id")
        if not isinstance(slots, list) or not isinstance(journal_id, str) or not slots:
            raise KeySlotError("keyslot.damaged", reason="it holds no slots")
        for s in slots:
            if not isinstance(s, dict) or not {"id", "kind", "nonce", "ciphertext"} <= s.keys():
                raise KeySlotError("keyslot.damaged", reason="a slot is incomplete")
        return KeySlots(path, journal_id, slots)

    def to_bytes(self) -> bytes:
        doc: dict[str, Any] = {"format": FORMAT, "journal_id": self.journal_id, "slots": self.slots}
        doc["check"] = H(canon(doc))
        return canon(doc) + b"\n"

    def save(self) -> None:
        atomic_write(self.path, self.to_bytes(), mode=0o600)

    # --------------------------------------------------------------- slots
    def _seal(self, header: dict[str, Any], wrapping_key: bytes, db_key: bytes) -> None:
        nonce = secrets.token_bytes(12)
        ct = AESGCM(wrapping_key).encrypt(nonce, db_key, _aad(self.journal_id, header))
        slot = dict(header, nonce=b64u(nonce), ciphertext=b64u(ct))
        self.slots = [s for s in self.slots if s.get("id") != header["id"]] + [slot]

    def _open(self, slot: Mapping[str, Any], wrapping_key: bytes) -> bytes:
        header = {k: v for k, v in slot.items() if k not in ("nonce", "ciphertext")}
        try:
            nonce = b64u_decode(slot["nonce"])
            ct = b64u_decode(slot["ciphertext"])
        except (ValueError, TypeError) as exc:
            raise KeySlotError("keyslot.damaged", reason="a slot is not well formed") from exc
        return AESGCM(wrapping_key).decrypt(nonce, ct, _aad(self.journal_id, header))

    def add_passphrase(
        self, db_key: bytes, passphrase: str, params: Argon2Params | None = None
    ) -> None:
        p = params or Argon2Params()
        salt = secrets.token_bytes(16)
        header = {
            "id": "recovery",
            "kind": KIND_PASSPHRASE,
            "kdf": dict(p.to_json(), name="argon2id", salt=b64u(salt)),
        }
        self._seal(header, _argon(p, salt, normalise_passphrase(passphrase)), db_key)

    def open_with_passphrase(self, passphrase: str) -> bytes:
        slot = next((s for s in self.slots if s.get("kind") == KIND_PASSPHRASE), None)
        if slot is None:
            raise KeySlotError("keyslot.no_slot", kind=KIND_PASSPHRASE)
        kdf = slot.get("kdf")
        try:
            if not isinstance(kdf, dict) or kdf.get("name") != "argon2id":
                raise ValueError("unknown KDF")
            params = Argon2Params(int(kdf["memory_kib"]), int(kdf["iterations"]), int(kdf["lanes"]))
            salt = b64u_decode(kdf["salt"])
        except (KeyError, TypeError, ValueError) as exc:
            raise KeySlotError(
                "keyslot.damaged", reason="the passphrase slot is not well formed"
            ) from exc
        try:
            return self._open(slot, _argon(params, salt, normalise_passphrase(passphrase)))
        except InvalidTag as exc:
            raise KeySlotError("keyslot.wrong_passphrase") from exc

    def fido2_salt(self, credential_id: bytes) -> bytes | None:
        slot = self.fido2_slot(credential_id)
        return b64u_decode(slot["salt"]) if slot else None

    def fido2_slot(self, credential_id: bytes) -> dict[str, Any] | None:
        cid = b64u(credential_id)
        return next(
            (
                s
                for s in self.slots
                if s.get("kind") == KIND_FIDO2 and s.get("credential_id") == cid
            ),
            None,
        )

    def fido2_credentials(self) -> list[tuple[bytes, bytes]]:
        """(credential id, hmac-secret salt) of every security-key slot."""
        out = []
        for s in self.slots:
            if s.get("kind") == KIND_FIDO2:
                try:
                    out.append((b64u_decode(s["credential_id"]), b64u_decode(s["salt"])))
                except (KeyError, TypeError, ValueError) as exc:
                    raise KeySlotError(
                        "keyslot.damaged", reason="a key slot is not well formed"
                    ) from exc
        return out

    @staticmethod
    def new_fido2_salt() -> bytes:
        return secrets.token_bytes(32)

    def add_fido2(
        self, db_key: bytes, credential_id: bytes, rp_id: str, salt: bytes, secret: bytes
    ) -> None:
        """Wrap the key with a credential's hmac-secret output for ``salt``."""
        slot_id = "fido2:" + b64u(credential_id)
        header = {
            "id": slot_id,
            "kind": KIND_FIDO2,
            "credential_id": b64u(credential_id),
            "rp_id": rp_id,
            "salt": b64u(salt),
        }
        self._seal(header, _hkdf(secret, slot_id), db_key)

    def open_with_fido2(self, credential_id: bytes, secret: bytes) -> bytes:
        slot = self.fido2_slot(credential_id)
        if slot is None:
            raise KeySlotError("keyslot.no_slot", kind=KIND_FIDO2)
        try:
            return self._open(slot, _hkdf(secret, str(slot["id"])))
        except InvalidTag as exc:
            raise KeySlotError("keyslot.fido2_mismatch") from exc

    def remove_fido2(self, credential_id: bytes) -> None:
        cid = b64u(credential_id)
        remaining = [s for s in self.slots if s.get("credential_id") != cid]
        if not any(s.get("kind") == KIND_PASSPHRASE for s in remaining):
            raise KeySlotError("keyslot.last_slot")
        self.slots = remaining


def wipe(buf: bytearray) -> None:
    """Overwrite a mutable key buffer (best effort in Python)."""
    for i in range(len(buf)):
        buf[i] = 0


__all__ = [
    "FAST_TEST_PARAMS",
    "Argon2Params",
    "KeySlots",
    "generate_passphrase",
    "new_database_key",
    "normalise_passphrase",
]
