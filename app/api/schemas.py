"""Marshmallow schemas of the API's requests and answers."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.vocabulary import InstanceStatus, Policy


class HealthSchema(Schema):
    """Answer of the health check: database and clock state."""

    status = fields.String()
    database = fields.String()
    clock = fields.String()
    now = fields.DateTime()


class ProcessSchema(Schema):
    """A deployed process definition with its policy's window of force."""

    key = fields.String()
    version = fields.Integer()
    name = fields.String()
    policy = fields.String()
    policy_title = fields.String(allow_none=True)
    deployed_at = fields.DateTime()
    effective_from = fields.Date(allow_none=True)
    effective_to = fields.Date(allow_none=True)
    in_force = fields.Boolean()
    note = fields.String(allow_none=True, metadata={"description": "why the policy is not in force today"})


class CenterCreateSchema(Schema):
    """Body that registers a center: name, policy, organisations by role, profile."""

    name = fields.String(required=True, validate=validate.Length(min=2, max=200))
    policy = fields.String(required=True)
    category = fields.String(load_default=None, allow_none=True)
    status = fields.String(load_default="proposed")
    approved_at = fields.Date(load_default=None, allow_none=True)
    established_at = fields.Date(load_default=None, allow_none=True)
    organisations = fields.Dict(keys=fields.String(), values=fields.Integer(), load_default=dict)
    profile = fields.Dict(load_default=dict)


class CenterSchema(Schema):
    """A center as answered: status, key dates, organisations by role, profile."""

    id = fields.Integer()
    name = fields.String()
    policy = fields.String()
    category = fields.String(allow_none=True)
    status = fields.String()
    approved_at = fields.Date(allow_none=True)
    established_at = fields.Date(allow_none=True)
    organisations = fields.Method("_organisations")
    profile = fields.Dict()

    def _organisations(self, center: object) -> dict[str, int]:
        return {o.role: o.organisation_id for o in getattr(center, "organisations", [])}


class CenterQuerySchema(Schema):
    """Filters of the center list."""

    policy = fields.String(validate=validate.OneOf([str(p) for p in Policy]))


class InstanceCreateSchema(Schema):
    """Body that starts a procedure for a center."""

    process_key = fields.String(required=True)
    center_id = fields.Integer(required=True)
    data = fields.Dict(load_default=dict)


class HumanTaskSchema(Schema):
    """A human task as listed in an inbox."""

    id = fields.Integer()
    instance_id = fields.Integer()
    center_id = fields.Integer(allow_none=True)
    element_id = fields.String()
    name = fields.String()
    lane = fields.String(allow_none=True)
    # the lane under the name the API speaks; a plain field: marshmallow inspects a Function's signature on every dump
    role = fields.String(attribute="lane", allow_none=True, dump_only=True)
    organisation_id = fields.Integer(allow_none=True)
    form_key = fields.String(allow_none=True)
    article = fields.String(allow_none=True)
    due_at = fields.DateTime(allow_none=True)
    state = fields.String()
    created_at = fields.DateTime()
    completed_at = fields.DateTime(allow_none=True)
    completed_by = fields.String(allow_none=True)


class TaskDetailSchema(HumanTaskSchema):
    """A task with its form, prefill, recorded data and the instance version to complete against."""

    form = fields.Dict(allow_none=True)
    data = fields.Dict()
    recorded = fields.Dict(attribute="context", data_key="context", dump_only=True,
                           metadata={"description": "data recorded by earlier steps (submissions, check results)"})
    instance_version = fields.Integer()


class TaskCompletedSchema(HumanTaskSchema):
    """A completed task with where its instance stands, so a client drives a procedure with one call per step."""

    instance_status = fields.String(metadata={"description": "the instance's status after this step"})
    instance_version = fields.Integer(metadata={"description": "the instance's version after this step (If-Match)"})
    next_tasks = fields.List(fields.Nested(HumanTaskSchema), metadata={
        "description": "ready tasks of this instance the caller may work on next, in the order they became ready"})


class TaskQuerySchema(Schema):
    """Filters of the task inbox."""

    center_id = fields.Integer()
    process_key = fields.String()
    instance_id = fields.Integer(metadata={"description": "only the tasks of this process instance"})


class TaskCompleteSchema(Schema):
    """Body that completes a task: the form data and optionally the instance version seen."""

    data = fields.Dict(load_default=dict)
    instance_version = fields.Integer(load_default=None, allow_none=True)


class StoredFileSchema(Schema):
    """An uploaded file as stored: id, name, type, size and checksum."""

    file_id = fields.String(attribute="id", metadata={"description": "refer to it in form data as {name, file_id}"})
    name = fields.String()
    content_type = fields.String()
    size = fields.Integer()
    sha256 = fields.String()


class TaskDraftSchema(Schema):
    """Body that saves a task's unfinished form data."""

    data = fields.Dict(load_default=dict, metadata={"description": "unfinished form data, not validated"})


class TimerSchema(Schema):
    """A timer of an instance waiting to fire."""

    id = fields.Integer()
    element_id = fields.String()
    name = fields.String()
    article = fields.String(allow_none=True)
    due_at = fields.DateTime()
    state = fields.String()


class InstanceSchema(Schema):
    """A process instance as listed: process, center, status, version and start data."""

    id = fields.Integer()
    process_key = fields.String()
    definition_id = fields.Integer()
    center_id = fields.Integer(allow_none=True)
    status = fields.String()
    version = fields.Integer()
    business_key = fields.String(allow_none=True)
    started_by = fields.String(allow_none=True)
    started_at = fields.DateTime()
    updated_at = fields.DateTime()
    completed_at = fields.DateTime(allow_none=True)
    error = fields.String(allow_none=True)
    data = fields.Dict(attribute="start_data", allow_none=True)


class InstanceDetailSchema(InstanceSchema):
    """An instance with its ready tasks and waiting timers."""

    ready_tasks = fields.List(fields.Nested(HumanTaskSchema))
    timers = fields.List(fields.Nested(TimerSchema))
    waiting_timers = fields.List(fields.Nested(TimerSchema), attribute="timers", dump_only=True)
    warnings = fields.List(fields.Dict(), dump_only=True, metadata={
        "description": "on start only: what the start warned about, [{code, message}] (e.g. policy_out_of_force "
                       "after a trial policy lapsed)"})


class InstanceQuerySchema(Schema):
    """Filters of the instance list."""

    center_id = fields.Integer()
    status = fields.String(validate=validate.OneOf([str(s) for s in InstanceStatus]))


class EventSchema(Schema):
    """One entry of an instance's audit trail."""

    id = fields.Integer()
    at = fields.DateTime()
    actor = fields.String()
    kind = fields.String()
    element_id = fields.String(allow_none=True)
    element_name = fields.String(allow_none=True)
    article = fields.String(allow_none=True)
    payload = fields.Dict(allow_none=True)


class ClockSchema(Schema):
    """The clock's time and mode, and what moving it fired and started."""

    now = fields.DateTime()
    mode = fields.String()
    timers_fired = fields.Integer()
    instances_started = fields.Integer()


class ClockSetSchema(Schema):
    """Body that moves the simulated clock: by a duration or to a moment."""

    advance = fields.String(metadata={"description": "ISO 8601 duration, e.g. P1D"})
    now = fields.AwareDateTime(metadata={"description": "ISO datetime with offset"})


class NotificationSchema(Schema):
    """An in-app notification of the caller."""

    id = fields.Integer()
    instance_id = fields.Integer(allow_none=True)
    template = fields.String()
    title = fields.String()
    body = fields.String()
    created_at = fields.DateTime()
    read_at = fields.DateTime(allow_none=True)


class NotificationQuerySchema(Schema):
    """Filters of the notification list."""

    unread = fields.Boolean(load_default=False)
