"""Password generation and the secret holder (kiosk/paper/passwords.py)."""

from __future__ import annotations

import copy
import dataclasses
import pickle
import string
from collections import Counter

import pytest

from kiosk.errors import SealroomError
from kiosk.paper.passwords import SecretText, generate_password, grouped, phonetic, spell
from kiosk.policy import LOOKALIKES, load_policy

POLICY = load_policy()


def _chi2(counts: Counter[str], symbols: str) -> float:
    total = sum(counts[c] for c in symbols)
    expected = total / len(symbols)
    return sum((counts[c] - expected) ** 2 / expected for c in symbols)


def test_length_alphabet_and_every_class_present() -> None:
    for _ in range(300):
        with generate_password(POLICY) as secret:
            pw = secret.reveal()
        assert len(pw) == POLICY.password_length >= 20
        assert set(pw) <= set(POLICY.password_alphabet)
        assert not set(pw) & LOOKALIKES
        for cls in POLICY.password_classes:
            assert set(pw) & set(cls), f"class {cls!r} missing"


def test_characters_uniform_within_each_class() -> None:
    """No modulo bias: inside a class every character is equally likely.

    Rejection sampling on the class rule shifts weight *between* classes but
    keeps every character of one class exchangeable, so a chi-square test per
    class must pass. A ``byte % len(alphabet)`` generator makes the first
    characters ~25 % likelier and fails by a wide margin. The bound is the
    df=23 chi-square at p≈1e-6 (false alarm about one run in a million).
    """
    counts: Counter[str] = Counter()
    for _ in range(2500):
        counts.update(generate_password(POLICY).reveal())
    for cls in POLICY.password_classes:
        if len(cls) < 5:
            continue
        df = len(cls) - 1
        bound = {4: 33.4, 6: 37.0, 20: 65.0, 23: 72.0}.get(df, 3 * df + 10)
        assert _chi2(counts, cls) < bound, (cls, counts)


def test_class_rule_is_rejection_sampled_not_forced() -> None:
    """With a one-character class, the count of that character follows
    Binomial(n, 1/|A|) conditioned on >= 1 (P(exactly one) ≈ 0.84 for n=20, |A|=57).
    Forcing one '#' and filling the rest at random gives ≈ 0.71 instead."""
    pol = dataclasses.replace(
        POLICY,
        password_length=20,
        password_classes=("abcdefghijkmnpqrstuvwxyz", "ACDEFGHJKLMNPQRTUVWXY", "34679", "#"),
    )
    n = 4000
    exactly_one = 0
    first_pos = 0
    for _ in range(n):
        pw = generate_password(pol).reveal()
        k = pw.count("#")
        assert k >= 1
        exactly_one += k == 1
        first_pos += pw[0] == "#"
    a = len(pol.password_alphabet)
    q = (a - 1) / a
    expected = 20 * (1 / a) * q**19 / (1 - q**20)
    assert abs(exactly_one / n - expected) < 0.035
    # '#' is as likely in the first position as anywhere (no fixed slot).
    assert abs(first_pos / n - (1 - q) / (1 - q**20)) < 0.03


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"password_length": 12}, "below 20"),
        ({"password_alphabet": POLICY.password_alphabet + "0"}, "look-alike"),
        ({"password_classes": ("xyz", "!!?", "Q", "é")}, "outside the alphabet"),
        ({"password_classes": ()}, "no character classes"),
    ],
)
def test_unusable_policy_is_refused(change: dict[str, object], needle: str) -> None:
    pol = dataclasses.replace(POLICY, **change)  # type: ignore[arg-type]
    with pytest.raises(SealroomError) as info:
        generate_password(pol)
    assert info.value.code == "password.policy"
    assert needle in str(info.value)


def test_holder_never_shows_the_secret() -> None:
    secret = generate_password(POLICY)
    pw = secret.reveal()
    for shown in (repr(secret), str(secret), f"{secret}", f"{secret!r}"):
        assert pw not in shown
        assert "24 characters" in shown
    with pytest.raises(TypeError):
        pickle.dumps(secret)
    with pytest.raises(TypeError):
        copy.copy(secret)
    with pytest.raises(TypeError):
        copy.deepcopy(secret)


def test_wipe_zeroes_and_forgets() -> None:
    secret = SecretText("Kx4#tQ9?mNp7@wRc3=aYe6!")
    buf = secret._buf  # the buffer it owned
    secret.wipe()
    assert bytes(buf) == b"\0" * len(buf)
    assert secret.wiped and len(secret) == 0 and repr(secret) == "<secret: wiped>"
    with pytest.raises(SealroomError) as info:
        secret.reveal()
    assert info.value.code == "secret.wiped"


def test_context_manager_wipes() -> None:
    with SecretText("abcd") as s:
        assert s.reveal() == "abcd"
    assert s.wiped


def test_phonetic_spelling_marks_case_and_names_digits_and_symbols() -> None:
    assert phonetic("kC7#") == ["kilo", "CAPITAL-CHARLIE", "seven", "hash"]
    assert spell("@") == "at" and spell("x") == "x-ray" and spell("Q") == "CAPITAL-QUEBEC"
    # Every character any policy may allow has a spoken name.
    for ch in string.ascii_letters + string.digits + string.punctuation:
        assert not spell(ch).startswith("U+"), ch


def test_grouping() -> None:
    assert grouped("abcdefghij") == "abcd efgh ij"
    assert SecretText("abcdefgh").groups() == ["abcd", "efgh"]
