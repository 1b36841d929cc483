"""A real OpenLDAP: Debian's slapd started on a free port with a generated configuration and directory.

Used by the directory tests: people in ou=people, groups of names in ou=groups, a read-only service account.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from ldap3 import MODIFY_REPLACE, Connection, Server

from tests.conftest import REQUIRE_PG, free_port

SLAPD = shutil.which("slapd") or "/usr/sbin/slapd"
BASE = "dc=example,dc=gov,dc=cn"
ADMIN = f"cn=admin,{BASE}"
ADMIN_PASSWORD = "directory-admin-secret"
SERVICE = f"cn=powerflow,ou=services,{BASE}"
SERVICE_PASSWORD = "service-account-secret"
PEOPLE = {  # uid: (cn, password, groups)
    "lishuji": ("李书记", "ldap-pass-lishuji", ["shuji", "changwei"]),
    "wangcw": ("王常委", "ldap-pass-wangcw", ["changwei", "fenguan-jingji"]),
    "sunbgs": ("孙主任", "ldap-pass-sunbgs", ["bangongshi", "unmapped-here"]),
}
MAPPING = f"""
[users]
base = "ou=people,{BASE}"
filter = "(&(objectClass=inetOrgPerson)(uid={{username}}))"
all = "(objectClass=inetOrgPerson)"

[groups]
base = "ou=groups,{BASE}"

[roles]
shuji = ["书记", "常委"]
changwei = ["常委"]
bangongshi = ["办公室"]
unmapped-here = ["没有的角色"]

[fields]
fenguan-jingji = "经济发展"
"""


def person_dn(uid: str) -> str:
    return f"uid={uid},ou=people,{BASE}"


@dataclass
class Slapd:
    url: str
    folder: Path

    def admin(self) -> Connection:
        return Connection(Server(self.url), ADMIN, ADMIN_PASSWORD, auto_bind=True)

    def add_person(self, uid: str, name: str, password: str, groups: list[str]) -> None:
        with self.admin() as c:
            assert c.add(person_dn(uid), ["inetOrgPerson"], {"cn": name, "sn": name[:1], "uid": uid,
                                                             "mail": f"{uid}@example.gov.cn", "userPassword": password})
            for group in groups:
                dn = f"cn={group},ou=groups,{BASE}"
                if not c.search(dn, "(objectClass=groupOfNames)", attributes=["member"]):
                    assert c.add(dn, ["groupOfNames"], {"cn": group, "member": [person_dn(uid)]}), c.result
                else:
                    members = [str(m) for m in c.entries[0].member.values] + [person_dn(uid)]
                    assert c.modify(dn, {"member": [(MODIFY_REPLACE, members)]}), c.result

    def remove_person(self, uid: str) -> None:
        with self.admin() as c:
            c.search(f"ou=groups,{BASE}", f"(member={person_dn(uid)})", attributes=["member"])
            for entry in list(c.entries):
                left = [str(m) for m in entry.member.values if str(m).lower() != person_dn(uid).lower()]
                if left:
                    c.modify(entry.entry_dn, {"member": [(MODIFY_REPLACE, left)]})
                else:
                    c.delete(entry.entry_dn)
            assert c.delete(person_dn(uid)), c.result

    def rename(self, uid: str, name: str) -> None:
        with self.admin() as c:
            assert c.modify(person_dn(uid), {"cn": [(MODIFY_REPLACE, [name])]}), c.result


def _configuration(folder: Path) -> Path:
    (folder / "db").mkdir()
    conf = folder / "slapd.conf"
    conf.write_text(f"""include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile {folder}/slapd.pid
access to attrs=userPassword by self read by anonymous auth by * none
access to * by * read
database mdb
maxsize 10485760
suffix "{BASE}"
rootdn "{ADMIN}"
rootpw {ADMIN_PASSWORD}
directory {folder}/db
""")
    return conf


def start_slapd(folder: Path):
    """slapd on a free loopback port with the directory above; yields a Slapd, stops it afterwards."""
    if not Path(SLAPD).exists():
        if REQUIRE_PG:
            pytest.fail("slapd is required here (scripts/install --test installs it)")
        pytest.skip("slapd is not installed (scripts/install --test installs it)")
    port = free_port()
    url = f"ldap://127.0.0.1:{port}"
    process = subprocess.Popen([SLAPD, "-f", str(_configuration(folder)), "-h", f"{url}/", "-d", "0"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 30
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            assert process.poll() is None and time.monotonic() < deadline, process.stderr.read().decode()
            time.sleep(0.05)
    server = Slapd(url, folder)
    with server.admin() as c:
        c.add(BASE, ["dcObject", "organization"], {"dc": "example", "o": "某区委"})
        for unit in ("people", "groups", "services"):
            c.add(f"ou={unit},{BASE}", ["organizationalUnit"], {"ou": unit})
        c.add(SERVICE, ["organizationalRole", "simpleSecurityObject"], {"cn": "powerflow",
                                                                         "userPassword": SERVICE_PASSWORD})
    for uid, (name, password, groups) in PEOPLE.items():
        server.add_person(uid, name, password, groups)
    try:
        yield server
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def directory_settings(server: Slapd, mapping_path: Path) -> dict:
    """The app's settings for this directory (test_config keys)."""
    mapping_path.write_text(MAPPING, encoding="utf-8")
    return {"LDAP_URL": server.url, "LDAP_BIND_DN": SERVICE, "LDAP_BIND_PASSWORD": SERVICE_PASSWORD,
            "DIRECTORY_MAPPING": str(mapping_path)}
