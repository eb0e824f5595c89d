"""Journal entries exactly as ``spec/export-format.md`` sections 2-3 define them.

Invariants (every function here keeps them):

* an entry's line is ``canon(entry)`` where entry has the seven fields
  ``attest, data, hash, kind, prev, seq, ts``;
* ``digest = SHA-256(canon({seq, ts, kind, data, prev}))`` — what security
  keys sign (the WebAuthn challenge);
* ``hash = H(canon({seq, ts, kind, data, prev, attest}))`` — so the chain
  covers the signatures, and each signature is bound to its position;
* ``prev`` of seq 1 is 64 zeros; of seq n it is the ``hash`` of seq n-1;
* ``seq`` runs 1, 2, 3… with no gap; ``ts`` never decreases.

:func:`check_chain` is the one implementation of those checks. The journal's
own ``verify()`` and the auditors' bundle verifier both call it, so the
terminal can never accept a chain the auditors would reject.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from kiosk.format.canonical import MAX_SAFE_INT, H, canon, canon_unchecked
from kiosk.format.clock import is_ts

GENESIS_PREV = "0" * 64
#: Amendment 1 (section 7): a line longer than this (without its newline) is an error.
MAX_LINE = 1 << 20
#: Amendment 1 (section 7): JSON nested deeper than this many arrays/objects is an error.
MAX_DEPTH = 64
ENTRY_FIELDS = frozenset({"seq", "ts", "kind", "data", "prev", "attest", "hash"})
_HEX64 = re.compile(r"[0-9a-f]{64}")


#: A JSON string (skipped whole) or one bracket; what :func:`too_deep` counts.
_STRING_OR_BRACKET = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)


def too_deep(raw: bytes, limit: int = MAX_DEPTH) -> bool:
    """True if the JSON text ``raw`` nests arrays and objects deeper than ``limit``.

    Python's ``json`` parser recurses once per level, so a line of a few
    thousand ``[`` raises ``RecursionError`` instead of a clear error. This
    counts the brackets outside strings in a loop (no recursion); text that
    is not JSON may be over-counted, which only refuses what parsing would.
    """
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return False  # the common case, at the speed of bytes.count
    depth = 0
    for m in _STRING_OR_BRACKET.finditer(raw):
        token = m.group()
        if token in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        elif token in (b"]", b"}"):
            depth -= 1
    return False


def is_hex64(value: object) -> bool:
    return isinstance(value, str) and _HEX64.fullmatch(value) is not None


def body_of(seq: int, ts: str, kind: str, data: dict[str, Any], prev: str) -> dict[str, Any]:
    return {"seq": seq, "ts": ts, "kind": kind, "data": data, "prev": prev}


def digest_of(body: dict[str, Any]) -> bytes:
    """The 32 bytes a custodian's key signs for this entry."""
    return hashlib.sha256(canon(body)).digest()


@dataclass(frozen=True)
class Entry:
    seq: int
    ts: str
    kind: str
    data: dict[str, Any]
    prev: str
    attest: tuple[dict[str, Any], ...] = field(default_factory=tuple)
    hash: str = ""

    @property
    def body(self) -> dict[str, Any]:
        return body_of(self.seq, self.ts, self.kind, self.data, self.prev)

    @property
    def digest(self) -> bytes:
        return digest_of(self.body)

    def computed_hash(self) -> str:
        obj = dict(self.body, attest=list(self.attest))
        return hashlib.sha256(canon(obj)).hexdigest()

    def sealed(self) -> Entry:
        """This entry with its ``hash`` field filled in."""
        return Entry(
            self.seq, self.ts, self.kind, self.data, self.prev, self.attest, self.computed_hash()
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "ts": self.ts,
            "kind": self.kind,
            "data": self.data,
            "prev": self.prev,
            "attest": list(self.attest),
            "hash": self.hash,
        }

    def line(self) -> bytes:
        """``canon(entry)`` without the trailing newline."""
        return canon(self.to_json())

    @staticmethod
    def from_json(obj: dict[str, Any]) -> Entry:
        return Entry(
            obj["seq"],
            obj["ts"],
            obj["kind"],
            obj["data"],
            obj["prev"],
            tuple(obj["attest"]),
            obj["hash"],
        )


@dataclass(frozen=True)
class ChainProblem:
    """The first thing wrong with a chain: which entry (seq and line number) and what."""

    seq: int
    line: int
    reason: str


@dataclass
class ChainResult:
    """How far a chain checked out: its last good seq and hash, or its first problem."""

    entries: int = 0
    head_hash: str = GENESIS_PREV
    problem: ChainProblem | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


class _OutsideCanonicalError(ValueError):
    """Valid JSON that canonical JSON cannot carry (spec section 2)."""


def _refuse_float(text: str) -> Any:
    raise ValueError(f"number {text} is not an integer")


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _safe_int(text: str) -> int:
    value = int(text)
    if not -MAX_SAFE_INT < value < MAX_SAFE_INT:
        raise _OutsideCanonicalError(f"integer {text} is outside ±2**53")
    return value


#: The JSON reader of a line: integers below 2**53 only (no floats, NaN, Infinity).
_DECODER = json.JSONDecoder(
    parse_int=_safe_int, parse_float=_refuse_float, parse_constant=_refuse_constant
)


def _parse(raw: bytes) -> Any:
    """The JSON value of a line (UTF-8; numbers as :data:`_DECODER` allows)."""
    return _DECODER.decode(raw.decode("utf-8"))


def check_line(raw: bytes, expect_seq: int, prev_hash: str, prev_ts: str | None) -> Entry | str:
    """Check one line against spec sections 2-3; return the entry, or the reason it is bad.

    ``prev_hash`` and ``prev_ts`` are the hash and ts of the entry before
    (``GENESIS_PREV`` and None for seq 1). In order: the line is at most
    :data:`MAX_LINE` bytes and nests at most :data:`MAX_DEPTH` levels
    (Amendment 1: an error, never a crash), parses, has the
    seven fields with the right types, is exactly ``canon`` of what it holds,
    follows the entry before (seq, prev, ts), and its ``hash`` is
    ``H(canon({seq, ts, kind, data, prev, attest}))``.
    """
    if type(raw) is not bytes:
        # A journal row rewritten as text or a number (lines are stored as BLOBs).
        return f"is stored as {type(raw).__name__}, not as the bytes of a line"
    if len(raw) > MAX_LINE:
        return f"is longer than 1 MiB ({len(raw)} bytes or more)"
    if too_deep(raw):
        return f"holds JSON nested deeper than {MAX_DEPTH} levels"
    try:
        obj = _parse(raw)
    except _OutsideCanonicalError as exc:
        return f"holds a value outside canonical JSON ({exc})"
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        return f"is not valid JSON or holds a non-integer number ({exc})"
    if not isinstance(obj, dict):
        return "is not a JSON object"
    if obj.keys() != ENTRY_FIELDS:
        missing = sorted(ENTRY_FIELDS - obj.keys())
        extra = sorted(obj.keys() - ENTRY_FIELDS)
        return f"has the wrong fields (missing {missing}, unexpected {extra})"
    seq, ts, kind, data = obj["seq"], obj["ts"], obj["kind"], obj["data"]
    prev, attest, hsh = obj["prev"], obj["attest"], obj["hash"]
    if type(seq) is not int:
        return "has a seq that is not an integer"
    if seq != expect_seq:
        return f"has seq {seq} where {expect_seq} was expected (gap or repeat)"
    if not is_ts(ts):
        return f"has a malformed ts {ts!r}"
    if not isinstance(kind, str) or not kind:
        return "has no kind"
    if not isinstance(data, dict):
        return "has data that is not an object"
    if not isinstance(attest, list) or not all(isinstance(a, dict) for a in attest):
        return "has attest that is not a list of objects"
    if not is_hex64(prev) or not is_hex64(hsh):
        return "has a prev or hash that is not 64 lower-case hex digits"
    # Parsing refused every number canonical JSON cannot carry; what is left
    # is a lone surrogate (from a \ud800 escape), which UTF-8 cannot encode.
    try:
        canonical = canon_unchecked(obj) == raw
    except UnicodeEncodeError:
        return "holds a value outside canonical JSON (a string holds a lone surrogate)"
    if not canonical:
        return "is not in canonical form"
    if prev != prev_hash:
        return "does not chain: prev is not the hash of the entry before"
    if prev_ts is not None and ts < prev_ts:
        return f"has ts {ts} earlier than the entry before ({prev_ts})"
    hashed = {name: value for name, value in obj.items() if name != "hash"}
    if H(canon_unchecked(hashed)) != hsh:
        return "has a hash that does not match its content"
    return Entry(seq, ts, kind, data, prev, tuple(attest), hsh)


def check_chain(
    lines: Iterable[bytes], on_entry: Callable[[Entry], str | None] | None = None
) -> ChainResult:
    """Check a whole chain from seq 1, line by line, stopping at the first problem.

    ``on_entry(entry)`` is called for each good entry (e.g. to replay the
    state or check attestations); if it returns a string, that string is
    reported as the problem with that entry and checking stops.
    """
    result = ChainResult()
    prev_ts: str | None = None
    for no, raw in enumerate(lines, start=1):
        checked = check_line(raw, no, result.head_hash, prev_ts)
        if isinstance(checked, str):
            result.problem = ChainProblem(no, no, checked)
            return result
        if on_entry is not None:
            complaint = on_entry(checked)
            if isinstance(complaint, str):
                result.problem = ChainProblem(no, no, complaint)
                return result
        result.entries, result.head_hash, prev_ts = no, checked.hash, checked.ts
    return result


def iter_jsonl(blob: bytes) -> Iterator[bytes]:
    """Lines of a ``journal.jsonl`` file; every line must end with ``\\n``."""
    if not blob:
        return
    if not blob.endswith(b"\n"):
        raise ValueError("the last line does not end with a newline (truncated file?)")
    yield from blob[:-1].split(b"\n")
