"""Every automated check rule has a title people read beside its article (app/labels.RULE_TITLES)."""
from __future__ import annotations

import pytest
from flask import Flask

from app.labels import RULE_TITLES
from handlers.checks import CHECKS, evaluate


@pytest.mark.parametrize("policy", sorted(CHECKS))
def test_every_rule_of_a_policy_has_a_title(app: Flask, policy: str) -> None:
    with app.app_context():
        rules = {result.rule for result in evaluate(policy, {})}  # an empty profile: every rule reports missing
    assert rules and not rules - set(RULE_TITLES), sorted(rules - set(RULE_TITLES))


def test_the_check_panel_names_a_rule_by_its_title(app: Flask) -> None:
    with app.test_request_context():
        assert app.jinja_env.filters["rule_title"]("rd_floor_area") == "科研开发用房面积"
        assert app.jinja_env.filters["rule_title"]("no_such_rule") == ""
        html = app.jinja_env.from_string("{{ r.get('rule')|rule_title }}").render(r={"rule": "director_fulltime"})
    assert html == "主任全职"
