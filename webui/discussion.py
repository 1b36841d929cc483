"""Comments, attachments and following on the matter page."""
from __future__ import annotations

from io import BytesIO

from flask import Blueprint, current_app, flash, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from engine import comments, followers
from engine.directory import Directory
from engine.errors import FormInvalid
from engine.models import utcnow

from . import services
from .actions import flash_refusal

bp = Blueprint("discussion", __name__)


def uploads() -> list[tuple[str, bytes]]:
    """The request's files (field ``files``), read within the attachment size limit."""
    request.max_content_length = current_app.config["ATTACHMENT_MAX_BYTES"] * 3 + 1024 * 1024
    return [(f.filename or "", f.read()) for f in request.files.getlist("files") if f.filename]


def attachment_response(instance_id: int, attachment_id: int, username: str):
    """The file as a download, whatever it claims to be (never rendered inline)."""
    with services().db.reader() as session:
        found = comments.attachment(session, instance_id, attachment_id, Directory(session).user(username))
        name, kind, sha = found.filename, found.content_type, found.sha256
    response = send_file(BytesIO(services().attachments.read(sha)), mimetype=kind, as_attachment=True,
                         download_name=name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.post("/matters/<int:instance_id>/comments")
@login_required
def add(instance_id: int):
    files = uploads()
    try:
        with services().db.transaction() as session:
            comments.add(session, services().attachments, instance_id, Directory(session).user(current_user.username),
                         request.form.get("body"), files, utcnow())
        flash(_("意见已发表，附件 %(n)d 个", n=len(files)) if files else _("意见已发表"))
    except FormInvalid as refused:
        flash_refusal("未能发表", refused)
    return redirect(url_for("matters.show", instance_id=instance_id) + "#comments")


@bp.get("/matters/<int:instance_id>/attachments/<int:attachment_id>")
@login_required
def download(instance_id: int, attachment_id: int):
    return attachment_response(instance_id, attachment_id, current_user.username)


@bp.post("/matters/<int:instance_id>/follow")
@login_required
def follow(instance_id: int):
    on = request.form.get("on") == "1"
    with services().db.transaction() as session:
        followers.set_following(session, Directory(session).user(current_user.username), instance_id, on, utcnow())
    flash(_("已关注：事项有进展时会通知您") if on else _("已取消关注"))
    return redirect(url_for("matters.show", instance_id=instance_id))
