"""Notification actions: ask the application to notify the users of a role of the center."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from handlers.registry import HandlerContext, operator


@operator("notify")
def notify(params: Mapping[str, Any], context: HandlerContext) -> dict[str, Any]:
    """Emit a notification to `role` from `template` (with an optional `message`); returns what was queued."""
    role = str(params["role"])
    template = str(params["template"])
    extra = {"message": str(params["message"])} if params.get("message") else {}
    context.emit("notification", role=role, template=template, element_id=context.element_id, **extra)
    return {"queued": True, "role": role, "template": template}
