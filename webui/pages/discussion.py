"""Comments, attachments and following on the matter page."""
from __future__ import annotations

from io import BytesIO

from flask import Blueprint, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from engine.storage import idempotency
from engine.collaboration.discussion import Discussion
from engine.errors import FormInvalid, PowerflowError

from webui.http.services import services
from webui.http.errors import field_errors, wants_json
from webui.http.redirects import is_local_path

bp = Blueprint("discussion", __name__)
UPLOAD_ENDPOINTS = {"discussion.add", "api_discussion.comment_add"}
MB = 1024 * 1024


def upload_limit() -> int:
    """The most one comment's request may carry: three files at the per-file limit, plus the text."""
    return current_app.config["ATTACHMENT_MAX_BYTES"] * 3 + MB


def uploads() -> list[tuple[str, bytes]]:
    """The request's files (field ``files``), read within the attachment size limit."""
    request.max_content_length = upload_limit()
    return [(f.filename or "", f.read()) for f in request.files.getlist("files") if f.filename]


def _raise_upload_limit() -> None:
    if request.endpoint in UPLOAD_ENDPOINTS:
        request.max_content_length = upload_limit()


@bp.record_once
def _limit_before_csrf(state) -> None:
    # CSRF protection reads the form in an earlier before_request, under the app-wide 2 MB limit;
    # the comment form's own limit has to be in place before that first read.
    state.app.before_request_funcs.setdefault(None, []).insert(0, _raise_upload_limit)


def megabytes(size: int) -> str:
    """A size in MB as people read it: 10, 1.3."""
    return f"{round(size / MB, 1):g}"


def _too_large_message() -> str:
    limit = request.max_content_length or current_app.config["MAX_CONTENT_LENGTH"] or 0
    return _("提交的内容超过上限 %(mb)s MB，服务器没有收下。", mb=megabytes(limit))


@bp.app_errorhandler(RequestEntityTooLarge)
def too_large(_error):
    """413 as a page the user can go on from: the comment form again, or a way back to the form."""
    message = _too_large_message()
    if wants_json():
        return {"error": message}, 413
    instance_id = (request.view_args or {}).get("instance_id")
    if request.endpoint == "discussion.add" and current_user.is_authenticated and instance_id:
        from webui.pages.matters import page
        hint = _("附件合计过大：每个附件不超过 %(each)s MB，一次合计不超过 %(total)s MB。"
                 "您的意见文字未能送达，请重新填写后分几次上传。",
                 each=megabytes(current_app.config["ATTACHMENT_MAX_BYTES"]), total=megabytes(upload_limit()))
        try:
            return page(instance_id, status=413, comment_errors={"files": message + hint})
        except PowerflowError:  # a matter they may not read: the plain page below, never an error in the handler
            pass
    back = _local(request.referrer or "")
    return render_template("error.html", status=413, message=message, errors={},
                           hint=_("请缩小附件或减少内容后，返回重新提交。"), back=back if is_local_path(back) else None), 413


def _local(url: str) -> str:
    """The path and query of a URL on this site (the referrer comes as a full URL)."""
    root = request.host_url
    return url[len(root) - 1:] if url.startswith(root) else url


def discussion() -> Discussion:
    """The engine's discussion service of this app."""
    return Discussion(services().db, services().attachments)


def attachment_response(instance_id: int, attachment_id: int, username: str):
    """The file as a download, whatever it claims to be (never rendered inline)."""
    found = discussion().attachment(instance_id, attachment_id, username)
    response = send_file(BytesIO(found.data), mimetype=found.content_type, as_attachment=True,
                         download_name=found.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.post("/matters/<int:instance_id>/comments")
@login_required
def add(instance_id: int):
    files = uploads()
    body = request.form.get("body")
    try:
        comment_id, created = discussion().post(instance_id, current_user.username, body, files,
                                                request.form.get(idempotency.FIELD))
    except FormInvalid as refused:
        # The page again with the text as typed; only the files must be chosen anew.
        return page_with_errors(instance_id, body, refused.errors)
    if created:
        flash(_("意见已发表，附件 %(n)d 个", n=len(files)) if files else _("意见已发表"))
    return redirect(url_for("matters.show", instance_id=instance_id) + f"#comment-{comment_id}")


def page_with_errors(instance_id: int, body, errors: dict):
    """The matter page (422) keeping the typed comment, each refused field with its reason."""
    from webui.pages.matters import page
    errors = field_errors(errors)
    if "files" in errors:
        errors["files"] = errors["files"] + _("（请重新选择附件）")
    return page(instance_id, status=422, comment_body=body if isinstance(body, str) else "",
                comment_errors=errors, form_token=request.form.get(idempotency.FIELD))


@bp.get("/matters/<int:instance_id>/attachments/<int:attachment_id>")
@login_required
def download(instance_id: int, attachment_id: int):
    return attachment_response(instance_id, attachment_id, current_user.username)


@bp.post("/matters/<int:instance_id>/follow")
@login_required
def follow(instance_id: int):
    on = request.form.get("on") == "1"
    discussion().follow(instance_id, current_user.username, on)
    flash(_("已关注：事项有进展时会通知您") if on else _("已取消关注"))
    return redirect(url_for("matters.show", instance_id=instance_id))
