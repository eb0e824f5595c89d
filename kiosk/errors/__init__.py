"""One error hierarchy for the whole product.

Every failure that can reach a person is a :class:`SealroomError` carrying a
stable ``code`` and a few *non-secret* parameters. The words a person reads
live in one table, :data:`kiosk.errors.messages.MESSAGES`, keyed by that code: what
happened, and what to do next. Screens never show ``repr(e)``; they show
:meth:`SealroomError.user_message`.

Why codes and a table rather than strings at the raise site: the same failure
is raised from several layers (journal, verifier, devices), the words must be
consistent and translatable, and a test can check that every code has words.

Parameters must never hold a password, PIN, passphrase or key: the
constructor refuses parameter names that look like one, so a careless raise
cannot leak a secret into a log or onto the screen.
"""

from __future__ import annotations

from typing import Any

from kiosk.errors.secret_names import looks_secret


class SealroomError(Exception):
    """Base of every error a person may be told about."""

    code: str = "internal"

    def __init__(self, code: str | None = None, /, **params: Any) -> None:
        if code is not None:
            self.code = code
        for name in params:
            if looks_secret(name):
                raise ValueError(f"refusing to put a secret-looking parameter {name!r} in an error")
        self.params: dict[str, Any] = params
        super().__init__(self.user_message())

    def user_message(self) -> str:
        """The sentence(s) shown to a person: what happened, then what to do."""
        from kiosk.errors.messages import render

        return render(self.code, self.params)

    @property
    def retryable(self) -> bool:
        from kiosk.errors.messages import is_retryable

        return is_retryable(self.code)


class PolicyError(SealroomError):
    """The policy file is missing, malformed or has a value out of range."""

    code = "policy.invalid"


class JournalError(SealroomError):
    """The journal cannot be opened, written or trusted."""

    code = "journal.error"


class JournalIntegrityError(JournalError):
    """The chain does not verify; ``params['seq']`` names the first bad entry."""

    code = "journal.integrity"


class JournalBusyError(JournalError):
    """Another entry is waiting for signatures; nothing else may be appended."""

    code = "journal.busy"


class PayloadError(JournalError):
    """An entry's data does not match its kind's schema."""

    code = "payload.invalid"


class TransitionError(SealroomError):
    """An action that the state of envelopes, accounts or people forbids."""

    code = "transition.illegal"


class KeySlotError(SealroomError):
    """The key-slot file is damaged, or no slot could be opened."""

    code = "keyslot.error"


class ApprovalError(SealroomError):
    """A security-key approval was refused."""

    code = "approval.refused"


class DeviceError(SealroomError):
    """A device (security key, scanner, printer, USB stick) failed."""

    code = "device.error"


class ScanError(SealroomError):
    """A scanned code was refused."""

    code = "scan.invalid"


class ExportError(SealroomError):
    """An audit export could not be written."""

    code = "export.failed"


class CancelledError(SealroomError):
    """A person cancelled a long operation."""

    code = "cancelled"
