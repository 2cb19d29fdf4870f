"""Locale selection: zh-CN by default, English when the client asks for it."""
from __future__ import annotations

from pathlib import Path

from flask import Flask, request

from app.extensions import babel

LOCALES = ("zh_CN", "en")


def select_locale() -> str:
    """Best match of the request's Accept-Language among the supported locales."""
    try:
        best = request.accept_languages.best_match(["zh-CN", "zh", "en"])
    except RuntimeError:
        return "zh_CN"
    return "en" if best == "en" else "zh_CN"


def init_i18n(app: Flask) -> None:
    """Initialise Flask-Babel with the app's translations directory."""
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(Path(__file__).parent / "translations"))
    babel.init_app(app, locale_selector=select_locale)
