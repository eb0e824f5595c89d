"""A witness of the journal's head that the terminal's files cannot rewind: a TPM counter.

The key-slot file records the journal head after every write, authenticated
with a key derived from the database key (``head.py``). That catches a
journal restored from an older copy, or a key-slot file restored from one,
as long as the two were not restored *together*: a copy of the whole data
directory is consistent with itself. What catches that is something outside
the directory that only goes up: a TPM 2.0 NV counter. The journal
increments it after every write and records its value with the head; a
counter ahead of the recorded value (by more than the one increment a crash
can leave unrecorded) means the files were rolled back.

The core defines only this small interface; ``hardware/tpm.py`` implements
it with ``tpm2-pytss`` (and a test starts ``swtpm`` for it). Whoever opens
the journal hands in a :class:`Witness`: the policy's setting and this
machine's counter, if it has one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Protocol

from kiosk.policy.model import TPM_MODES


class MonotonicCounter(Protocol):
    """A counter that only goes up, kept where the data directory's owner cannot rewind it.

    Every method raises :class:`kiosk.errors.DeviceError` when the device
    cannot be reached or refuses; never returns a guessed value.
    """

    @property
    def index(self) -> int:
        """Where the counter lives (a TPM NV index handle), recorded in the key-slot file."""
        ...

    def provision(self) -> int:
        """Make the counter exist (commissioning) and return its value."""
        ...

    def read(self) -> int:
        """The counter's value; raises if it does not exist."""
        ...

    def increment(self) -> int:
        """Add one, durably, and return the new value."""
        ...


@dataclass(frozen=True)
class Witness:
    """What the opener of a journal hands in: the policy's TPM setting and this machine's counter.

    ``counter`` is ``None`` on a machine without a TPM. The default (no
    counter, ``if-present``) binds nothing and refuses a journal that is
    bound: a caller that forgets to hand in the TPM fails closed.
    """

    #: the policy's ``[tamper] tpm`` (:data:`kiosk.policy.model.TPM_MODES`)
    mode: str = "if-present"
    counter: MonotonicCounter | None = None

    def __post_init__(self) -> None:
        if self.mode not in TPM_MODES:
            raise ValueError(f"unknown TPM mode {self.mode!r}")


NO_TPM: Final = Witness()

__all__ = ["NO_TPM", "TPM_MODES", "MonotonicCounter", "Witness"]
