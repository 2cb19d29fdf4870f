"""WTForms' own messages (a date or a number that does not parse, a range) in the user's language.

WTForms writes them in English and looks them up through the form's translations; the web forms use these
translations (`class Meta: get_translations = ...`) so that a Chinese page shows no English sentence.
"""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

MESSAGES = {
    "This field is required.": _l("必填项"),
    "Not a valid date value.": _l("日期格式无效（应为 YYYY-MM-DD）"),
    "Not a valid datetime value.": _l("时间格式无效（应为 YYYY-MM-DD HH:MM）"),
    "Not a valid integer value.": _l("必须是整数"),
    "Not a valid decimal value.": _l("必须是数字"),
    "Not a valid float value.": _l("必须是数字"),
    "Not a valid choice.": _l("不是可选的值"),
    "Invalid Choice: could not coerce.": _l("不是可选的值"),
    "Number must be at least %(min)s.": _l("不能小于 %(min)s"),
    "Number must be at most %(max)s.": _l("不能大于 %(max)s"),
    "Number must be between %(min)s and %(max)s.": _l("必须在 %(min)s 到 %(max)s 之间"),
    "Field must be at least %(min)d character long.": _l("至少 %(min)s 个字符"),
    "Field must be at least %(min)d characters long.": _l("至少 %(min)s 个字符"),
    "Field cannot be longer than %(max)d character.": _l("最多 %(max)s 个字符"),
    "Field cannot be longer than %(max)d characters.": _l("最多 %(max)s 个字符"),
    "Field must be between %(min)d and %(max)d characters long.": _l("长度应为 %(min)s 到 %(max)s 个字符"),
}


class Translations:
    """The `gettext`/`ngettext` WTForms calls, answering from MESSAGES (others pass through Flask-Babel)."""

    def gettext(self, string: str) -> str:
        """One message in the user's language (WTForms fills in %(min)s and %(max)s afterwards)."""
        found = MESSAGES.get(string)
        return str(found) if found is not None else string

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """A message with a count in the user's language."""
        return self.gettext(singular if n == 1 else plural)


TRANSLATIONS = Translations()


def get_translations(_meta: Any, _form: Any) -> Translations:
    """For a form's `class Meta`: WTForms' messages in the user's language."""
    return TRANSLATIONS
