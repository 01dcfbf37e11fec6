"""The planner setting sent on each PostgreSQL connection: on by default, left out when empty
(a pooler that refuses startup options), refused when it is not a number."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRINT = (
    "import django, json; from django.conf import settings; django.setup(); "
    "print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {})))"
)


def options(**env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", PRINT],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": "postgres://nobody@127.0.0.1:5432/nothing",
            **env,
        },
        capture_output=True,
        text=True,
    )


def test_random_page_cost_is_sent_left_out_or_refused():
    default = options()
    assert json.loads(default.stdout)["options"] == "-c random_page_cost=1.1"
    assert "options" not in json.loads(options(EPAPHRAS_PG_RANDOM_PAGE_COST="").stdout)
    wrong = options(EPAPHRAS_PG_RANDOM_PAGE_COST="fast")
    assert wrong.returncode != 0
    assert "EPAPHRAS_PG_RANDOM_PAGE_COST must be a number" in wrong.stderr
