"""Backup and restore: every table and attachment round-trips, on SQLite, PostgreSQL and between them."""
from __future__ import annotations

import io
import json
import threading
import time
import zipfile

import pytest

from engine.ops import backup
from engine.audit.chain import verify
from engine.storage.database import Database
from engine.runtime.service import Runtime
from tests.conftest import postgres_schema_url
from tests.cli_helpers import run
from tests.runtime.test_task_actions import REGISTER, letter


def history(api) -> int:
    """A letter returned once, with a comment and an attachment, followed and copied."""
    matter, register = letter(api, "来信：备份演练")
    assert api.complete(register["id"], "bangong", REGISTER).status_code == 200
    classify = api.instance(matter)["current_tasks"][0]
    assert api.post(f"/tasks/{classify['id']}/return", "bangong2", {"reason": "补充地址"}).status_code == 200
    attached = api.client.post(f"/api/v1/instances/{matter}/comments", content_type="multipart/form-data",
                               headers={"Authorization": f"Bearer {api.token('bangong')}"},
                               data={"body": "附现场说明", "files": [(io.BytesIO("现场说明\n".encode()), "说明.txt")]})
    assert attached.status_code == 201
    api.post(f"/instances/{matter}/follow", "jiwei", {"follow": True})
    api.post(f"/instances/{matter}/copies", "bangong", {"to": ["jiandu"], "note": "请监督"})
    return matter


@pytest.fixture
def restored_url(database_url, tmp_path, postgres_reason):
    """An empty database on the same backend as ``database_url``."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored.sqlite'}"
        return
    url, drop = postgres_schema_url(postgres_reason)
    yield url
    drop()


def round_trip(app, api, target_url: str, tmp_path) -> Database:
    matter = history(api)
    source = app.extensions["powerflow"].db
    archive = tmp_path / "powerflow-backup.zip"
    counts = backup.dump(source, archive, app.config["ATTACHMENTS_DIR"])
    assert counts["instances"] == 1 and counts["attachments"] == 1 and counts["audit_events"] > 5
    target, files = Database(target_url), tmp_path / "restored-attachments"
    restored = backup.restore(target, archive, files)
    assert restored == counts
    assert backup.compare(source, target) == []  # every table, row for row
    stored = sorted(p.read_bytes() for p in files.rglob("*") if p.is_file())
    assert stored == ["现场说明\n".encode()]
    with target.reader() as session:
        assert verify(session).problems == []  # the audit chain survives the move
    # The restored database carries on: the returned step is still open, new rows get fresh ids.
    runtime = Runtime(target)
    again = runtime.start("public_feedback", "来信：恢复后", {}, "bangong")
    assert again.instance_id > matter
    with pytest.raises(backup.BackupError, match="已有数据"):
        backup.restore(target, archive, files)
    backup.restore(target, archive, files, replace=True)
    assert backup.compare(source, target) == []
    return target


def test_round_trip_on_each_backend(app, api, restored_url, tmp_path):
    round_trip(app, api, restored_url, tmp_path).dispose()


def test_a_sqlite_backup_restores_into_postgresql(web_app, pg_url, tmp_path):
    from tests.conftest import Api
    round_trip(web_app, Api(web_app.test_client()), pg_url, tmp_path).dispose()


def test_the_commands_back_up_restore_and_refuse_clearly(env, tmp_path):
    assert run(env, "init", "--demo").returncode == 0
    archive = tmp_path / "b.zip"
    made = run(env, "backup", str(archive))
    assert made.returncode == 0 and "已备份" in made.stdout
    other = {**env, "DATABASE_URL": f"sqlite:///{tmp_path / 'other.sqlite'}",
             "POWERFLOW_ATTACHMENTS_DIR": str(tmp_path / "other-attachments")}
    restored = run(other, "restore", str(archive))
    assert restored.returncode == 0 and "已从" in restored.stdout
    refused = run(other, "restore", str(archive))
    assert refused.returncode == 1 and "已有数据" in refused.stderr and "Traceback" not in refused.stderr
    (tmp_path / "junk.zip").write_bytes(b"not a zip")
    junk = run(other, "restore", str(tmp_path / "junk.zip"))
    assert junk.returncode == 1 and "不是有效的备份文件" in junk.stderr and "Traceback" not in junk.stderr
    assert run(other, "audit", "verify").returncode == 0


def test_a_backup_taken_while_matters_start_is_the_database_at_one_moment(db, tmp_path):
    """Tables are read in turn; a backup whose tables came from different moments would break these links."""
    runtime, stop, failures = Runtime(db), threading.Event(), []
    first_started = threading.Event()

    def keep_starting() -> None:
        while not stop.is_set():
            try:
                runtime.start("major_decision", "备份进行时发起的事项", {}, "bangong")
            except Exception as exc:  # noqa: BLE001 (reported below: the writer must not fail either)
                failures.append(exc)
                first_started.set()
                return
            first_started.set()

    writer = threading.Thread(target=keep_starting)
    writer.start()
    try:
        # On a busy machine the first start (parsing the process) can outlast the pause below;
        # a backup of an empty database would prove nothing about moments.
        assert first_started.wait(60), "the writer started no matter in a minute"
        sizes = []
        for n in range(4):
            time.sleep(0.3)  # matters keep starting between and during the backups
            archive = tmp_path / f"moving-{n}.zip"
            backup.dump(db, archive)
            with zipfile.ZipFile(archive) as zipped:
                rows = {name: [json.loads(line) for line in zipped.read(f"tables/{name}.jsonl").decode().splitlines()]
                        for name in ("audit_events", "audit_head", "instances", "human_tasks")}
            events, (head,) = rows["audit_events"], rows["audit_head"]
            assert head["seq"] == len(events) == max(e["seq"] for e in events), "the chain's head and events differ"
            started = {e["instance_id"] for e in events if e["action"] == "start"}
            assert started == {i["id"] for i in rows["instances"]}, "matters and their audit differ"
            assert {t["instance_id"] for t in rows["human_tasks"]} == started, "tasks and matters differ"
            sizes.append(len(rows["instances"]))
    finally:
        stop.set()
        writer.join()
    assert not failures
    assert sizes == sorted(sizes) and sizes[-1] > sizes[0], "nothing was written while the backups ran"
