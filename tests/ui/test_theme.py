"""The theme keeps every text readable: WCAG AA contrast (4.5:1) for every coloured rule.

Disabled controls too, which WCAG exempts: in an incident a person must be
able to read a button that is waiting (e.g. "Record this step" while the
keys are asked) to know what comes next.

Each rule of ``assets/theme.qss`` that sets a text ``color`` or a
background (sub-controls such as ``::indicator`` hold no text) is paired
with the other half: its own, else the same selector's without its state
(``:disabled``...), else its widget type's, else the container's named in
the selector (``QFrame#section QLabel``), else the window's (``QWidget``).
Qt's style-sheet cascade is richer than this; the pairing is the one the
theme is written for (a rule's colours are set together).
"""

from __future__ import annotations

import re

import pytest

from ui.app import ASSETS

AA = 4.5


def _rules() -> list[tuple[str, dict[str, str]]]:
    text = re.sub(r"/\*.*?\*/", "", (ASSETS / "theme.qss").read_text("utf-8"), flags=re.S)
    rules = []
    for selectors, body in re.findall(r"([^{}]+)\{([^}]*)\}", text):
        props = {
            k.strip(): v.strip() for k, v in (p.split(":", 1) for p in body.split(";") if ":" in p)
        }
        for selector in selectors.split(","):
            rules.append((" ".join(selector.split()), props))
    return rules


RULES = _rules()


def _background(selector: str) -> str:
    return _resolve(selector, ("background", "background-color"))


def _colour(selector: str) -> str:
    return _resolve(selector, ("color",))


def _resolve(selector: str, keys: tuple[str, ...]) -> str:
    def own(sel: str) -> str | None:
        for s, props in RULES:
            value = next((props[k] for k in keys if k in props), "")
            if s == sel and value.startswith("#"):
                return value
        return None

    parts = selector.split(" ")
    last = parts[-1]
    stateless = re.sub(r":+[a-z-]+", "", last)
    widget_type = re.sub(r"[#\[].*", "", stateless)
    context = parts[:-1]
    candidates = [selector, " ".join([*context, stateless])]
    if context:
        candidates += [" ".join([*context, "QWidget"]), " ".join([*context, widget_type])]
        candidates.append(context[-1])
    candidates += [widget_type, "QWidget"]
    for candidate in candidates:
        found = own(candidate)
        if found is not None:
            return found
    raise AssertionError(f"no {keys[0]} for {selector}")


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _paints_text(selector: str, props: dict[str, str]) -> bool:
    """A rule that sets a text colour, or a background text is drawn on (not a sub-control)."""
    if props.get("color", "").startswith("#"):
        return True
    background = props.get("background", props.get("background-color", ""))
    return background.startswith("#") and "::" not in selector


COLOURED = [(s, _colour(s)) for s, p in RULES if _paints_text(s, p)]


def test_the_pairing_reads_the_theme() -> None:
    assert len(COLOURED) > 30
    assert _background("QPushButton#secondary:disabled") == "#ffffff"
    assert _background("QFrame#keyPanel QLabel#h2") == "#fff8e1"
    assert _background("QLabel#hint") == "#f4f5f2"
    assert _colour("QPushButton#danger:pressed") == "#ffffff"  # inherited from #danger
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0


@pytest.mark.parametrize(("selector", "colour"), COLOURED, ids=[s for s, _ in COLOURED])
def test_every_text_colour_has_aa_contrast_on_its_background(selector: str, colour: str) -> None:
    background = _background(selector)
    assert contrast(colour, background) >= AA, f"{colour} on {background}"


def test_the_check_fails_a_low_contrast_pair() -> None:
    assert contrast("#f4f5f2", "#8aa7c4") < AA  # the old disabled primary button
    assert contrast("#ffffff", "#d99a96") < AA  # the old disabled danger button (inherited ink)
