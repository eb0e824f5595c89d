"""Recognise names that would carry a secret.

The journal, errors and logs refuse any field whose *name* says it carries a
password, PIN, passphrase, secret or private key. Names are split into words
(snake_case, kebab-case, dotted and camelCase) so ``pin_retries`` and
``privateKey`` are caught while ``shipping`` or ``spinner`` are not.
"""

from __future__ import annotations

import functools
import re

SECRET_WORDS = frozenset(
    {"password", "passwd", "pwd", "pin", "passphrase", "secret", "private", "privkey"}
)

_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])")


def name_words(name: str) -> list[str]:
    """Split an identifier into lower-case words."""
    return [w.lower() for w in _SPLIT.split(name) if w]


@functools.lru_cache(maxsize=4096)
def looks_secret(name: str) -> bool:
    """True when a field or parameter name says it holds a secret.

    Memoised: the same few hundred field names are asked about for every
    entry of every walk of the journal (a pure function of the name).
    """
    words = name_words(name)
    if any(w in SECRET_WORDS for w in words):
        return True
    joined = "".join(words)
    return any(joined.startswith(w) and len(w) > 3 for w in ("password", "passphrase", "secret"))
