"""Actions on the center a procedure runs for: status transitions, record updates, follow-up procedures."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from handlers.registry import HandlerContext, operator

UPDATABLE = ("name", "category", "approved_at", "established_at", "profile", "organisations")


@operator("set_center_status")
def set_center_status(params: Mapping[str, Any], context: HandlerContext) -> dict[str, Any]:
    """Move the center to `status`, citing `article` (logged by the application with the step)."""
    status = str(params["status"])
    if status not in context.service("center_statuses")():
        raise ValueError(f"unknown center status {status!r}")
    article = str(params.get("article") or "")
    if not article:
        raise ValueError("a center status change must cite its article")
    context.emit("center_status", status=status, article=article, element_id=context.element_id)
    return {"status": status, "article": article}


@operator("update_center")
def update_center(params: Mapping[str, Any], context: HandlerContext) -> dict[str, Any]:
    """Update the center's record (e.g. an approved major change); `fields` maps field -> value."""
    fields = dict(params["fields"])
    unknown = sorted(set(fields) - set(UPDATABLE))
    if unknown:
        raise ValueError(f"fields not updatable: {unknown}")
    article = str(params.get("article") or "")
    context.emit("center_update", fields=fields, article=article, element_id=context.element_id)
    return {"updated": sorted(fields)}


@operator("start_procedure")
def start_procedure(params: Mapping[str, Any], context: HandlerContext) -> dict[str, Any]:
    """Start another procedure for the same center (e.g. revocation after repeated missing reports)."""
    process_key = str(params["process_key"])
    data = dict(params.get("data") or {})
    context.emit("start_procedure", process_key=process_key, data=data, element_id=context.element_id,
                 article=str(params.get("article") or ""))
    return {"requested": process_key}


@operator("consecutive_missing_reports")
def consecutive_missing_reports(params: Mapping[str, Any], context: HandlerContext) -> dict[str, Any]:
    """How many consecutive owed annual reports up to `report_year` were never submitted (a late one was)."""
    count = int(context.service("consecutive_missing_reports")(int(params["center_id"]), int(params["report_year"])))
    return {"count": count}
