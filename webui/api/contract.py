"""The API's contract: typed request and response models checked at the edge, and the OpenAPI document
generated from them (spectree over pydantic), so what is published is what is enforced."""
from __future__ import annotations

import logging
from functools import wraps

import flask
from flask import current_app, request
from spectree import Response, SecurityScheme, SpecTree
from spectree.models import SecuritySchemeData
from spectree.plugins.flask_plugin import FlaskPlugin

from engine.errors import FormInvalid, Msg
from webui.api.error_responses import add_error_responses
from webui.api.requests import json_body
from webui.api.links import add_links
from webui.api.schemas.common import Error

PREFIX = "/api/v1"
log = logging.getLogger(__name__)

# pydantic's error types, as the engine's form messages (the same words a form shows) and their parameter
_MESSAGES = {"missing": ("form.required", None, None), "string_too_short": ("form.min_length", "count", "min_length"),
             "string_too_long": ("form.max_length", "count", "max_length"),
             "too_short": ("form.min_items", "count", "min_length"), "too_long": ("form.max_items", "count", "max_length"),
             "greater_than_equal": ("form.minimum", "limit", "ge"), "greater_than": ("form.minimum", "limit", "gt"),
             "less_than_equal": ("form.maximum", "limit", "le"), "less_than": ("form.maximum", "limit", "lt"),
             "literal_error": ("form.choose_given", None, None), "enum": ("form.choose_given", None, None),
             "string_pattern_mismatch": ("form.bad_format", None, None),
             "url_parsing": ("form.bad_format", None, None), "url_scheme": ("form.bad_format", None, None)}


class ResponseBroken(Exception):
    """An answer the document does not describe: a defect of the server, never of the caller."""


class _ContractPlugin(FlaskPlugin):
    """Flask's plugin, checking answers only where API_CHECK_RESPONSES asks (the tests do, on every answer)."""

    def validate_response(self, resp, resp_model, skip_validation, force_resp_serialize):
        if isinstance(resp, flask.Response) and (resp_model is None or resp_model.find_model(resp.status_code) is None):
            return resp, None  # a file or an SVG, sent as it is (a file's body is streamed, not read back)
        if not current_app.config.get("API_CHECK_RESPONSES"):
            resp_model = None
        return super().validate_response(resp, resp_model, skip_validation, force_resp_serialize)


def field_messages(errors: list[dict]) -> dict[str, Msg]:
    """pydantic's errors as per-field messages: by the top-level field (or ``_body``), the first error of each."""
    fields: dict[str, Msg] = {}
    for error in errors:
        name = str(error["loc"][0]) if error["loc"] else "_body"  # the field as the client named it
        kind = error["type"]
        code, param, source = _MESSAGES.get(kind, ("form.wrong_type" if kind.endswith(("_type", "_parsing"))
                                                   else "form.bad_format", None, None))
        if kind == "model_type" and name == "_body":
            code = "api.json_object"
        limit = (error.get("ctx") or {}).get(source) if source else None
        fields.setdefault(name, Msg(code, **({param: limit} if param and limit is not None else {})))
    return fields


def _before(req, resp, error, instance, adapter):  # noqa: ARG001 (spectree's hook signature)
    if error is not None:
        raise FormInvalid(field_messages(error.errors(include_url=False)))


def _after(req, resp, error, instance, adapter):
    if error is not None:
        log.error("answer of %s %s outside the API document: %s", req.method, req.path, error)
        raise ResponseBroken(f"{req.method} {req.path}: {error}")


# components named as the models are (their names are unique across webui.api.schemas), so a generated client
# gets classes such as Task and Outcome
spec = SpecTree(backend=_ContractPlugin, mode="strict", annotations=False, before=_before, after=_after,
                validation_error_model=Error, naming_strategy=lambda model: model.__name__,
                nested_naming_strategy=lambda _parent, child: child, title="powerflow API", version="1.1.0",
                description="权力运行流程：发起事项、办理待办、查看实时流程图。 The power-flow API: start matters, "
                            "complete tasks, follow the live flowchart. Generated from the server's own models.",
                security_schemes=[SecurityScheme(name="bearer", data=SecuritySchemeData(type="http", scheme="bearer"))])

_MEDIA: dict[str, str] = {}
_OPERATIONS: set[str] = set()
_DOCUMENT: dict = {}  # built once: every app of this code has the same routes and models


def endpoint(ok=None, *, status: int = 200, json=None, form=None, query=None, media: str | None = None,
             public: bool = False):
    """Declare an API view's contract: its body and query models, its answer's model and status (``media`` for a
    non-JSON answer), and whether it needs a token. The body must be a JSON object whenever ``json`` is given."""
    answer = Response(**{f"HTTP_{status}": ok}) if ok is not None else Response(f"HTTP_{status}")

    def decorate(view):
        operation = view.__name__
        if operation in _OPERATIONS:
            raise RuntimeError(f"two API views are named {operation}: operation ids must be unique")
        _OPERATIONS.add(operation)
        if media:
            _MEDIA[operation] = media

        @wraps(view)
        def body_first(*args, **kwargs):
            if json is not None and not (form is not None and request.mimetype in FlaskPlugin.FORM_MIMETYPE):
                json_body()  # a body that is no JSON object is refused as such, before its fields are read
            return checked(*args, **kwargs)

        checked = spec.validate(json=json, form=form, query=query, resp=answer, operation_id=operation,
                                security={} if public else {"bearer": []})(view)
        body_first.__wrapped__ = checked  # how spectree finds the contract behind the route's outer wrappers
        return body_first
    return decorate



def body():
    """The validated JSON body (or form) of the current request, as its model."""
    context = request.context
    return context.json if context.json is not None else context.form


def query():
    """The validated query of the current request, as its model."""
    return request.context.query


def document() -> dict:
    """The OpenAPI 3.1 document of /api/v1, paths relative to its server (call inside an app context)."""
    if not _DOCUMENT:
        _DOCUMENT.update(_generated())
    return _DOCUMENT


def _generated() -> dict:
    generated = spec.spec
    paths = {}
    for path, operations in generated["paths"].items():
        paths[path[len(PREFIX):] if path.startswith(PREFIX) else path] = operations
        for operation in operations.values():
            media = _MEDIA.get(operation["operationId"])
            for code, answer in operation["responses"].items():
                if media and code.startswith("2"):
                    answer["content"] = {media: {"schema": {"type": "string"}}}
            if not operation.get("description"):
                operation.pop("description", None)
            if not operation.get("tags"):
                operation.pop("tags", None)
    add_links(add_error_responses(paths))
    return {key: value for key, value in generated.items() if key != "tags"} | {"servers": [{"url": PREFIX}],
                                                                                "paths": paths}
