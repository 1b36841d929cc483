"""deploy/'s nginx site in front of `powerflow serve`, as installed: Debian's nginx on free ports with a
self-signed certificate, the site file rewritten only for ports, paths and the certificate."""
from __future__ import annotations

import http.client
import json
import os
import pwd
import re
import shutil
import signal
import socket
import ssl
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from tests.cli_helpers import POWERFLOW
from tests.conftest import PROCESSES, REQUIRE_PG, ROOT, free_port, prepare

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
DEPLOY = ROOT / "deploy"
MB = 1024 * 1024


def wait_for(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing answers on {port}: {log.read_text()}")


def site(folder: Path, http_port: int, https_port: int, app_port: int) -> Path:
    """nginx.conf holding deploy/'s site: only ports, the certificate, the include path and temp paths differ."""
    text = (DEPLOY / "nginx-powerflow.conf").read_text()
    text = text.replace("server 127.0.0.1:5000;", f"server 127.0.0.1:{app_port};")
    text = re.sub(r"listen 80;\n\s*listen \[::\]:80;", f"listen 127.0.0.1:{http_port};", text)
    text = re.sub(r"listen 443 ssl;\n\s*listen \[::\]:443 ssl;", f"listen 127.0.0.1:{https_port} ssl;", text)
    text = text.replace("/etc/ssl/powerflow/fullchain.pem", str(folder / "cert.pem"))
    text = text.replace("/etc/ssl/powerflow/privkey.pem", str(folder / "key.pem"))
    text = text.replace("/etc/nginx/powerflow-proxy.conf", str(folder / "proxy.conf"))
    assert text.count(str(folder)) == 4, "the site file changed shape: update this test's rewriting"
    shutil.copy(DEPLOY / "nginx-powerflow-proxy.conf", folder / "proxy.conf")
    (folder / "site.conf").write_text(text)
    temp = folder / "temp"
    temp.mkdir()
    main = folder / "nginx.conf"
    # Workers as the test's own user (as root nginx would otherwise use nobody, who cannot enter the
    # test's folders; as anyone else the directive is ignored).
    main.write_text(f"""daemon off;
user {pwd.getpwuid(os.geteuid()).pw_name};
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {folder}/site.conf;
}}
""")
    return main


def certificate(folder: Path) -> None:
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(folder / "key.pem"),
                    "-out", str(folder / "cert.pem")], check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def proxied(tmp_path_factory):
    """(https port, http port, context, serve's log): nginx with deploy/'s site, in front of `powerflow serve`."""
    if not Path(NGINX).exists():
        if REQUIRE_PG:
            pytest.fail("nginx is required here (scripts/install --test installs it)")
        pytest.skip("nginx is not installed (scripts/install --test installs it)")
    folder = tmp_path_factory.mktemp("proxy")
    url = f"sqlite:///{folder / 'proxied.sqlite'}"
    prepare(url).dispose()
    app_port, http_port, https_port = free_port(), free_port(), free_port()
    env = {**os.environ, "DATABASE_URL": url, "POWERFLOW_SECRET_KEY": "proxied-node-secret-key-of-32-chars",
           "POWERFLOW_PROCESSES_DIR": str(PROCESSES), "POWERFLOW_INSTANCE_PATH": str(folder / "instance"),
           "POWERFLOW_ATTACHMENTS_DIR": str(folder / "attachments"), "POWERFLOW_HTTPS": "1",
           "POWERFLOW_TRUSTED_PROXIES": "1", "POWERFLOW_LOGIN_RATE_LIMIT": "3 per minute",
           "POWERFLOW_LOG_FORMAT": "json"}
    certificate(folder)
    config = site(folder, http_port, https_port, app_port)
    app_log, proxy_log = folder / "serve.log", folder / "nginx.out"
    with app_log.open("w") as out:
        app = subprocess.Popen([POWERFLOW, "serve", "--port", str(app_port), "--workers", "1", "--no-timers"],
                               env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    with proxy_log.open("w") as out:
        proxy = subprocess.Popen([NGINX, "-c", str(config), "-p", str(folder)], stdout=out, stderr=subprocess.STDOUT,
                                 start_new_session=True)
    try:
        wait_for(app_port, app, app_log)
        wait_for(https_port, proxy, folder / "error.log")
        context = ssl.create_default_context(cafile=str(folder / "cert.pem"))
        yield https_port, http_port, context, app_log
    finally:
        for process in (proxy, app):
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)


def request(proxied, method: str, path: str, body: bytes | None = None, headers: dict | None = None,
            source: str = "127.0.0.2") -> tuple[int, dict, bytes]:
    """One HTTPS request through nginx from the loopback address ``source`` (nginx listens on 127.0.0.1)."""
    port, _, context, _ = proxied
    connection = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=60,
                                             source_address=(source, 0))
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    answer = response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    connection.close()
    return answer


def test_plain_http_is_sent_to_https(proxied):
    _, http_port, _, _ = proxied
    connection = http.client.HTTPConnection("127.0.0.1", http_port, timeout=30)
    connection.request("GET", "/login")
    response = connection.getresponse()
    assert response.status == 301 and response.getheader("Location").startswith("https://")


def test_https_pages_carry_hsts_and_secure_cookies(proxied):
    status, headers, _ = request(proxied, "GET", "/login")
    assert status == 200
    assert headers["strict-transport-security"].startswith("max-age=")
    assert "secure" in headers["set-cookie"].lower() and "httponly" in headers["set-cookie"].lower()


def test_the_sign_in_limiter_counts_the_client_not_the_proxy_and_a_forged_address_does_not_help(proxied):
    _, _, _, app_log = proxied
    tries = [request(proxied, "POST", "/api/v1/auth/token", json.dumps({"username": "bangong", "password": "x"}).encode(),
                     {"Content-Type": "application/json", "X-Forwarded-For": f"203.0.113.{n}",
                      "X-Request-ID": f"limiter-{uuid.uuid4().hex}"}, source="127.0.0.2")[0] for n in range(4)]
    assert tries == [401, 401, 401, 429]  # each try claimed another address: nginx replaced it with the real one
    other = request(proxied, "POST", "/api/v1/auth/token", json.dumps({"username": "bangong", "password": "x"}).encode(),
                    {"Content-Type": "application/json"}, source="127.0.0.3")
    assert other[0] == 401  # another client is not limited by the first one's tries
    give_up = time.monotonic() + 10
    while True:  # the application writes its line after answering: on a busy machine it can lag the answer
        time.sleep(0.2)
        lines = [json.loads(line) for line in app_log.read_text().splitlines() if line.startswith("{")]
        clients = {line["client"] for line in lines if line.get("path") == "/api/v1/auth/token"}
        if len(clients) >= 2 or time.monotonic() > give_up:
            break
    assert clients == {"127.0.0.2", "127.0.0.3"}  # what the application saw: the clients, not nginx's 127.0.0.1


def test_the_body_limit_agrees_with_the_applications(proxied):
    from webui import create_app
    app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://", "SECRET_KEY": "x" * 32})
    per_file = app.config["ATTACHMENT_MAX_BYTES"]
    with app.app_context():
        from webui.pages.discussion import upload_limit
        whole = upload_limit()
    nginx_limit = re.search(r"client_max_body_size (\d+)m;", (DEPLOY / "nginx-powerflow.conf").read_text())
    assert int(nginx_limit.group(1)) * MB == whole == 3 * per_file + MB

    login = request(proxied, "POST", "/api/v1/auth/token", json.dumps({"username": "bangong", "password": "demo"})
                    .encode(), {"Content-Type": "application/json"}, source="127.0.0.9")
    token = json.loads(login[2])["token"]
    matter = request(proxied, "POST", "/api/v1/processes/public_feedback/instances",
                     json.dumps({"title": "来信：大附件", "data": {}}).encode(),
                     {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}, source="127.0.0.9")
    matter_id = json.loads(matter[2])["id"]

    def comment(*sizes: int) -> tuple[int, dict, bytes]:
        boundary = uuid.uuid4().hex
        parts = [f"--{boundary}\r\nContent-Disposition: form-data; name=\"body\"\r\n\r\n附件\r\n".encode()]
        for n, size in enumerate(sizes):
            parts.append(f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"f{n}.txt\"\r\n"
                         f"Content-Type: text/plain\r\n\r\n".encode() + b"a" * size + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return request(proxied, "POST", f"/api/v1/instances/{matter_id}/comments", body,
                       {"Content-Type": f"multipart/form-data; boundary={boundary}",
                        "Authorization": f"Bearer {token}"}, source="127.0.0.9")

    assert comment(per_file, per_file, per_file - 64 * 1024)[0] == 201  # three files at the limit pass nginx
    status, _, body = comment(per_file + 1)
    assert status == 422 and "files" in json.loads(body)["errors"]  # the application names the file
    status, _, body = comment(per_file, per_file, per_file, MB)
    assert status == 413 and b"nginx" in body  # beyond what the application would take: nginx refuses
