import re
from pathlib import Path

import samizdat.config.settings as settings_module

ROOT = Path(__file__).resolve().parents[2]


def variables_read_by_settings():
    source = Path(settings_module.__file__).read_text()
    return set(re.findall(r'(?:environ\.get|env_bool)\(\s*"([A-Z0-9_]+)"', source))


def test_every_setting_is_documented():
    documented = set(re.findall(r"^\| `([A-Z0-9_]+)` \|", (ROOT / "docs/settings.md").read_text(), re.M))
    assert variables_read_by_settings() - documented == set()


def test_settings_scan_finds_the_variables():
    assert {"DATABASE_URL", "SAMIZDAT_DATA_DIR", "REDIS_URL"} <= variables_read_by_settings()
