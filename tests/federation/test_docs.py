"""FEDERATION.md documents every inbox handler."""

from pathlib import Path

from samizdat.federation.handlers import HANDLERS

ROOT = Path(__file__).resolve().parents[2]


def test_every_handler_is_documented():
    text = (ROOT / "FEDERATION.md").read_text()
    missing = {handler.__name__ for handler in HANDLERS.values()} - {
        name for name in (h.__name__ for h in HANDLERS.values()) if f"`{name}`" in text
    }
    assert missing == set()
