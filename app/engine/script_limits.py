"""Limits on BPMN scripts and expressions: time, the size of values they build, loops visibly without end.

A script that runs past its time or builds a value too large raises `ScriptLimitExceeded` inside the sandbox
(a BaseException, so the script's own `except Exception` cannot swallow it; a bare `except:` is compiled as
`except Exception:`). The environment turns it into `ScriptLimitError`, which SpiffWorkflow reports as the
failure of the element, so the step fails with the element id and the reason, rolls back and frees the lock.

- time: every loop iteration (`for`, `while`, comprehensions) and every call of a function the script defines
  checks the deadline (TIME_LIMIT_S per script or expression);
- size: `**`, `*`, `+`, `<<` and `%` on numbers, strings and sequences, the padding methods of strings,
  `str.replace`, `str.join` and format widths are checked *before* the value is built (MAX_ITEMS characters or
  items, MAX_INT_BITS bits), so `10**(10**8)` or `'a'*(10**9)` never starts;
- deploy: `while True:` (a condition that is constant and true) without a `break` is refused when deployed
  (`unbounded_loops`), since it can never end.
"""
from __future__ import annotations

import ast
import operator
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from RestrictedPython.transformer import RestrictingNodeTransformer

TIME_LIMIT_S = 2.0
MAX_ITEMS = 1_000_000  # characters of a string, items of a list, tuple or bytes
MAX_INT_BITS = 100_000  # about 30,000 decimal digits
_SEQUENCES = (str, bytes, list, tuple)
_WIDTH = re.compile(r"\d+")


class ScriptLimitExceeded(BaseException):  # noqa: N818 - raised inside the sandbox; the caller sees ScriptLimitError
    """Raised inside a script when it runs too long or would build a value too large."""


class ScriptLimitError(Exception):
    """A script or expression exceeded its time or size limit (the reason names which)."""


_budget = threading.local()


@contextmanager
def limited() -> Iterator[None]:
    """Run a script or expression under the time limit; ScriptLimitError when it exceeds a limit."""
    outer = getattr(_budget, "deadline", None)
    _budget.deadline = time.monotonic() + TIME_LIMIT_S if outer is None else outer
    try:
        yield
    except ScriptLimitExceeded as err:
        raise ScriptLimitError(str(err)) from None
    finally:
        _budget.deadline = outer


def tick() -> None:
    """The deadline check a loop iteration or a call makes."""
    deadline = getattr(_budget, "deadline", None)
    if deadline is not None and time.monotonic() > deadline:
        raise ScriptLimitExceeded(f"脚本运行超过时限（{TIME_LIMIT_S:g} 秒）")


def guarded_iter(obj: Iterable[Any]) -> Iterator[Any]:
    """`_getiter_`: iterate, checking the deadline at every step."""
    for item in obj:
        tick()
        yield item


def _too_large(what: str) -> ScriptLimitExceeded:
    return ScriptLimitExceeded(f"脚本生成的值过大：{what}（上限 {MAX_ITEMS:,} 项、{MAX_INT_BITS:,} 位）")


def _check_len(size: int, what: str) -> None:
    if size > MAX_ITEMS:
        raise _too_large(what)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_widths(fmt: str, what: str) -> None:
    if any(len(w) > 7 or int(w) > MAX_ITEMS for w in _WIDTH.findall(fmt)):
        raise _too_large(what)


def check_operation(op: str, left: Any, right: Any) -> None:
    """Refuse `left op right` (`**`, `*`, `+`, `<<`, `%`) before it builds a value over the limits."""
    if op == "**":
        if _is_int(left) and _is_int(right) and right > 0 and abs(left) > 1 \
                and right * abs(left).bit_length() > MAX_INT_BITS:
            raise _too_large("a ** b")
    elif op == "*":
        for seq, times in ((left, right), (right, left)):
            if isinstance(seq, _SEQUENCES) and _is_int(times):
                _check_len(len(seq) * times, "sequence * n")
        if _is_int(left) and _is_int(right) and left.bit_length() + right.bit_length() > MAX_INT_BITS:
            raise _too_large("a * b")
    elif op == "+":
        if isinstance(left, _SEQUENCES) and isinstance(right, _SEQUENCES):
            _check_len(len(left) + len(right), "a + b")
    elif op == "<<":
        if _is_int(left) and _is_int(right) and left and right + left.bit_length() > MAX_INT_BITS:
            raise _too_large("a << b")
    elif op == "%" and isinstance(left, str):
        _check_widths(left, "format width")
        if "*" in left:
            args = right if isinstance(right, tuple) else (right,)
            if any(_is_int(a) and abs(a) > MAX_ITEMS for a in args):
                raise _too_large("format width")


_COMPUTE: dict[str, Callable[[Any, Any], Any]] = {
    "**": operator.pow, "*": operator.mul, "+": operator.add, "<<": operator.lshift, "%": operator.mod,
}


def binop(op: str, left: Any, right: Any) -> Any:
    """`_binop_`: `left op right`, checked first."""
    check_operation(op, left, right)
    return _COMPUTE[op](left, right)


_OPS: dict[type[ast.operator], str] = {ast.Pow: "**", ast.Mult: "*", ast.Add: "+", ast.LShift: "<<", ast.Mod: "%"}
# augmented assignments checked like their operator
INPLACE = {"**=": "**", "*=": "*", "+=": "+", "<<=": "<<", "%=": "%"}


def _padding(method: Callable[..., Any], text: str | bytes, name: str) -> Callable[..., Any]:
    def checked(*args: Any, **kwargs: Any) -> Any:
        width = args[0] if args else kwargs.get("width", kwargs.get("tabsize", 0))
        if _is_int(width):
            _check_len(width * (len(text) if name == "expandtabs" else 1), f"str.{name}")
        return method(*args, **kwargs)
    return checked


def _replace(text: str | bytes, method: Callable[..., Any]) -> Callable[..., Any]:
    def checked(old: Any, new: Any, count: int = -1) -> Any:
        found = text.count(old) if count < 0 else min(count, text.count(old))
        _check_len(len(text) + found * max(0, len(new) - len(old)) + (len(text) + 1 if not old else 0), "str.replace")
        return method(old, new, count)
    return checked


def _join(method: Callable[..., Any], separator: str | bytes) -> Callable[..., Any]:
    def checked(items: Iterable[Any]) -> Any:
        parts = list(guarded_iter(items))
        _check_len(sum(len(p) for p in parts if isinstance(p, str | bytes)) + len(separator) * len(parts), "str.join")
        return method(parts)
    return checked


def _format(method: Callable[..., Any], text: str) -> Callable[..., Any]:
    def checked(*args: Any, **kwargs: Any) -> Any:
        _check_widths(text, "format width")
        return method(*args, **kwargs)
    return checked


def guard_attribute(obj: Any, name: str, value: Any) -> Any:
    """Wrap the string methods that could build a huge value from a small call."""
    if not isinstance(obj, str | bytes) or not callable(value):
        return value
    if name in ("ljust", "rjust", "center", "zfill", "expandtabs"):
        return _padding(value, obj, name)
    if name == "replace":
        return _replace(obj, value)
    if name == "join":
        return _join(value, obj)
    if name in ("format", "format_map") and isinstance(obj, str):
        return _format(value, obj)
    return value


def check_result_size(values: Iterable[Any]) -> None:
    """After a script: no value it left behind may be larger than the limit (strings, lists, dicts)."""
    stack = list(values)
    seen = 0
    while stack:
        value = stack.pop()
        if isinstance(value, str | bytes | list | tuple | dict | set):
            seen += len(value)
            if seen > 10 * MAX_ITEMS:
                raise ScriptLimitError(f"脚本数据过大（合计超过 {10 * MAX_ITEMS:,} 项）")
            if isinstance(value, dict):
                stack.extend(value.values())
            elif not isinstance(value, str | bytes):
                stack.extend(value)


class LimitingTransformer(RestrictingNodeTransformer):
    """RestrictedPython's policy plus the limits: guarded operators, ticking loops and calls, no bare except."""

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        """Route the operators that can build huge values through `_binop_`."""
        node = self.node_contents_visit(node)
        op = _OPS.get(type(node.op))
        if op is None:
            return node
        call = ast.Call(func=ast.Name("_binop_", ast.Load()), args=[ast.Constant(op), node.left, node.right],
                        keywords=[])
        return ast.fix_missing_locations(ast.copy_location(call, node))

    def visit_While(self, node: ast.While) -> ast.AST:
        """Every iteration checks the deadline."""
        node = self.node_contents_visit(node)
        node.body.insert(0, _tick_statement(node))
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        """Every call checks the deadline (recursion without loops)."""
        result = super().visit_FunctionDef(node)
        if isinstance(result, ast.FunctionDef):
            result.body.insert(0, _tick_statement(result))
        return result  # type: ignore[return-value]

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> ast.AST:
        """A bare `except:` catches Exception only (never the limit)."""
        if node.type is None:
            node.type = ast.copy_location(ast.Name("Exception", ast.Load()), node)
        return super().visit_ExceptHandler(node)  # type: ignore[return-value]

    def visit_FormattedValue(self, node: ast.FormattedValue) -> ast.AST:
        """f-string widths: constant and within the limit."""
        spec = node.format_spec
        if isinstance(spec, ast.JoinedStr):
            for part in spec.values:
                if isinstance(part, ast.FormattedValue):
                    self.error(node, "f-string format specifications must be constant")
                elif isinstance(part, ast.Constant) and isinstance(part.value, str) and any(
                        len(w) > 7 or int(w) > MAX_ITEMS for w in _WIDTH.findall(part.value)):
                    self.error(node, f"f-string width over {MAX_ITEMS:,}")
        return self.node_contents_visit(node)


def _tick_statement(node: ast.AST) -> ast.stmt:
    call = ast.Expr(ast.Call(func=ast.Name("_tick_", ast.Load()), args=[], keywords=[]))
    return ast.fix_missing_locations(ast.copy_location(call, node))


def _always_true(test: ast.expr) -> bool:
    return isinstance(test, ast.Constant) and bool(test.value)


def _breaks_out(body: list[ast.stmt]) -> bool:
    """Whether a `break` or `return` leaves this loop (not counting those of loops nested inside it)."""
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Break | ast.Return | ast.Raise):
            return True
        if isinstance(node, ast.For | ast.While | ast.AsyncFor):
            stack.extend(node.orelse)  # a nested loop's own breaks end only that loop
            continue
        if isinstance(node, ast.FunctionDef | ast.Lambda | ast.ClassDef):
            continue
        stack.extend(ast.iter_child_nodes(node))
    return False


def unbounded_loops(source: str) -> list[int]:
    """Lines of `while` loops that visibly never end: a constant true condition and no break, return or raise."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []  # the restricted compiler reports it
    return sorted(node.lineno for node in ast.walk(tree)
                  if isinstance(node, ast.While) and _always_true(node.test) and not _breaks_out(node.body))
