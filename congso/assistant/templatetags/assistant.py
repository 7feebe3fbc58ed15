"""Template filters of the assistant: ``{% load assistant %}`` → ``|answer_html``."""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_PATH_RE = re.compile(r"(/(?:thu-tuc|ho-so/nop|tra-cuu)/[\w.\-/?=&;]*)")


@register.filter
def answer_html(text: str) -> SafeString:
    """An answer as HTML: escaped, line breaks kept, the site's own paths made links."""
    escaped = escape(text or "")
    linked = _PATH_RE.sub(r'<a href="\1">\1</a>', escaped)
    return mark_safe(linked.replace("\n", "<br>"))
