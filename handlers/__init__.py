"""Service-task handlers: automated checks and actions, pure Python (no Flask, no SQLAlchemy)."""
from handlers.registry import HandlerContext, UnknownOperator, call, operator, registered

__all__ = ["HandlerContext", "UnknownOperator", "call", "operator", "registered"]

# Importing the modules registers their operators.
from handlers import center_ops, checks, notify, policy_ops, time_ops  # noqa: E402,F401
