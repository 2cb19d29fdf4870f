"""The English catalog covers every message the code marks for translation, each with a real translation."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "app" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdrfi]")


def _read(path: Path) -> Catalog:
    with path.open("rb") as f:
        return read_po(f)


def _text(value: str | tuple[str, ...] | list[str]) -> str:
    return value if isinstance(value, str) else "\n".join(value)


def _messages(catalog: Catalog) -> list[Message]:
    return [m for m in catalog if m.id]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return _read(CATALOG)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """What `pybabel extract -F babel.cfg` finds in the code today."""
    pot = tmp_path_factory.mktemp("babel") / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    return _read(pot)


def test_every_message_has_an_english_translation(catalog: Catalog) -> None:
    missing = [m.id for m in _messages(catalog) if not _text(m.string).strip()]
    assert not missing, f"msgids without an English translation: {missing}"


def test_no_translation_is_fuzzy(catalog: Catalog) -> None:
    fuzzy = [m.id for m in _messages(catalog) if m.fuzzy]
    assert not fuzzy, f"fuzzy translations (check them and remove the flag): {fuzzy}"


def test_translations_keep_the_placeholders(catalog: Catalog) -> None:
    wrong = [
        (m.id, m.string) for m in _messages(catalog)
        if set(PLACEHOLDER.findall(_text(m.id))) != set(PLACEHOLDER.findall(_text(m.string)))
    ]
    assert not wrong, f"translations whose %(name)s placeholders differ from the msgid: {wrong}"


def test_the_catalog_has_every_extracted_message(catalog: Catalog, template: Catalog) -> None:
    assert _messages(template), "pybabel extract found no message at all"
    missing = sorted({_text(m.id) for m in _messages(template)} - {_text(m.id) for m in _messages(catalog)})
    assert not missing, (
        "messages in the code but not in the catalog (run pybabel extract/update and translate them): "
        f"{missing}"
    )
