"""Every printing/document code has words, and the printer faults are retryable."""

from __future__ import annotations

from kiosk.errors import DeviceError, SealroomError
from kiosk.errors.messages import MESSAGES
from kiosk.paper import printer as printing


def test_every_code_has_a_message_and_the_right_retry_flag() -> None:
    not_retryable = {printing.TOOLS_MISSING, printing.SPOOL_LEFT}
    for code in printing.ERROR_CODES:
        assert code in MESSAGES, code
        assert MESSAGES[code].retryable is (code not in not_retryable), code
    for code in (
        "password.policy",
        "secret.wiped",
        "document.invalid",
        "document.secret_in_code",
        "document.font_missing",
    ):
        assert code in MESSAGES


def test_messages_fill_their_fields() -> None:
    e = DeviceError(printing.TIMEOUT, job="sealroom-7", seconds=120)
    assert "sealroom-7" in e.user_message() and "120 seconds" in e.user_message()
    e2 = SealroomError(
        "document.invalid", document="Envelope label", field="account", reason="is empty"
    )
    assert e2.user_message().startswith("The Envelope label cannot be printed: 'account' is empty.")
    assert "(queue)" not in DeviceError(printing.QUEUE_MISSING, queue="q").user_message()
