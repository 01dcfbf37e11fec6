"""Search results with the words searched for marked, and long texts cut around them."""

from __future__ import annotations

from collections.abc import Sequence

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from partnerships.search import highlight_pattern

register = template.Library()

# Around the first match, this many characters either side of a long text are shown.
CONTEXT = 110


@register.filter
def highlight(text: str, words: Sequence[str]) -> SafeString:
    """``text`` escaped, each of ``words`` in it wrapped in ``<mark>``; a long text cut to
    the part around the first of them, with “…” where it was cut."""
    text = str(text or "")
    pattern = highlight_pattern(words)
    first = pattern.search(text) if pattern else None
    if len(text) > 2 * CONTEXT:
        start = max(0, (first.start() if first else 0) - CONTEXT)
        end = min(len(text), start + 2 * CONTEXT)
        text = ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
    if pattern is None:
        return escape(text)
    parts: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        parts.append(escape(text[last : match.start()]))
        parts.append(f"<mark>{escape(match.group())}</mark>")
        last = match.end()
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))  # noqa: S308 - every part is escaped above
