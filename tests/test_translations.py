"""Every language whole: each user-facing string is marked for translation, each catalogue holds
every marked string, translated (nothing empty or fuzzy), and compiles to the .mo beside it.

Adding a string without a translation fails here: run ``manage.py makemessages -l es`` (with
the ignores below), translate what it added, and ``manage.py compilemessages`` (docs/languages.md).
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
LOCALE = ROOT / "locale"
SOURCE_LANGUAGE = settings.LANGUAGE_CODE
# The English catalogue is not a translation: it only restyles a few of allauth's strings.
TRANSLATIONS = sorted(
    po.parent.parent.name
    for po in LOCALE.glob("*/LC_MESSAGES/django.po")
    if po.parent.parent.name != SOURCE_LANGUAGE
)
SOURCES = [
    "accounts",
    "config",
    "demo",
    "exports",
    "imports",
    "intercession",
    "notifications",
    "overview",
    "partnerships",
    "templates",
    "testimonies",
]
MAKEMESSAGES_IGNORES = [".venv", "node_modules", "test-artifacts", "staticfiles", ".tools"]


def keys(po: polib.POFile) -> set[tuple[str | None, str, str]]:
    return {(e.msgctxt, e.msgid, e.msgid_plural) for e in po if not e.obsolete}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> polib.POFile:
    """What makemessages finds in the code today, written into a scratch copy of the tree (the
    sources linked, not copied), so the committed catalogues stay as they are."""
    scratch = tmp_path_factory.mktemp("makemessages")
    for name in SOURCES:
        (scratch / name).symlink_to(ROOT / name)
    (scratch / "locale").mkdir()
    command = [sys.executable, str(ROOT / "manage.py"), "makemessages", "--symlinks"]
    command += ["-l", "xx", "--no-obsolete"]
    for ignored in MAKEMESSAGES_IGNORES:
        command += ["--ignore", ignored]
    subprocess.run(command, cwd=scratch, check=True, capture_output=True)
    return polib.pofile(str(scratch / "locale" / "xx" / "LC_MESSAGES" / "django.po"))


def test_spanish_is_one_of_the_translations():
    assert "es" in TRANSLATIONS


@pytest.mark.parametrize("code", TRANSLATIONS)
def test_the_catalogue_holds_every_marked_string_and_no_other(extracted, code):
    catalogue = polib.pofile(str(LOCALE / code / "LC_MESSAGES" / "django.po"))
    missing = keys(extracted) - keys(catalogue)
    stale = keys(catalogue) - keys(extracted)
    assert not missing, f"not in the {code} catalogue (run makemessages -l {code}): {missing}"
    assert not stale, f"in the {code} catalogue but no longer in the code: {stale}"


@pytest.mark.parametrize("code", TRANSLATIONS)
def test_every_entry_is_translated_and_none_is_fuzzy(code):
    catalogue = polib.pofile(str(LOCALE / code / "LC_MESSAGES" / "django.po"))
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    assert not fuzzy, f"fuzzy in {code}: {fuzzy}"
    assert not untranslated, f"not translated into {code}: {untranslated}"


@pytest.mark.parametrize("code", sorted({*TRANSLATIONS, SOURCE_LANGUAGE}))
def test_every_catalogue_compiles_and_its_mo_is_up_to_date(tmp_path, code):
    """msgfmt --check also checks that each translation keeps its %(name)s placeholders."""
    po_path = LOCALE / code / "LC_MESSAGES" / "django.po"
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "gettext's msgfmt is needed to compile the catalogues"
    subprocess.run(
        [msgfmt, "--check", "-o", str(tmp_path / "django.mo"), str(po_path)],
        check=True,
        capture_output=True,
    )
    committed = polib.mofile(str(po_path.with_suffix(".mo")))
    catalogue = polib.pofile(str(po_path))

    def translations(entries) -> dict:
        return {
            (e.msgctxt, e.msgid): e.msgstr or tuple(sorted(e.msgstr_plural.items()))
            for e in entries
            if e.msgid and "fuzzy" not in e.flags
        }

    assert translations(committed) == translations(catalogue), (
        f"locale/{code}/LC_MESSAGES/django.mo is older than its .po: run compilemessages"
    )


# --- Text in templates outside {% translate %} -----------------------------------------------

# Words that are the same in every language: the product's name, and what the code shows as is.
NOT_TRANSLATED = {
    "Epaphras",
    "CSV",
    "JSON",
    "XLSX",
    "ICS",
    "PDF",
    "UTC",
    "EPAPHRAS",  # the email's letterhead
}
# Templates whose text is not for people reading the app.
NOT_SCANNED = {
    "templates/includes/icons.html",
}
# Blocks that hold CSS classes, not words: {% block main_class %} narrow{% endblock %}.
CLASS_BLOCK = re.compile(r"{%\s*block\s+\w*class\w*\s*%}.*?{%\s*endblock\s*%}", re.S)
BLOCK_TRANSLATE = re.compile(
    r"{%\s*(blocktranslate|blocktrans)\b.*?%}.*?{%\s*(endblocktranslate|endblocktrans)\s*%}", re.S
)
COMMENT = re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|{#.*?#}", re.S)
RAW = re.compile(r"<(script|style|svg)\b.*?</\1>", re.S | re.I)
TAG = re.compile(r"{%.*?%}|{{.*?}}", re.S)
HTML = re.compile(r"<[^>]*>", re.S)
ENTITY = re.compile(r"&[#\w]+;")
ATTRIBUTE = re.compile(r'\b(?:alt|title|placeholder|aria-label)="([^"]*)"')


def visible_text(source: str) -> list[str]:
    """The words a person would read that no translate tag covers."""
    source = COMMENT.sub(" ", source)
    source = BLOCK_TRANSLATE.sub(" ", source)
    source = CLASS_BLOCK.sub(" ", source)
    source = RAW.sub(" ", source)
    attributes = [TAG.sub(" ", value) for value in ATTRIBUTE.findall(source)]
    text = ENTITY.sub(" ", HTML.sub("\n", TAG.sub(" ", source)))
    found = []
    for chunk in [*text.split("\n"), *attributes]:
        chunk = " ".join(chunk.split())
        words = [
            word
            for word in re.findall(r"[\w.@’'-]+", chunk)
            if word not in NOT_TRANSLATED and "@" not in word  # an example address is no word
        ]
        if any(re.search(r"[^\W\d_]{2}", word) for word in words):
            found.append(chunk)
    return found


def templates() -> list[Path]:
    found = [*ROOT.glob("templates/**/*.html"), *ROOT.glob("templates/**/*.txt")]
    return sorted(p for p in found if str(p.relative_to(ROOT)) not in NOT_SCANNED)


def test_the_template_scan_finds_text_outside_translate_tags():
    page = '<h1>{% translate "Today" %}</h1><p title="Open">Pray {{ name }} now</p> Epaphras'
    assert visible_text(page) == ["Pray now", "Open"]
    assert visible_text("{% blocktranslate %}Hi {{ n }}{% endblocktranslate %} · ·") == []


@pytest.mark.parametrize(
    "template", templates(), ids=lambda p: str(p.relative_to(ROOT / "templates"))
)
def test_templates_show_no_text_outside_translate_tags(template):
    assert visible_text(template.read_text()) == []
