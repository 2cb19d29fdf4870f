"""Server-rendered pages (Jinja, Flask-Babel): views parse, call one service, render. No business logic here."""
from __future__ import annotations

from importlib import import_module

from flask import Flask

# modules under app/web that define a blueprint named `bp`, registered in this order
BLUEPRINT_MODULES: list[str] = []


def init_web(app: Flask) -> None:
    """Register the web blueprints."""
    for name in BLUEPRINT_MODULES:
        app.register_blueprint(import_module(f"app.web.{name}").bp)
