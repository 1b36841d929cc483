"""Comments and attachments on a matter: stored outside the rows, checked, and only for its readers."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import sqlalchemy as sa

from engine.storage.attachment_store import AttachmentStore
from engine.models import Attachment, Comment
from tests.conftest import AuthActions, csrf_token
from tests.runtime.test_task_actions import letter

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def upload(api, matter, user, body, files):
    return api.client.post(f"/api/v1/instances/{matter}/comments", headers={
        "Authorization": f"Bearer {api.token(user)}"}, content_type="multipart/form-data",
        data={"body": body, "files": [(io.BytesIO(data), name) for name, data in files]})


def counts(app):
    with app.extensions["powerflow"].db.reader() as session:
        return (session.scalar(sa.select(sa.func.count(Comment.id))),
                session.scalar(sa.select(sa.func.count(Attachment.id))))


def test_a_participant_attaches_files_that_readers_download_and_outsiders_never_see(app, api):
    matter, _ = letter(api, "来信：违建")
    assert api.post(f"/instances/{matter}/follow", "zhaocw", {"follow": True}).status_code == 404  # not a reader
    posted = upload(api, matter, "bangong", "现场照片和核查意见见附件。", [("核查意见.pdf", PDF), ("意见.docx", docx())])
    assert posted.status_code == 201, posted.get_json()
    files = posted.get_json()["attachments"]
    assert [(f["filename"], f["content_type"]) for f in files] == [
        ("核查意见.pdf", "application/pdf"),
        ("意见.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")]
    listed = api.get(f"/instances/{matter}/comments", "bangong").get_json()
    assert [(c["author"], c["body"]) for c in listed] == [("bangong", "现场照片和核查意见见附件。")]

    got = api.get(f"/instances/{matter}/attachments/{files[0]['id']}", "jiwei")  # an auditor reads it
    assert got.status_code == 200 and got.data == PDF
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert got.headers["Content-Disposition"].startswith("attachment")
    store: AttachmentStore = app.extensions["powerflow"].attachments
    sha = __import__("hashlib").sha256(PDF).hexdigest()
    assert store.path(sha).read_bytes() == PDF and Path(store.root) in store.path(sha).parents

    for path in (f"/instances/{matter}/comments", f"/instances/{matter}/attachments/{files[0]['id']}"):
        assert api.get(path, "zhaocw").status_code == 404  # outsiders: as if it did not exist
    assert upload(api, matter, "zhaocw", "旁人意见", []).status_code == 404
    other, _ = letter(api, "来信：别的事")
    assert api.get(f"/instances/{other}/attachments/{files[0]['id']}", "bangong").status_code == 404


def test_bad_files_are_refused_and_nothing_is_kept(app, api):
    matter, _ = letter(api, "来信：附件检查")
    app.extensions["powerflow"].attachments = AttachmentStore(app.config["ATTACHMENTS_DIR"], max_bytes=1024)
    before = counts(app)
    cases = [
        ([("程序.exe", b"MZ\x90\x00")], "类型不允许"),
        ([("伪装.pdf", b"MZ\x90\x00\x03\x00")], "内容与扩展名 .pdf 不符"),
        ([("伪装.docx", PDF)], "内容与扩展名 .docx 不符"),
        ([("大文件.pdf", PDF + b"0" * 2048)], "超过"),
        ([("空.txt", b"")], "空文件"),
        ([("二进制.txt", b"abc\x00def")], "内容与扩展名 .txt 不符"),
        ([("好.pdf", PDF), ("坏.pdf", b"not a pdf")], "坏.pdf"),  # one bad file refuses the whole comment
    ]
    for files, message in cases:
        refused = upload(api, matter, "bangong", "附件", files)
        assert refused.status_code == 422 and message in refused.get_json()["errors"]["files"], (files, refused.get_json())
    empty = api.post(f"/instances/{matter}/comments", "bangong", {"body": "  "})
    assert empty.status_code == 422 and "body" in empty.get_json()["errors"]
    assert counts(app) == before
    assert not list(Path(app.config["ATTACHMENTS_DIR"]).rglob("*"))


def test_the_matter_page_shows_comments_and_takes_uploads(app, api):
    matter, _ = letter(api, "来信：页面附件")
    assert api.post(f"/instances/{matter}/follow", "jiwei", {"follow": True}).get_json() == {"following": True}
    client = app.test_client()
    AuthActions(client).login("bangong")
    page = client.get(f"/matters/{matter}").get_data(as_text=True)
    assert "还没有意见" in page and 'enctype="multipart/form-data"' in page
    done = client.post(f"/matters/{matter}/comments", content_type="multipart/form-data", follow_redirects=True, data={
        "body": "补充材料", "files": [(io.BytesIO("来信人补充说明\n".encode()), "说明.txt")], "csrf_token": csrf_token(page)})
    shown = done.get_data(as_text=True)
    assert "意见已发表，附件 1 个" in shown and "补充材料" in shown and "说明.txt" in shown
    link = f"/matters/{matter}/attachments/"
    href = shown[shown.index(link):].split('"')[0]
    assert client.get(href).data == "来信人补充说明\n".encode()
    notes = api.get("/notifications", "jiwei").get_json()
    assert any(n["title"] == "新意见：来信：页面附件" for n in notes)  # the follower hears of it
