"""The instance diagram in the user's language: on an English page the BPMN names (steps, events, gateways, flows,
pools; written in Chinese) are replaced by their translations before bpmn-js draws them; a Chinese page gets the
BPMN as written. Lanes are named by role key and relabelled by the diagram script."""
from __future__ import annotations

import html
import re

from flask_babel import gettext

from app.i18n import CHINESE, english

# the name attribute of a BPMN element (<bpmn:userTask id=".." name="..">); lanes keep their role keys
_NAMED = re.compile(r'(<bpmn:(?!lane\b)\w+\b[^>]*?\bname=")([^"]*)(")')


def _translated(match: re.Match[str]) -> str:
    name = html.unescape(match.group(2))
    if not CHINESE.search(name):
        return match.group(0)
    return match.group(1) + html.escape(gettext(name), quote=True) + match.group(3)


def localised_bpmn(xml: str) -> str:
    """`xml` with its element names in the request's language (unchanged on a Chinese page)."""
    if not english():
        return xml
    return _NAMED.sub(_translated, xml)
