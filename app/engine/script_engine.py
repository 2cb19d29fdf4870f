"""Restricted script engine: runs BPMN scripts and expressions under RestrictedPython."""

from __future__ import annotations

import builtins
import json
import math
import operator
import re
import types
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any, Literal

from RestrictedPython.compile import compile_restricted_eval, compile_restricted_exec
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safe_builtins,
    safer_getattr,
)
from RestrictedPython.Limits import limited_builtins
from RestrictedPython.PrintCollector import PrintCollector
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment

ServiceCaller = Callable[[Any, str, dict[str, Any]], Any]

# Exceptions that escape `except Exception` and could stop a worker process.
_UNSAFE_NAMES = {"BaseException", "SystemExit", "KeyboardInterrupt", "GeneratorExit"}
_EXTRA_BUILTINS = ["min", "max", "sum", "sorted", "any", "all", "dict", "set", "frozenset",
                   "enumerate", "zip", "reversed", "map", "filter"]

SAFE_BUILTINS: dict[str, Any] = {k: v for k, v in safe_builtins.items() if k not in _UNSAFE_NAMES}
SAFE_BUILTINS.update(limited_builtins)
SAFE_BUILTINS.update({name: getattr(builtins, name) for name in _EXTRA_BUILTINS})
SAFE_BUILTINS.update(getattr=safer_getattr, math=math)
SAFE_BUILTINS.update(datetime=datetime, date=date, timedelta=timedelta, timezone=timezone)

_INPLACE_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "+=": operator.iadd, "-=": operator.isub, "*=": operator.imul, "/=": operator.itruediv,
    "//=": operator.ifloordiv, "%=": operator.imod, "**=": operator.ipow, "<<=": operator.ilshift,
    ">>=": operator.irshift, "&=": operator.iand, "|=": operator.ior, "^=": operator.ixor,
    "@=": operator.imatmul,
}


def _inplacevar(op: str, target: Any, value: Any) -> Any:
    """Apply an augmented assignment operator on behalf of restricted code."""
    return _INPLACE_OPS[op](target, value)


def _getitem(obj: Any, key: Any) -> Any:
    """Read an item or slice on behalf of restricted code."""
    return obj[key]


# Guards live in the globals (they cannot be shadowed by task data); user-facing names live in
# __builtins__, so task data such as `date` may shadow them without tripping check_for_overwrite.
GUARD_GLOBALS: dict[str, Any] = {
    "__builtins__": SAFE_BUILTINS,
    "_getattr_": safer_getattr,
    "_getitem_": _getitem,
    "_write_": full_write_guard,
    "_getiter_": iter,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_inplacevar_": _inplacevar,
    "_print_": PrintCollector,
}


@lru_cache(maxsize=2048)
def compile_restricted_cached(source: str, mode: Literal["exec", "eval"]) -> types.CodeType:
    """Compile source with RestrictedPython (cached by source and mode); raise SyntaxError on refusal."""
    compiler = compile_restricted_exec if mode == "exec" else compile_restricted_eval
    result = compiler(source, "<string>")
    if result.errors or result.code is None:
        match = re.match(r"Line (\d+):", result.errors[0]) if result.errors else None
        lineno = int(match.group(1)) if match else 0
        raise SyntaxError("; ".join(result.errors) or "compilation failed", ("<string>", lineno, 0, None))
    return result.code


class RestrictedEnvironment(TaskDataEnvironment):  # type: ignore[misc]
    """Task data environment that evaluates and executes code under RestrictedPython."""

    def __init__(self) -> None:
        """Create the environment with the restricted guards as globals."""
        super().__init__(dict(GUARD_GLOBALS))

    def evaluate(self, expression: str, context: dict[str, Any],
                 external_context: dict[str, Any] | None = None) -> Any:
        """Evaluate an expression against task data; guards always win over data."""
        code = compile_restricted_cached(expression, "eval")
        self._prepare_context(context)
        scope = {**(external_context or {}), **context, **self.globals}
        return eval(code, scope)

    def execute(self, script: str, context: dict[str, Any],
                external_context: dict[str, Any] | None = None) -> bool:
        """Execute a script; its assignments land in context, helpers are removed afterwards."""
        code = compile_restricted_cached(script, "exec")
        self.check_for_overwrite(context, external_context or {})
        self._prepare_context(context)
        context.update(external_context or {})
        context.update(self.globals)
        try:
            exec(code, context)  # noqa: S102 - restricted code object
        finally:
            self._remove_globals_and_functions_from_context(context, external_context)
        return True

    def _remove_globals_and_functions_from_context(
            self, context: dict[str, Any], external_context: dict[str, Any] | None = None) -> None:
        """Drop builtins, guards, callables and modules (which cannot be serialised)."""
        super()._remove_globals_and_functions_from_context(context, external_context)
        for key in [k for k, v in context.items() if isinstance(v, types.ModuleType)]:
            context.pop(key)


class ServiceTaskError(WorkflowTaskException):  # type: ignore[misc]
    """A service task operator failed (or no service caller is configured)."""

    def __init__(self, task: Any, operation_name: str, err: BaseException | None = None) -> None:
        """Build the error for the task's element, keeping the operator and original error."""
        self.operator = operation_name
        self.element_id: str = task.task_spec.bpmn_id
        if err is None:
            msg = (f"service task {self.element_id}: no service caller configured "
                   f"for operator {operation_name!r}")
        else:
            msg = (f"service task {self.element_id}: operator {operation_name!r} failed: "
                   f"{type(err).__name__}: {err}")
        super().__init__(msg, task=task, exception=err)
        self.__cause__ = err


class RestrictedScriptEngine(PythonScriptEngine):  # type: ignore[misc]
    """Script engine using RestrictedEnvironment and an injectable service caller."""

    def __init__(self, service_caller: ServiceCaller | None = None) -> None:
        """Create the engine; service_caller(task, operation_name, params) performs service tasks."""
        super().__init__(environment=RestrictedEnvironment())
        self.service_caller = service_caller

    def call_service(self, task: Any, operation_name: str, operation_params: dict[str, Any],
                     **kwargs: Any) -> str:
        """Call the configured service caller with plain parameter values; return the JSON result."""
        if self.service_caller is None:
            raise ServiceTaskError(task, operation_name)
        params = {name: p["value"] for name, p in operation_params.items()}
        try:
            return json.dumps(self.service_caller(task, operation_name, params))
        except Exception as err:
            raise ServiceTaskError(task, operation_name, err) from err
