"""Uploaded documents: stored under a random id (the original name only in the DB), size-limited, access-checked."""
from __future__ import annotations

import hashlib
import os
import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from app import clock
from app.errors import InvalidSubmission, NotFound
from app.extensions import db
from app.models import Center, HumanTask, StoredFile, User
from app.services.people import access
from app.vocabulary import OVERSIGHT_ROLES, TaskState

CHUNK = 64 * 1024
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")
# bidirectional controls (U+202E shows "gpj.exe" as "exe.jpg") and invisible marks: dropped from names
_BIDI = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
# types a browser may show inline without risk; anything else is served as an opaque download
INLINE_SAFE = {"application/pdf", "image/png", "image/jpeg", "image/gif", "text/plain"}


@dataclass
class Upload:
    """One file as received from a form: its name as the client sent it, declared type and byte stream."""

    filename: str
    content_type: str
    stream: IO[bytes]


def max_bytes() -> int:
    """The per-file upload limit (TIC_MAX_UPLOAD_MB, default 20 MB)."""
    return int(float(current_app.config.get("TIC_MAX_UPLOAD_MB", 20)) * 1024 * 1024)


def files_dir() -> Path:
    """Where file contents live (TIC_FILES_DIR, default instance/files)."""
    return Path(current_app.config["TIC_FILES_DIR"])


def clean_name(filename: str) -> str:
    """A display name: the last path component, without control, bidirectional or reserved characters, ≤ 200 chars."""
    base = _BIDI.sub("", re.split(r"[/\\]", filename or "")[-1])
    name = _UNSAFE.sub("_", base).strip(" .") or "file"
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 190] + dot + ext[:9]) if dot and len(ext) < 10 else name[:200]
    return name


def _path(file_id: str) -> Path:
    return files_dir() / file_id[:2] / file_id


def new_file_id() -> str:
    """A fresh random id for a file (form data may refer to it before the file is stored)."""
    return str(uuid.uuid4())


def _too_large(name: str, field: str, limit: int) -> InvalidSubmission:
    return InvalidSubmission(_("上传的文件过大"), {field: [
        _("文件“%(name)s”超过 %(mb)s MB 的上限", name=name, mb=f"{limit / (1024 * 1024):g}")]})


def validate_upload(upload: Upload, field: str) -> None:
    """Refuse an upload over the size limit before anything is stored (when its stream can tell its size)."""
    stream = upload.stream
    if not stream.seekable():
        return  # store() still stops at the limit while copying
    start = stream.tell()
    size = stream.seek(0, os.SEEK_END) - start
    stream.seek(start)
    if size > max_bytes():
        raise _too_large(clean_name(upload.filename), field, max_bytes())


def store(user: User, upload: Upload, *, center_id: int | None, instance_id: int | None = None,
          task_id: int | None = None, field: str = "file", file_id: str | None = None) -> StoredFile:
    """Write `upload` to disk (under `file_id` or a random id) and add its row; the caller commits and, when it
    rolls back, calls `delete_content`. Too large → InvalidSubmission."""
    file_id = file_id or new_file_id()
    target = _path(file_id)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    digest, size, limit = hashlib.sha256(), 0, max_bytes()
    name = clean_name(upload.filename)
    try:
        with open(partial, "wb") as out:
            while chunk := upload.stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise _too_large(name, field, limit)
                digest.update(chunk)
                out.write(chunk)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    stored = StoredFile(
        id=file_id, center_id=center_id, instance_id=instance_id, task_id=task_id, name=name,
        content_type=(upload.content_type or "application/octet-stream").split(";")[0].strip()[:120],
        size=size, sha256=digest.hexdigest(), uploaded_by=user.username, uploaded_at=clock.now(),
    )
    db.session.add(stored)
    db.session.flush()
    return stored


def _visible(user: User, stored: StoredFile | None) -> bool:
    if stored is None:
        return False
    if stored.center_id is None:
        return user.role in OVERSIGHT_ROLES or stored.uploaded_by == user.username
    center = db.session.get(Center, stored.center_id)
    return center is not None and access.may_see_center(user, center)


def file_for_download(user: User, file_id: str) -> tuple[StoredFile, Path]:
    """A file `user` may see (anyone who may see its center) and the path of its content; else NotFound."""
    stored = db.session.get(StoredFile, file_id) if re.fullmatch(r"[0-9a-f-]{36}", file_id) else None
    if stored is None or not _visible(user, stored) or not _path(stored.id).is_file():
        raise NotFound(_("文件不存在：%(id)s", id=file_id))
    return stored, _path(stored.id)


def download_type(stored: StoredFile) -> str:
    """The Content-Type to serve: the declared one if harmless, else application/octet-stream."""
    return stored.content_type if stored.content_type in INLINE_SAFE else "application/octet-stream"


def files_by_id(ids: list[str]) -> dict[str, StoredFile]:
    """Stored files by id (for showing attachments referenced by form data)."""
    if not ids:
        return {}
    return {f.id: f for f in db.session.scalars(select(StoredFile).where(StoredFile.id.in_(ids)))}


def center_files(center_id: int) -> list[StoredFile]:
    """A center's documents, newest first: the files its tasks' submissions and drafts refer to (a file uploaded
    to a draft and dropped again is not one); the caller has checked access to the center."""
    rows = db.session.execute(
        select(StoredFile, HumanTask.id, HumanTask.state, HumanTask.data, HumanTask.draft)
        .outerjoin(HumanTask, HumanTask.id == StoredFile.task_id)
        .where(StoredFile.center_id == center_id).order_by(StoredFile.uploaded_at.desc())
    )
    return [stored for stored, task_id, state, data, draft in rows
            if task_id is None or stored.id in _file_ids(data if state == TaskState.COMPLETED else draft)]


def _file_ids(data: Any) -> set[str]:
    """The ids of the files `data` refers to (`{"file_id": ...}` entries at any depth)."""
    if isinstance(data, dict):
        own = {str(data["file_id"])} if data.get("file_id") else set()
        return own.union(*(_file_ids(v) for v in data.values()))
    if isinstance(data, list):
        return set().union(*(_file_ids(v) for v in data))
    return set()


def delete_content(file_id: str) -> None:
    """Remove the bytes of a file whose row was rolled back."""
    _path(file_id).unlink(missing_ok=True)
