"""Print-only password generation, and the holder that keeps a secret out of sight.

Invariants:

* Every character comes from :mod:`secrets` (``secrets.choice`` draws with
  ``randbelow``, which rejection-samples: each alphabet character is equally
  likely, no modulo bias).
* A password is drawn whole and *redrawn whole* until every policy class is
  present (rejection sampling). Forcing one character per class into fixed or
  shuffled positions would make passwords non-uniform over the set of valid
  passwords; redrawing keeps them uniform over exactly that set.
* Length, alphabet and classes come from the :class:`~kiosk.policy.Policy`;
  the generator re-checks them (at least 20 characters, no look-alike
  characters, every class a non-empty subset of the alphabet) because a
  ``Policy`` can be built in code without the file validator.
* A generated password lives only in a :class:`SecretText`: its ``repr`` and
  ``str`` never show it, it refuses to be pickled or copied, and ``wipe()``
  overwrites the buffer it owns. It exists in memory and on the printed sheet
  only (print-only); the terminal never writes it to disk or to the journal.
  Python ``str`` objects made by :meth:`SecretText.reveal` for the renderer
  cannot be wiped; callers drop them as soon as the PDF is built.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from types import TracebackType
from typing import NoReturn

from kiosk.errors import SealroomError
from kiosk.policy import LOOKALIKES, Policy, missing_password_kinds

MIN_LENGTH = 20
MAX_DRAWS = 10_000
GROUP = 4

NATO = {
    "a": "alfa",
    "b": "bravo",
    "c": "charlie",
    "d": "delta",
    "e": "echo",
    "f": "foxtrot",
    "g": "golf",
    "h": "hotel",
    "i": "india",
    "j": "juliett",
    "k": "kilo",
    "l": "lima",
    "m": "mike",
    "n": "november",
    "o": "oscar",
    "p": "papa",
    "q": "quebec",
    "r": "romeo",
    "s": "sierra",
    "t": "tango",
    "u": "uniform",
    "v": "victor",
    "w": "whiskey",
    "x": "x-ray",
    "y": "yankee",
    "z": "zulu",
}
DIGITS = {
    "0": "zero",
    "1": "one",
    "2": "two",
    "3": "three",
    "4": "four",
    "5": "five",
    "6": "six",
    "7": "seven",
    "8": "eight",
    "9": "nine",
}
SYMBOLS = {
    "!": "exclamation",
    '"': "double-quote",
    "#": "hash",
    "$": "dollar",
    "%": "percent",
    "&": "ampersand",
    "'": "apostrophe",
    "(": "open-paren",
    ")": "close-paren",
    "*": "asterisk",
    "+": "plus",
    ",": "comma",
    "-": "hyphen",
    ".": "dot",
    "/": "slash",
    ":": "colon",
    ";": "semicolon",
    "<": "less-than",
    "=": "equals",
    ">": "greater-than",
    "?": "question",
    "@": "at",
    "[": "open-bracket",
    "\\": "backslash",
    "]": "close-bracket",
    "^": "caret",
    "_": "underscore",
    "`": "backtick",
    "{": "open-brace",
    "|": "pipe",
    "}": "close-brace",
    "~": "tilde",
}


class SecretText:
    """A secret string that does not show itself.

    Why a class and not a ``str``: a ``str`` ends up in tracebacks, logs,
    ``repr`` of dataclasses and debugger views. This holder prints as
    ``<secret: 24 characters>``, cannot be pickled or copied (so it cannot be
    queued, cached or written by accident), and can be wiped when the sheet
    has printed. Use it as a context manager to wipe on exit.
    """

    __slots__ = ("_buf", "_wiped")

    def __init__(self, value: str) -> None:
        self._buf = bytearray(value.encode("utf-8"))
        self._wiped = False

    # -- access -------------------------------------------------------------
    def reveal(self) -> str:
        """The secret as a ``str``, for the renderer only. Drop it quickly."""
        if self._wiped:
            raise SealroomError("secret.wiped")
        return self._buf.decode("utf-8")

    def groups(self, size: int = GROUP) -> list[str]:
        """The secret cut into groups of ``size`` characters (last may be shorter)."""
        text = self.reveal()
        return [text[i : i + size] for i in range(0, len(text), size)]

    def __len__(self) -> int:
        return 0 if self._wiped else len(self._buf.decode("utf-8"))

    @property
    def wiped(self) -> bool:
        return self._wiped

    def wipe(self) -> None:
        """Overwrite the buffer this object owns, then forget it."""
        for i in range(len(self._buf)):
            self._buf[i] = 0
        self._buf = bytearray()
        self._wiped = True

    def __enter__(self) -> SecretText:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.wipe()

    # -- never show, never copy ----------------------------------------------
    def __repr__(self) -> str:
        if self._wiped:
            return "<secret: wiped>"
        return f"<secret: {len(self)} characters>"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return repr(self)

    def __reduce__(self) -> NoReturn:
        raise TypeError("a secret cannot be pickled")

    def __copy__(self) -> NoReturn:
        raise TypeError("a secret cannot be copied")

    def __deepcopy__(self, memo: object) -> NoReturn:
        raise TypeError("a secret cannot be copied")

    def __eq__(self, other: object) -> bool:
        """Constant-time comparison with another holder (never with a plain str)."""
        if not isinstance(other, SecretText):
            return NotImplemented
        return secrets.compare_digest(bytes(self._buf), bytes(other._buf))

    __hash__ = None  # type: ignore[assignment]


def _check_policy(policy: Policy) -> None:
    def bad(reason: str) -> SealroomError:
        return SealroomError("password.policy", reason=reason)

    alphabet = policy.password_alphabet
    if policy.password_length < MIN_LENGTH:
        raise bad(f"the length {policy.password_length} is below {MIN_LENGTH}")
    looks = sorted(set(alphabet) & LOOKALIKES)
    if looks:
        raise bad("the alphabet has look-alike characters " + " ".join(looks))
    if len(set(alphabet)) != len(alphabet) or not alphabet:
        raise bad("the alphabet is empty or repeats characters")
    if any(not c.isprintable() or c.isspace() or ord(c) > 126 for c in alphabet):
        raise bad("the alphabet must be printable ASCII without spaces")
    if not policy.password_classes:
        raise bad("no character classes are defined")
    for cls in policy.password_classes:
        if not cls or not set(cls) <= set(alphabet):
            raise bad("a character class is empty or has characters outside the alphabet")
    if len(policy.password_classes) > policy.password_length:
        raise bad("there are more classes than password characters")
    missing = missing_password_kinds(policy.password_classes)
    if missing:
        raise bad(f"no character class of {' or '.join(missing)} (mixed case, numbers, symbols)")


def generate_password(policy: Policy) -> SecretText:
    """A new password, uniform over all policy-valid passwords.

    Raises ``password.policy`` if the policy's password rules are unusable.
    """
    _check_policy(policy)
    alphabet = policy.password_alphabet
    classes = [frozenset(c) for c in policy.password_classes]
    for _ in range(MAX_DRAWS):
        chars = [secrets.choice(alphabet) for _ in range(policy.password_length)]
        present = set(chars)
        if all(present & cls for cls in classes):
            holder = SecretText("".join(chars))
            chars.clear()
            return holder
        chars.clear()
    # With any policy the validator accepts this is astronomically unlikely.
    raise SealroomError("password.policy", reason="classes could not all be satisfied")


def spell(ch: str) -> str:
    """The spoken name of one character: NATO word (case marked), digit or symbol name.

    Capitals are written ``CAPITAL-KILO`` in upper case and small letters
    ``kilo`` in lower case, so the case survives being read over a phone.
    """
    if ch.isascii() and ch.isalpha():
        word = NATO[ch.lower()]
        return "CAPITAL-" + word.upper() if ch.isupper() else word
    if ch in DIGITS:
        return DIGITS[ch]
    if ch in SYMBOLS:
        return SYMBOLS[ch]
    return f"U+{ord(ch):04X}"


def phonetic(text: str) -> list[str]:
    """One spoken name per character of ``text``."""
    return [spell(c) for c in text]


def grouped(text: str, size: int = GROUP, sep: str = " ") -> str:
    """``text`` in groups of ``size`` characters joined by ``sep``."""
    return sep.join(text[i : i + size] for i in range(0, len(text), size))


def iter_groups(secret: SecretText, size: int = GROUP) -> Iterator[tuple[str, list[str]]]:
    """Each group of the secret with its phonetic spelling."""
    for g in secret.groups(size):
        yield g, phonetic(g)
