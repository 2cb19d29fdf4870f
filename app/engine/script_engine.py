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

from app.engine import script_limits

ServiceCaller = Callable[[Any, str, dict[str, Any]], Any]

# Exceptions that escape `except Exception` and could stop a worker process.
_UNSAFE_NAMES = {"BaseException", "SystemExit", "KeyboardInterrupt", "GeneratorExit"}
_EXTRA_BUILTINS = ["min", "max", "sum", "sorted", "any", "all", "dict", "set", "frozenset",
                   "enumerate", "zip", "reversed", "map", "filter"]

SAFE_BUILTINS: dict[str, Any] = {k: v for k, v in safe_builtins.items() if k not in _UNSAFE_NAMES}
SAFE_BUILTINS.update(limited_builtins)
SAFE_BUILTINS.update({name: getattr(builtins, name) for name in _EXTRA_BUILTINS})
SAFE_BUILTINS.update(getattr=lambda obj, name, *default: _getattr(obj, name, *default), math=math)
SAFE_BUILTINS.update(datetime=datetime, date=date, timedelta=timedelta, timezone=timezone)

_INPLACE_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "+=": operator.iadd, "-=": operator.isub, "*=": operator.imul, "/=": operator.itruediv,
    "//=": operator.ifloordiv, "%=": operator.imod, "**=": operator.ipow, "<<=": operator.ilshift,
    ">>=": operator.irshift, "&=": operator.iand, "|=": operator.ior, "^=": operator.ixor,
    "@=": operator.imatmul,
}


def _inplacevar(op: str, target: Any, value: Any) -> Any:
    """Apply an augmented assignment operator on behalf of restricted code (size-checked like its operator)."""
    if op in script_limits.INPLACE:
        script_limits.check_operation(script_limits.INPLACE[op], target, value)
    return _INPLACE_OPS[op](target, value)


def _getattr(obj: Any, name: str, default: Any = None) -> Any:
    """`getattr` for restricted code: no private names, and string methods that could build huge values checked."""
    return script_limits.guard_attribute(obj, name, safer_getattr(obj, name, default))  # type: ignore[no-untyped-call]


def _getitem(obj: Any, key: Any) -> Any:
    """Read an item or slice on behalf of restricted code."""
    return obj[key]


# Guards live in the globals (they cannot be shadowed by task data); user-facing names live in
# __builtins__, so task data such as `date` may shadow them without tripping check_for_overwrite.
GUARD_GLOBALS: dict[str, Any] = {
    "__builtins__": SAFE_BUILTINS,
    "_getattr_": _getattr,
    "_getitem_": _getitem,
    "_write_": full_write_guard,
    "_getiter_": script_limits.guarded_iter,
    "_binop_": script_limits.binop,
    "_tick_": script_limits.tick,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_inplacevar_": _inplacevar,
    "_print_": PrintCollector,
}


def refuse_unbounded_loops(source: str) -> None:
    """SyntaxError when a script has a loop that visibly never ends (`while True:` without break): the deploy
    path calls this beside the restricted compiler; running scripts are bounded by time instead."""
    lines = script_limits.unbounded_loops(source)
    if lines:
        raise SyntaxError(f"while loop without an end (constant condition, no break) at line {lines[0]}",
                          ("<string>", lines[0], 0, None))


@lru_cache(maxsize=2048)
def compile_restricted_cached(source: str, mode: Literal["exec", "eval"]) -> types.CodeType:
    """Compile source with RestrictedPython (cached by source and mode); raise SyntaxError on refusal."""
    compiler = compile_restricted_exec if mode == "exec" else compile_restricted_eval
    result = compiler(source, "<string>", policy=script_limits.LimitingTransformer)
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
        with script_limits.limited():
            result = eval(code, scope)
        script_limits.check_result_size([result])
        return result

    def execute(self, script: str, context: dict[str, Any],
                external_context: dict[str, Any] | None = None) -> bool:
        """Execute a script; its assignments land in context, helpers are removed afterwards."""
        code = compile_restricted_cached(script, "exec")
        self.check_for_overwrite(context, external_context or {})
        self._prepare_context(context)
        context.update(external_context or {})
        context.update(self.globals)
        try:
            with script_limits.limited():
                exec(code, context)  # noqa: S102 - restricted code object
        finally:
            self._remove_globals_and_functions_from_context(context, external_context)
        script_limits.check_result_size(context.values())
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
