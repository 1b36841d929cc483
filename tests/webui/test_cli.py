"""The powerflow command: init, deploy, users, serve."""
from __future__ import annotations

import http.cookiejar
import re
import shutil
import socket
import subprocess
import time
import urllib.parse
import urllib.request

from tests.cli_helpers import POWERFLOW, run
from tests.conftest import PROCESSES, ROOT


def test_init_demo_then_deploy_reports_unchanged(env):
    first = run(env, "init", "--demo")
    assert first.returncode == 0, first.stderr
    assert "新增  major_decision  第 1 版  重大决策" in first.stdout
    assert "新增  committee_meeting  第 1 版  常委会会议" in first.stdout
    assert "22 个用户" in first.stdout and "新建事项 5 个" in first.stdout
    again = run(env, "deploy")
    lines = again.stdout.splitlines()
    assert again.returncode == 0 and len(lines) == len(list(PROCESSES.glob("*.bpmn")))
    assert all(line.startswith("未变  ") for line in lines) and "未变  major_decision  第 1 版  重大决策" in lines
    listing = run(env, "users", "list").stdout
    assert "shuji" in listing and "书记" in listing and "jiwei" in listing


def test_users_are_managed_from_the_command_line(env):
    assert run(env, "init").returncode == 0
    added = run(env, "users", "add", "liming", "--name", "李明", "--password", "s3cret!", "--role", "办公室")
    assert added.returncode == 0 and "已保存 liming：办公室" in added.stdout
    unknown = run(env, "users", "add", "liming", "--role", "皇帝")
    assert unknown.returncode == 1 and "角色不存在：皇帝" in unknown.stderr and "Traceback" not in unknown.stderr
    nopass = run(env, "users", "add", "nobody")
    assert nopass.returncode == 1 and "新用户必须设置密码" in nopass.stderr
    assert run(env, "users", "add", "wangcw", "--password", "x", "--role", "常委").returncode == 0
    assert run(env, "users", "field", "经济发展", "wangcw").returncode == 0
    assert run(env, "users", "deactivate", "liming").returncode == 0
    assert "李明（已停用）" in run(env, "users", "list").stdout


def test_deploy_error_names_file_and_element_without_traceback(env, tmp_path):
    copy = tmp_path / "processes"
    shutil.copytree(PROCESSES, copy)
    bpmn = copy / "committee_meeting.bpmn"
    bpmn.write_text(bpmn.read_text(encoding="utf-8").replace(
        "should_attend = len(committee)", "import os\nshould_attend = len(committee)"), encoding="utf-8")
    assert run(env, "init").returncode == 0
    result = run({**env, "POWERFLOW_PROCESSES_DIR": str(copy)}, "deploy")
    assert result.returncode == 1
    assert "committee_meeting.bpmn [check_in]" in result.stderr and "不允许 import" in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_runs_gunicorn_workers_that_share_one_session_key(env, tmp_path):
    assert run(env, "init", "--demo").returncode == 0
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # No key given: the server generates one under a fresh instance folder while both workers start.
    env = {k: v for k, v in env.items() if k != "POWERFLOW_SECRET_KEY"} | {"POWERFLOW_INSTANCE_PATH": str(tmp_path / "i")}
    server = subprocess.Popen([POWERFLOW, "serve", "--port", str(port), "--workers", "2"], env=env, cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                login_page = opener.open(f"{base}/login", timeout=2).read().decode()
                break
            except OSError:
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.3)
        token = re.search(r'id="csrf_token"[^>]*value="([^"]+)"', login_page).group(1)
        form = urllib.parse.urlencode({"username": "zhoucw", "password": "demo", "csrf_token": token}).encode()
        opener.open(f"{base}/login", data=form, timeout=5)
        # Several requests land on both workers; each must accept the same session cookie.
        pages = [opener.open(f"{base}/tasks", timeout=5).read().decode() for _ in range(8)]
        assert all("周常委" in page and "待办" in page for page in pages)
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert output.count("Booting worker") == 2
    assert len((tmp_path / "i" / "secret_key").read_text()) == 64


def test_diagrams_renders_every_process(env, tmp_path):
    result = run(env, "diagrams", "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    svg = (tmp_path / "out" / "major_decision.svg").read_text(encoding="utf-8")
    assert svg.startswith("<svg") and "el_await_decision" in svg and "分管常委审核议题" in svg
    meeting = (tmp_path / "out" / "committee_meeting.svg").read_text(encoding="utf-8")
    assert "el_item_vote" in meeting and "上级组织裁决" in meeting
    # The published diagrams/ holds a chart for every process in processes/.
    published = {p.stem for p in (ROOT / "diagrams").glob("*.svg")}
    assert published == {p.stem for p in PROCESSES.glob("*.bpmn")}


def test_R4_admin_enters_the_official_schedule_of_later_years(env):
    assert run(env, "init").returncode == 0
    assert run(env, "calendar", "set", "2027-10-09", "--workday", "--note", "国庆节调休上班").returncode == 0
    assert run(env, "calendar", "set", "2027-10-08", "--holiday", "--note", "国庆节").returncode == 0
    listing = run(env, "calendar", "list", "--year", "2027").stdout
    assert "2027-10-08  休息  国庆节" in listing and "2027-10-09  上班  国庆节调休上班" in listing
    assert run(env, "calendar", "set", "2027-13-01", "--holiday").returncode == 2  # click usage error, no traceback
    assert "已删除 2027-10-08" in run(env, "calendar", "remove", "2027-10-08").stdout
    assert "2027-10-08" not in run(env, "calendar", "list", "--year", "2027").stdout


def test_serve_fires_timers_itself_on_the_demo_database(env, tmp_path):
    from engine.storage.database import Database
    from engine.models import Timer
    from engine.runtime.service import Runtime
    processes = tmp_path / "processes"
    shutil.copytree(PROCESSES, processes)
    shutil.copy(ROOT / "tests" / "data" / "timer_reminder.bpmn", processes)
    env = {**env, "POWERFLOW_PROCESSES_DIR": str(processes)}
    assert run(env, "init", "--demo").returncode == 0
    db = Database(env["DATABASE_URL"])
    instance_id = Runtime(db).start("timer_reminder", "演示定时器", {}, "bangong").instance_id
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([POWERFLOW, "serve", "--port", str(port), "--workers", "1"], env=env, cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            with db.reader() as session:
                states = {t.element_id: t.state for t in session.query(Timer).filter_by(instance_id=instance_id)}
            if states.get("wait") == "fired":
                break
            assert time.monotonic() < deadline, f"timer not fired by the server: {states}"
            time.sleep(0.5)
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
        db.dispose()
    assert "timers are fired by this server" in output


def test_lint_command_reports_file_and_element(env, tmp_path):
    ok = run(env, "lint")
    assert ok.returncode == 0 and "检查通过" in ok.stdout
    broken = tmp_path / "processes"
    shutil.copytree(PROCESSES, broken)
    path = broken / "major_decision.bpmn"
    path.write_text(path.read_text(encoding="utf-8").replace('name="办公室">', 'name="某某处">'), encoding="utf-8")
    failed = run(env, "lint", "--dir", str(broken))
    assert failed.returncode == 1
    assert "错误：major_decision.bpmn [lane_office]" in failed.stderr and "Traceback" not in failed.stderr
