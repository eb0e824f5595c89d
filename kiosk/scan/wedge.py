"""Telling a keyboard-wedge scan from a person typing.

Most handheld scanners present themselves as a USB keyboard and "type" what
they read, a few milliseconds per key, usually followed by Return or Tab.
The UI must deliver such a scan as ONE event and must never let its
characters reach whatever field had focus. This module is the pure decision
logic; the Qt event filter (``ui/``) feeds it key presses and obeys it.

How the UI uses it (hold back, then release or swallow)::

    outputs = detector.feed(KeyEvent(t_ms, text, key, auto_repeat, ref=qt_event))
    for out in outputs:
        if isinstance(out, Release):   # typing after all: replay these keys, in order
            ...
        elif isinstance(out, Scan):    # swallow out.keys; emit one scan event with out.text
            ...
    # while detector.deadline_ms() is not None, arm a timer and then call
    # detector.poll(now_ms) -- a quiet gap ends the burst

Every printable key is *held* at first, because any key may be the first of
a scan. Holding costs a person at most ``max_interkey_ms`` (35 ms by default)
of latency per key, which nobody notices.

Rules (``max_interkey_ms``, ``min_length`` and ``terminator`` come from the
policy's ``[scanner]`` section):

- A *burst* is a run of character keys each at most ``max_interkey_ms``
  after the previous one. Modifier keys (Shift, which scanners send for upper
  case) are held like characters -- they may start a burst -- but do not
  count towards its length.
- A burst is a **scan** when it has at least ``min_length`` characters.
- An auto-repeated key (a key held down repeats at scanner-like speed) is
  never held: it is a person's, so it ends the burst like a special key.
- A scan ends at the configured terminator (Return/Enter or Tab), which is
  swallowed with it; at another Return/Enter/Tab, also swallowed but flagged
  ``as_configured=False``; at any other special key (not swallowed: it is
  released right after: a person's Backspace or a held-down key); or at a
  quiet gap longer than ``max_interkey_ms``.
  A scan ended by a quiet gap when the policy expects a terminator is still a
  scan (``as_configured=False``): a person cannot type ``min_length`` keys at
  scanner speed, so treating it as typing would only leak scanned text.
- Anything else is **typing** and is released in order: short bursts (also
  when followed by Return: "ab<Return>" typed quickly is typing), short
  bursts broken by a special key such as Backspace or by an auto-repeat.

Invariants (fuzzed in the tests):

- every key fed comes out exactly once, in the order fed, either in a
  :class:`Release` or in a :class:`Scan` (or is still :attr:`holding`);
- a :class:`Scan` has at least ``min_length`` characters, unless it is an
  overflow part (``overflow=True``);
- a held burst never exceeds ``max_scan_chars`` characters: a longer burst
  is cut into parts flagged ``overflow=True`` -- all swallowed, none typed --
  so the caller reports an over-long scan instead of buffering without end.

When a person's keystroke lands within ``max_interkey_ms`` just before a
scan starts, it becomes part of the scan (and the parser will refuse the
scan). That is deliberate: when in doubt, swallow rather than leak.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kiosk.policy import TERMINATORS, Policy

#: Keys that may end a scan. "Enter" is the keypad Enter many scanners send.
END_KEYS = frozenset({"Return", "Enter", "Tab"})
_TERMINATOR_KEYS = {
    "Return": frozenset({"Return", "Enter"}),
    "Tab": frozenset({"Tab"}),
    "none": frozenset[str](),
}
#: Keys that type nothing by themselves and may appear inside a scan.
MODIFIER_KEYS = frozenset(
    {"Shift", "Control", "Alt", "AltGr", "Meta", "Super", "CapsLock", "NumLock"}
)
DEFAULT_MAX_SCAN_CHARS = 1024


@dataclass(frozen=True)
class KeyEvent:
    """One key press as the UI saw it.

    ``text`` is what the key would type ("" for keys that type nothing);
    ``key`` names special keys (``"Return"``, ``"Enter"``, ``"Tab"``,
    ``"Backspace"``, ``"Shift"``, ...; "" for plain character keys);
    ``ref`` is opaque to this module (the UI keeps its own event there so it
    can replay it) and is ignored by equality.
    """

    t_ms: int
    text: str = ""
    key: str = ""
    auto_repeat: bool = False
    ref: object = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Scan:
    """A scan: deliver ``text`` as one event and swallow every key in ``keys``."""

    text: str
    keys: tuple[KeyEvent, ...]
    started_ms: int
    ended_ms: int
    terminator: str | None
    as_configured: bool
    overflow: bool = False


@dataclass(frozen=True)
class Release:
    """Typing after all: give ``keys`` to the focused widget, in order.

    ``reason`` says why (for logs and tests): ``"key"`` a key that is never
    held, ``"repeat"`` an auto-repeated key (alone or ending a short burst),
    ``"short"`` a burst below ``min_length``, ``"special"`` a short burst
    broken by a special key.
    """

    keys: tuple[KeyEvent, ...]
    reason: str


Output = Scan | Release


class WedgeDetector:
    """Stateful burst detector; pure, and clocked only by the events' ``t_ms``.

    Not thread-safe: feed it from one thread (the GUI thread).
    """

    def __init__(
        self,
        *,
        max_interkey_ms: int,
        min_length: int,
        terminator: str,
        max_scan_chars: int = DEFAULT_MAX_SCAN_CHARS,
    ) -> None:
        if terminator not in TERMINATORS:
            raise ValueError(f"terminator must be one of {TERMINATORS}")
        if max_interkey_ms < 1 or min_length < 1 or max_scan_chars < min_length:
            raise ValueError("max_interkey_ms and min_length must be >= 1, cap >= min_length")
        self.max_interkey_ms = max_interkey_ms
        self.min_length = min_length
        self.terminator = terminator
        self.max_scan_chars = max_scan_chars
        self._ends_as_configured = _TERMINATOR_KEYS[terminator]
        self._buf: list[KeyEvent] = []
        self._chars = 0
        self._last_t: int | None = None  # time of the last key of the current burst
        self._continuation = False  # the burst continues an overflowed scan

    @classmethod
    def from_policy(cls, policy: Policy) -> WedgeDetector:
        return cls(
            max_interkey_ms=policy.scanner_max_interkey_ms,
            min_length=policy.scanner_min_length,
            terminator=policy.scanner_terminator,
        )

    # -- state the UI may look at ---------------------------------------

    @property
    def holding(self) -> tuple[KeyEvent, ...]:
        """Keys held back, not yet released or swallowed."""
        return tuple(self._buf)

    def deadline_ms(self) -> int | None:
        """When to call :meth:`poll` next (None: nothing pending)."""
        if self._last_t is None:
            return None
        return self._last_t + self.max_interkey_ms + 1

    # -- input ------------------------------------------------------------

    def feed(self, ev: KeyEvent) -> list[Output]:
        """Take one key press; return what to do with held keys now."""
        out: list[Output] = []
        if self._last_t is not None and ev.t_ms - self._last_t > self.max_interkey_ms:
            out += self._end(None)
        kind = _classify(ev)
        if self._last_t is None:
            if kind == "char":
                self._start()
                self._add(ev)
                out += self._check_overflow()
            elif kind == "modifier":  # a scanner's Shift before its first capital
                self._start()
                self._buf.append(ev)
                self._last_t = ev.t_ms
            else:
                out.append(Release((ev,), _breaker_reason(ev)))
            return out
        if kind == "char":
            self._add(ev)
            out += self._check_overflow()
        elif kind == "modifier":
            self._buf.append(ev)
            self._last_t = ev.t_ms
        elif kind == "end":
            out += self._end(ev)
        else:
            out += self._end(None, breaker=ev)
        return out

    def poll(self, now_ms: int) -> list[Output]:
        """Call when :meth:`deadline_ms` has passed: a quiet gap ends the burst."""
        if self._last_t is not None and now_ms - self._last_t > self.max_interkey_ms:
            return self._end(None)
        return []

    def flush(self) -> list[Output]:
        """End the current burst now (focus change, screen change, shutdown)."""
        if self._last_t is None:
            return []
        return self._end(None)

    # -- internals ----------------------------------------------------------

    def _start(self) -> None:
        self._buf = []
        self._chars = 0

    def _add(self, ev: KeyEvent) -> None:
        self._buf.append(ev)
        self._chars += len(ev.text)
        self._last_t = ev.t_ms

    def _qualifies(self) -> bool:
        return self._continuation or self._chars >= self.min_length

    def _reset(self) -> None:
        self._buf = []
        self._chars = 0
        self._last_t = None
        self._continuation = False

    def _scan(self, keys: tuple[KeyEvent, ...], terminator: str | None, overflow: bool) -> Scan:
        if terminator is None:
            as_configured = self.terminator == "none"
        else:
            as_configured = terminator in self._ends_as_configured
        return Scan(
            text="".join(k.text for k in keys if _classify(k) == "char"),
            keys=keys,
            started_ms=keys[0].t_ms,
            ended_ms=keys[-1].t_ms,
            terminator=terminator,
            as_configured=as_configured,
            overflow=overflow,
        )

    def _end(self, end: KeyEvent | None, breaker: KeyEvent | None = None) -> list[Output]:
        """Resolve the burst: ``end`` is a Return/Enter/Tab, ``breaker`` another key."""
        out: list[Output] = []
        keys = tuple(self._buf)
        overflow = self._continuation
        if self._qualifies():
            if end is not None:
                out.append(self._scan((*keys, end), end.key, overflow))
            elif keys:
                out.append(self._scan(keys, None, overflow))
            if breaker is not None:
                out.append(Release((breaker,), _breaker_reason(breaker)))
        else:
            extra = tuple(k for k in (end, breaker) if k is not None)
            if breaker is not None and breaker.auto_repeat:
                reason = "repeat"
            elif breaker is not None:
                reason = "special"
            else:
                reason = "short"
            if keys or extra:
                out.append(Release((*keys, *extra), reason))
        self._reset()
        return out

    def _check_overflow(self) -> list[Output]:
        if self._chars < self.max_scan_chars:
            return []
        # Swallow what we have as an over-long scan part; the burst goes on.
        last_t = self._last_t
        part = self._scan(tuple(self._buf), None, overflow=True)
        self._start()
        self._continuation = True
        self._last_t = last_t
        return [part]


def _classify(ev: KeyEvent) -> str:
    if ev.key in END_KEYS:
        return "end"
    if ev.key in MODIFIER_KEYS:
        return "modifier"
    if ev.text and ev.text.isprintable() and not ev.auto_repeat:
        return "char"
    return "special"


def _breaker_reason(ev: KeyEvent) -> str:
    return "repeat" if ev.auto_repeat else "key"
