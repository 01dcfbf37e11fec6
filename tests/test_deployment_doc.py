"""docs/deployment.md's table of environment variables and config/settings.py name the same
variables: none read and left out, none documented and not read."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def read_by_settings() -> set[str]:
    source = (ROOT / "config" / "settings.py").read_text()
    return set(re.findall(r'(?:env|env_bool|env_list|os\.environ\.get)\(\s*"([A-Z_]+)"', source))


def documented() -> set[str]:
    names: set[str] = set()
    for line in (ROOT / "docs" / "deployment.md").read_text().splitlines():
        if line.startswith("| `"):
            first_cell = line.split("|")[1]
            names |= set(re.findall(r"`([A-Z_]+)`", first_cell))
    return names


def test_every_variable_settings_read_is_documented_and_no_other():
    read, table = read_by_settings(), documented()
    assert len(read) > 30
    assert read - table == set(), "read by settings, missing from docs/deployment.md"
    assert table - read == set(), "in docs/deployment.md, read by nothing"


def test_every_variable_named_in_the_deployment_doc_is_read_by_settings():
    text = (ROOT / "docs" / "deployment.md").read_text()
    prefixes = "EPAPHRAS|DJANGO|SENTRY|EMAIL|DATABASE|CACHE|CELERY"
    named = set(re.findall(rf"`((?:{prefixes})_[A-Z_]+)`", text))
    assert named - read_by_settings() == set()
