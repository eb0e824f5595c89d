"""The documentation stays true to the code and stays inside the repository.

Why: docs/events.md is the catalogue of journal kinds that auditors and
operators read; a kind added to (or removed from) the payload schema without
the catalogue would leave them guessing. And a person who clones the project
has only the repository, so every link in README.md and docs/ must resolve to
a file in it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kiosk.format.kinds import KINDS

ROOT = Path(__file__).resolve().parents[1]
EVENTS = ROOT / "docs" / "events.md"

#: A kind's section in the catalogue: a level-3 heading holding only the kind.
_KIND_HEADING = re.compile(r"^### `([a-z_]+\.[a-z_]+)`\s*$", re.MULTILINE)
#: A row of a kind's field table: the field name in backticks, first cell.
_FIELD_ROW = re.compile(r"^\| `([a-z_]+)` \|", re.MULTILINE)
_DUAL_LINE = re.compile(r"^- \*\*Dual:\*\* (yes|no)\b", re.MULTILINE)
#: Inline links and images: [text](target) and ![alt](target).
_LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
_CODE_SPAN = re.compile(r"`[^`\n]*`")


def catalogue() -> dict[str, str]:
    """Kind -> the text of its section in docs/events.md."""
    text = EVENTS.read_text(encoding="utf-8")
    marks = list(_KIND_HEADING.finditer(text))
    sections: dict[str, str] = {}
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        # A later "## group" heading ends the section too.
        body = text[m.end() : end].split("\n## ", 1)[0]
        assert m.group(1) not in sections, f"{m.group(1)} is catalogued twice"
        sections[m.group(1)] = body
    return sections


def test_catalogue_lists_exactly_the_journal_kinds() -> None:
    listed = set(catalogue())
    assert sorted(set(KINDS) - listed) == [], "kinds missing from docs/events.md"
    assert sorted(listed - set(KINDS)) == [], "docs/events.md lists kinds KINDS does not have"


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_catalogue_gives_each_kind_its_dual_flag_and_fields(kind: str) -> None:
    section = catalogue().get(kind)
    if section is None:
        pytest.fail(f"{kind} is missing from docs/events.md")
    dual = _DUAL_LINE.search(section)
    assert dual is not None, f"{kind}: no '- **Dual:** yes|no' line"
    assert (dual.group(1) == "yes") == KINDS[kind].dual, f"{kind}: dual flag differs"
    assert set(_FIELD_ROW.findall(section)) == set(KINDS[kind].fields), (
        f"{kind}: the data fields in docs/events.md differ from the schema"
    )


def markdown_files() -> list[Path]:
    return [ROOT / "README.md", ROOT / "CHANGELOG.md", *sorted((ROOT / "docs").rglob("*.md"))]


def relative_links(path: Path) -> list[str]:
    """Link targets of a Markdown file, outside code blocks and code spans."""
    text = _CODE_SPAN.sub("", _FENCE.sub("", path.read_text(encoding="utf-8")))
    targets = []
    for target in _LINK.findall(text):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
            continue  # http:, https:, mailto:; or an anchor in the same page
        targets.append(target)
    return targets


def test_the_docs_have_links_to_check() -> None:
    """The link check below looks at real links (the parser finds them)."""
    assert "docs/design.md" in relative_links(ROOT / "README.md")
    assert len(relative_links(ROOT / "docs" / "README.md")) >= 5


@pytest.mark.parametrize("path", markdown_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves_inside_the_repository(path: Path) -> None:
    for target in relative_links(path):
        assert "shared/" not in target, f"{path.name}: {target} points outside the project"
        file_part = target.split("#", 1)[0]
        resolved = (path.parent / file_part).resolve()
        assert resolved.is_relative_to(ROOT), f"{path.name}: {target} leaves the repository"
        assert resolved.exists(), f"{path.name}: {target} does not exist"
