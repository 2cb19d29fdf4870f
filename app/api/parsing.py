"""The API's blueprints read a JSON body only as JSON: a body in another format is refused, never read as empty."""
from __future__ import annotations

from typing import Any

import flask
import flask_smorest
from webargs.flaskparser import FlaskParser, abort, is_json_request

NOT_JSON = "Request body must be JSON (Content-Type: application/json)."  # rewritten in the user's language


class JsonBodyParser(FlaskParser):
    """webargs' parser, but a non-empty body that is not JSON is refused (422 naming the body), not read as missing."""

    def _raw_load_json(self, req: flask.Request) -> Any:
        if not is_json_request(req) and req.get_data(cache=True):
            abort(422, messages={"json": [NOT_JSON]})
        return super()._raw_load_json(req)


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's blueprint with the JSON-only body parser."""

    ARGUMENTS_PARSER = JsonBodyParser()
