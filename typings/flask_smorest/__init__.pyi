# Stub of the flask-smorest API that app/ uses (flask-smorest 0.47 ships no type information).
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import flask
from apispec import APISpec
from marshmallow import Schema

_F = TypeVar("_F", bound=Callable[..., Any])
_T = TypeVar("_T")

_SchemaArg = type[Schema] | Schema | str | dict[str, Any]

class Blueprint(flask.Blueprint):
    def __init__(self, name: str, import_name: str, *args: Any, description: str | None = None,
                 **kwargs: Any) -> None: ...
    def add_url_rule(self, rule: str, endpoint: str | None = None, view_func: Callable[..., Any] | None = None,
                     provide_automatic_options: bool | None = None, *, parameters: list[Any] | None = None,
                     tags: list[str] | None = None, **options: Any) -> None: ...
    # also decorates MethodView classes, hence a plain type variable
    def route(self, rule: str, *, parameters: list[Any] | None = None, tags: list[str] | None = None,
              **options: Any) -> Callable[[_T], _T]: ...
    def arguments(self, schema: _SchemaArg, *, location: str = "json", content_type: str | None = None,
                  required: bool = True, description: str | None = None, example: Any = None,
                  examples: Mapping[str, Any] | None = None, **kwargs: Any) -> Callable[[_F], _F]: ...
    def response(self, status_code: int | str, schema: _SchemaArg | None = None, *,
                 content_type: str | None = None, description: str | None = None, example: Any = None,
                 examples: Mapping[str, Any] | None = None,
                 headers: Mapping[str, Any] | None = None) -> Callable[[_F], _F]: ...
    def alt_response(self, status_code: int | str, response: str | None = None, *,
                     schema: _SchemaArg | None = None, content_type: str | None = None,
                     description: str | None = None, example: Any = None,
                     examples: Mapping[str, Any] | None = None, headers: Mapping[str, Any] | None = None,
                     success: bool = False) -> Callable[[_F], _F]: ...
    @staticmethod
    def doc(**kwargs: Any) -> Callable[[_F], _F]: ...
    def etag(self, obj: _F) -> _F: ...
    def check_etag(self, etag_data: Any, etag_schema: _SchemaArg | None = None) -> None: ...
    def set_etag(self, etag_data: Any, etag_schema: _SchemaArg | None = None) -> None: ...
    def paginate(self, pager: type[Any] | None = None, *, page: int | None = None, page_size: int | None = None,
                 max_page_size: int | None = None) -> Callable[[_F], _F]: ...

class Api:
    ERROR_SCHEMA: type[Schema]
    spec: APISpec
    def __init__(self, app: flask.Flask | None = None, *, spec_kwargs: dict[str, Any] | None = None,
                 config_prefix: str = "") -> None: ...
    def init_app(self, app: flask.Flask, *, spec_kwargs: dict[str, Any] | None = None) -> None: ...
    def register_blueprint(self, blp: Blueprint, *, parameters: list[Any] | None = None,
                           **options: Any) -> None: ...
