"""python-fido2 and OS failures of a key operation, as Sealroom error codes.

Why: a screen must say *what* went wrong in the custodian's words (the key
was pulled out, nobody touched it, the PIN is blocked...), never a raw CTAP
status or a Python exception text. :func:`translated` wraps every operation.

Invariants:

* Cancel: a ``threading.Event`` set from any thread stops the operation (the
  key is sent CTAPHID_CANCEL) and raises :class:`kiosk.errors.CancelledError`.
* python-fido2 and OS exceptions never leave an operation raw: each is mapped
  to a ``fido.*`` code (unplugged, time-out, blocked PIN, bad answer...).
"""

from __future__ import annotations

import contextlib
import logging
import struct
import threading
from collections.abc import Iterator, Mapping
from typing import Final, NoReturn

from fido2.client import ClientError, PinRequiredError
from fido2.ctap import CtapError
from fido2.hid import ConnectionFailure

from hardware.fido.pin import MAX_PIN_BYTES, MIN_PIN_LENGTH
from hardware.fido.prompts import Prompts
from kiosk.errors import ApprovalError, CancelledError, DeviceError, SealroomError

logger = logging.getLogger(__name__)

ERR = CtapError.ERR


_CTAP_CODES: Final[Mapping[int, tuple[type[SealroomError], str]]] = {
    ERR.USER_ACTION_TIMEOUT: (ApprovalError, "fido.touch_timeout"),
    ERR.ACTION_TIMEOUT: (ApprovalError, "fido.touch_timeout"),
    ERR.PIN_BLOCKED: (ApprovalError, "fido.pin_blocked"),
    ERR.PIN_AUTH_BLOCKED: (ApprovalError, "fido.pin_power_cycle"),
    ERR.PIN_NOT_SET: (ApprovalError, "fido.pin_not_set"),
    ERR.PUAT_REQUIRED: (ApprovalError, "fido.pin_not_set"),
    ERR.NO_CREDENTIALS: (ApprovalError, "fido.no_credential"),
    ERR.CREDENTIAL_EXCLUDED: (ApprovalError, "fido.already_enrolled"),
    ERR.OPERATION_DENIED: (ApprovalError, "fido.denied"),
    ERR.PIN_POLICY_VIOLATION: (ApprovalError, "fido.pin_policy"),
}


def _from_ctap(code: int, cancel: threading.Event, prompts: Prompts) -> NoReturn:
    """A CTAP2 status the key answered, as the error the custodian is shown."""
    if code == ERR.KEEPALIVE_CANCEL or cancel.is_set():
        raise CancelledError()
    if code == ERR.PIN_BLOCKED:
        prompts.pin_blocked()
    if code == ERR.UNSUPPORTED_ALGORITHM:
        raise ApprovalError("fido.unsupported", feature="ES256 or EdDSA")
    if code == ERR.PIN_POLICY_VIOLATION:
        raise ApprovalError("fido.pin_policy", min_len=MIN_PIN_LENGTH, max_len=MAX_PIN_BYTES)
    known = _CTAP_CODES.get(code)
    if known is not None:
        raise known[0](known[1])
    raise DeviceError("fido.error", ctap_code=f"0x{code:02X}")


@contextlib.contextmanager
def translated(cancel: threading.Event, prompts: Prompts) -> Iterator[None]:
    """Map python-fido2 / OS failures to Sealroom error codes (never raw text)."""
    try:
        yield
    except SealroomError:
        raise
    except PinRequiredError:
        raise CancelledError() from None
    except ClientError as exc:
        cause = exc.cause
        if isinstance(cause, CtapError):
            _from_ctap(cause.code, cancel, prompts)
        if cancel.is_set():
            raise CancelledError() from None
        if exc.code == ClientError.ERR.TIMEOUT:
            raise ApprovalError("fido.touch_timeout") from None
        if exc.code == ClientError.ERR.DEVICE_INELIGIBLE:
            raise ApprovalError("fido.no_credential") from None
        if exc.code == ClientError.ERR.CONFIGURATION_UNSUPPORTED:
            raise ApprovalError("fido.unsupported", feature="user verification") from None
        raise DeviceError("fido.error", ctap_code=exc.code.name) from None
    except CtapError as exc:
        _from_ctap(exc.code, cancel, prompts)
    except (OSError, struct.error, ConnectionFailure) as exc:
        logger.info("security key link failed: %s", type(exc).__name__)
        raise DeviceError("fido.unplugged") from None
    except (ValueError, IndexError, KeyError, TypeError) as exc:
        # Raised by python-fido2 while decoding what the key sent (CBOR,
        # authenticator data, extension outputs): the answer is unreadable.
        logger.info("unreadable security-key answer: %s", type(exc).__name__)
        raise DeviceError("fido.bad_response") from None
