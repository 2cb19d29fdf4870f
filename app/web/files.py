"""Downloading stored documents: only for users who may see the file's center."""
from __future__ import annotations

from flask import Blueprint, send_file
from werkzeug.wrappers import Response

from app.services.infrastructure import files
from app.web.auth import current_staff, login_required

bp = Blueprint("files", __name__)


@bp.route("/files/<file_id>")
@login_required
def download(file_id: str) -> Response:
    """The file as an attachment under its original name (404 when missing or not visible)."""
    stored, path = files.file_for_download(current_staff(), file_id)
    response = send_file(path, mimetype=files.download_type(stored), as_attachment=True,
                         download_name=stored.name, max_age=0, etag=stored.sha256)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
