"""The policy: what a validated policy file holds, and the values it may take.

The policy is one TOML file (defaults in ``assets/policy.toml``), read and
validated by :mod:`kiosk.policy.load`, the one place a :class:`Policy` is
made, once every rule of the reader passed. Its ``sha256`` (of the file's
exact bytes) is written into ``journal.genesis`` and into every
``policy.changed`` entry, so an auditor can tell which rules were in force.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from kiosk.format.clock import DEFAULT_CLOCK_TOLERANCE_MINUTES
from kiosk.policy.patterns import CompiledPattern, compile_pattern

KIOSK_ID_RE = re.compile(r"^[a-z0-9-]{1,40}$")
LOOKALIKES = frozenset("0Oo1lI|5S2Z8B")
CHECK_DIGITS = ("none", "luhn", "iso7064_mod97_10")
TERMINATORS = ("Return", "Tab", "none")
DEVICE_KINDS = ("security-key", "scanner", "export-media", "printer")
#: What a network interface that is up does to an unlock (``[airgap] on_network``).
AIRGAP_ACTIONS = ("refuse", "alert")
#: ``[terminal] clock_tolerance_minutes``: how far the clock may move against
#: the time that really passed before two custodians must confirm it
#: (:mod:`kiosk.journal.clockwatch`). Optional in the file: a policy written
#: before the setting existed keeps its meaning (and its hash).
#: More than a day would let a wrong date through unconfirmed.
MAX_CLOCK_TOLERANCE_MINUTES = 24 * 60
#: The counter witness's margin when the policy sets none (see ``assets/policy.toml``).
DEFAULT_COUNTER_MARGIN = 256
#: ``[incident]`` (issue 19), every key optional so that a policy written before
#: it keeps its meaning (and its hash). Why each exists: docs/guide/custodians.md.
#: The longest an access session may stay open before it is alerted and the
#: documentation and approver-notice clocks start anyway.
DEFAULT_SESSION_MAX_MINUTES = 120
#: The auditors' verifier judges a session that records no limit by this one:
#: the policy may shorten it, never lengthen it.
MAX_SESSION_MAX_MINUTES = 240
#: Security acknowledges the alert of every opening within this time.
DEFAULT_OPENING_ACK_MINUTES = 60
MAX_OPENING_ACK_MINUTES = 240
#: A time typed in more than this many minutes before it was recorded is marked
#: and flagged; the verifier flags anything beyond the maximum.
DEFAULT_BACKDATE_TOLERANCE_MINUTES = 5
MAX_BACKDATE_TOLERANCE_MINUTES = 10


#: Issue 18's settings, optional in the file (a policy written before them keeps its
#: meaning and hash): two copies of each credential; destruction methods that leave
#: nothing legible; superseded copies destroyed within a week; the reset verified
#: within three days.
DEFAULT_ENVELOPE_COPIES = 2
DEFAULT_DESTRUCTION_METHODS = ("cross-cut shredder", "pulping", "incineration")
DEFAULT_SUPERSEDED_DESTROY_DAYS = 7
DEFAULT_VERIFICATION_HOURS = 72
#: ``[backup] every_days`` when absent
DEFAULT_BACKUP_EVERY_DAYS = 7


def _is_symbol(c: str) -> bool:
    return c.isascii() and c.isprintable() and not c.isalnum() and not c.isspace()


#: What a break-glass password must mix ("at least 20 characters with mixed
#: case, numbers, and symbols"): each needs a character class of its own,
#: since a generated password holds a character of every class.
PASSWORD_KINDS: dict[str, Callable[[str], bool]] = {
    "lower-case letters": lambda c: c.isascii() and c.islower(),
    "upper-case letters": lambda c: c.isascii() and c.isupper(),
    "digits": lambda c: c.isascii() and c.isdigit(),
    "symbols": _is_symbol,
}


def missing_password_kinds(classes: Sequence[str]) -> list[str]:
    """The kinds in :data:`PASSWORD_KINDS` that no class consists of."""
    return [
        kind
        for kind, test in PASSWORD_KINDS.items()
        if not any(cls and all(test(ch) for ch in cls) for cls in classes)
    ]


#: ``[tamper] tpm``: binding the journal's head to a TPM 2.0 NV counter.
#: ``required`` — commissioning binds it and refuses without a TPM; unlock
#: refuses without the TPM or without the binding; ``if-present`` —
#: commissioning binds it when the machine has a TPM; ``off`` — commissioning
#: binds none. A journal once bound is checked in every mode.
TPM_MODES = ("required", "if-present", "off")


@dataclass(frozen=True)
class Approver:
    name: str
    role: str
    contact: str


@dataclass(frozen=True)
class DeviceRule:
    kind: str
    usb_class: int | None = None
    vendor: int | None = None
    product: int | None = None

    def matches(self, usb_class: int | None, vendor: int, product: int) -> bool:
        return (
            (self.usb_class is None or self.usb_class == usb_class)
            and (self.vendor is None or self.vendor == vendor)
            and (self.product is None or self.product == product)
        )


@dataclass(frozen=True)
class Policy:
    """A validated policy. ``sha256`` is the hash of the file's exact bytes."""

    sha256: str
    source: str
    kiosk_id: str
    timezone: str
    idle_lock_seconds: int
    rp_id: str
    uv_required: bool
    witness_required: bool
    approvers: tuple[Approver, ...]
    approver_attempts_minutes: int
    approver_notice_minutes: int
    solo_signoff_minutes: int
    documentation_minutes: int
    review_business_days: int
    drill_interval_days: int
    checkout_limit_minutes: int
    rotation_hours: int
    retention_years: int
    calendar_country: str
    calendar_subdivision: str | None
    serial_pattern: str
    check_digit: str
    password_length: int
    password_alphabet: str
    password_classes: tuple[str, ...]
    print_queue: str
    print_timeout_seconds: int
    scanner_max_interkey_ms: int
    scanner_min_length: int
    scanner_terminator: str
    devices: tuple[DeviceRule, ...] = field(default_factory=tuple)
    #: ``refuse``: no unlock while a network interface is up; ``alert``: alert only
    airgap_on_network: str = "refuse"
    clock_tolerance_minutes: int = DEFAULT_CLOCK_TOLERANCE_MINUTES
    #: ``[tamper] tpm``: whether the journal's head is bound to a TPM counter
    #: (``required``, ``if-present``, ``off``; see ``kiosk/journal/witness.py``)
    tamper_tpm: str = "if-present"
    #: how far a key's signature counter may be ahead of its last journaled use at
    #: unlock before the counter witness alerts (``[approval] counter_margin``)
    counter_margin: int = DEFAULT_COUNTER_MARGIN
    #: ``[envelopes] copies``: sheets (one password) sealed per sealing, each in its own bag
    envelope_copies: int = DEFAULT_ENVELOPE_COPIES
    #: ``[envelopes] destruction_methods``: how sheets and bags may be destroyed
    destruction_methods: tuple[str, ...] = DEFAULT_DESTRUCTION_METHODS
    #: ``[envelopes] superseded_destroy_days``: a superseded envelope is destroyed within
    superseded_destroy_days: int = DEFAULT_SUPERSEDED_DESTROY_DAYS
    #: ``[deadlines] verification_hours``: the test retrieval after a reset, within
    verification_hours: int = DEFAULT_VERIFICATION_HOURS
    #: ``[incident] session_max_minutes``: an access session open longer is alerted
    session_max_minutes: int = DEFAULT_SESSION_MAX_MINUTES
    #: ``[incident] opening_ack_minutes``: security acknowledges an opening within it
    opening_ack_minutes: int = DEFAULT_OPENING_ACK_MINUTES
    #: ``[incident] backdate_tolerance_minutes``: older typed-in times are flagged
    backdate_tolerance_minutes: int = DEFAULT_BACKDATE_TOLERANCE_MINUTES
    #: ``[incident] solo_signoff_first``: solo access waits for the executive's
    #: sign-off before the check-out (the procedure lets retrieval proceed)
    solo_signoff_first: bool = False
    #: ``[backup] medium``: the label of the backup medium (a stick in the safe, or a
    #: second disk); sealed backups go only to this medium once registered (issue 21)
    backup_medium: str | None = None
    #: ``[backup] every_days``: a backup is due at least this often (issue 21)
    backup_every_days: int = DEFAULT_BACKUP_EVERY_DAYS
    #: ``[backup] path``: where the medium is always mounted (a second disk), so the
    #: terminal writes each backup itself the moment it is due; ``None``: a stick
    #: kept in the safe, brought out and plugged in by a person (issue 21)
    backup_path: str | None = None
    #: ``[envelopes] token_in_envelope``: whether an account's FIDO2 security key
    #: (its second factor) is sealed in the envelope with the credential sheet;
    #: the sheet's contents line and its sealing steps say the same
    #: (``hardware/printing/credentials.py``)
    token_in_envelope: bool = False

    @property
    def serial_regex(self) -> CompiledPattern:
        """The serial pattern, compiled by the linear-time engine (:mod:`kiosk.policy.patterns`)."""
        return compile_pattern(self.serial_pattern)

    @property
    def calendar(self) -> dict[str, str]:
        """The business-day calendar as the journal records it (genesis ``calendar``).

        With the terminal's time zone: a business day is the organisation's
        local day, and the auditors' verifier must count the same days.
        """
        out = {"country": self.calendar_country}
        if self.calendar_subdivision:
            out["subdivision"] = self.calendar_subdivision
        out["timezone"] = self.timezone
        return out
