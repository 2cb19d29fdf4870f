"""Passwords are hashed by the configured method: scrypt unless TIC_PASSWORD_HASH says otherwise (tests: fast)."""
from __future__ import annotations

import pytest
from flask import Flask
from werkzeug.security import check_password_hash

from app.config import Settings
from app.services.people.users import hash_password


def test_production_default_is_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TIC_PASSWORD_HASH", raising=False)
    assert Settings().to_flask()["TIC_PASSWORD_HASH"] == "scrypt"


def test_hash_follows_the_configured_method(app: Flask) -> None:
    with app.app_context():
        app.config["TIC_PASSWORD_HASH"] = "scrypt"
        slow = hash_password("正确的密码")
        app.config["TIC_PASSWORD_HASH"] = "pbkdf2:sha256:1000"
        fast = hash_password("正确的密码")
    assert slow.startswith("scrypt:") and fast.startswith("pbkdf2:sha256:1000$")
    assert check_password_hash(slow, "正确的密码") and check_password_hash(fast, "正确的密码")
    assert not check_password_hash(fast, "错误的密码")
