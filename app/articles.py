"""Article citations in the user's language: 第三十一条(一) stays as the text numbers it on a Chinese page and
reads Art. 31(1) on an English one (三(六)3 → III(6)3; 第十七条5 → Art. 17.5)."""
from __future__ import annotations

import re

from app.i18n import english

DIGITS = {"零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
ROMAN = ("", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")
ARTICLE = re.compile(r"第([零一二三四五六七八九十百]+)条(\d+)?")
ITEM = re.compile(r"[（(]([零一二三四五六七八九十]+)[）)]")
PART = re.compile(r"(?<![第\w])([一二三四五六七八九十])(?=[（(])")


def chinese_number(text: str) -> int:
    """一 → 1, 十七 → 17, 二十九 → 29, 一百零二 → 102."""
    total, current = 0, 0
    for char in text:
        if char == "百":
            total += (current or 1) * 100
            current = 0
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = DIGITS[char]
    return total + current


def english_article(text: str) -> str:
    """A citation as an English reader writes it (anything it does not recognise is left as it is)."""
    result = ARTICLE.sub(lambda m: f"Art. {chinese_number(m.group(1))}" + (f".{m.group(2)}" if m.group(2) else ""), text)
    result = PART.sub(lambda m: ROMAN[chinese_number(m.group(1))], result)
    result = ITEM.sub(lambda m: f"({chinese_number(m.group(1))})", result)
    return result.replace("、", ", ").replace("，", ", ").replace("；", "; ").replace("至", " to ")


def article_label(text: str | None) -> str:
    """A citation in the request's language (as written on a Chinese page)."""
    if not text:
        return ""
    return english_article(text) if english() else text
