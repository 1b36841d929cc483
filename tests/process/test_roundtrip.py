"""Every shipped process survives an open and save in BPMN tools (bpmn-moddle, as bpmn-js does it, with our
spiffworkflow descriptor webui/static/spiffworkflow.json) with its meaning unchanged; the old form of
multi-instance data, which those tools drop, is reported by `powerflow lint` naming the step."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree

from engine.process.definitions import NS, read_directory
from engine.directory.people import STANDARD_ROLES
from engine.process.lint import lint_directory
from tests.conftest import PROCESSES, ROOT
from tests.node_helpers import NODE

DESCRIPTOR = ROOT / "webui" / "static" / "spiffworkflow.json"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
ROLES = set(STANDARD_ROLES)

# Open and save each file as bpmn-js does (fromXML, toXML) in one node process: {file: {xml, warnings}}.
SAVE = """
import { readFileSync } from 'node:fs';
import { BpmnModdle } from 'bpmn-moddle';
const { files, descriptor } = JSON.parse(readFileSync(0, 'utf8'));
const spiffworkflow = JSON.parse(readFileSync(descriptor, 'utf8'));
const out = {};
for (const file of files) {
  const moddle = new BpmnModdle({ spiffworkflow });
  const { rootElement, warnings } = await moddle.fromXML(readFileSync(file, 'utf8'), 'bpmn:Definitions');
  const { xml } = await moddle.toXML(rootElement, { format: true });
  out[file] = { xml, warnings: warnings.map((w) => w.message) };
}
process.stdout.write(JSON.stringify(out));
"""


def save_in_bpmn_tools(paths: list[Path]) -> dict[str, dict]:
    """Each file as bpmn-moddle writes it back after reading it, with the warnings of the reading."""
    if not Path(NODE).exists() or not (ROOT / "node_modules" / "bpmn-moddle").is_dir():
        pytest.skip("node or bpmn-moddle is not installed (scripts/install installs them)")
    done = subprocess.run([NODE, "--input-type=module", "-e", SAVE], cwd=ROOT, capture_output=True, text=True,
                          input=json.dumps({"files": [str(p) for p in paths], "descriptor": str(DESCRIPTOR)}),
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return {Path(name).name: result for name, result in json.loads(done.stdout).items()}


@pytest.fixture(scope="module")
def saved() -> dict[str, dict]:
    return save_in_bpmn_tools(sorted(PROCESSES.glob("*.bpmn")))


@pytest.fixture(scope="module")
def saved_dir(saved, tmp_path_factory) -> Path:
    """processes/ with every BPMN file replaced by its saved form (forms, tables and catalog as they are)."""
    folder = tmp_path_factory.mktemp("saved") / "processes"
    shutil.copytree(PROCESSES, folder)
    for name, result in saved.items():
        (folder / name).write_text(result["xml"], encoding="utf-8")
    return folder


def test_bpmn_tools_read_every_process_without_a_warning(saved):
    assert len(saved) == len(list(PROCESSES.glob("*.bpmn")))
    assert {name: r["warnings"] for name, r in saved.items() if r["warnings"]} == {}


def test_the_saved_processes_pass_lint(saved_dir):
    assert [str(p) for p in lint_directory(saved_dir, ROLES)] == []


def test_the_saved_processes_run_the_same(saved_dir):
    def meaning(folder):
        return {d.key: (d.name, d.start_role, json.loads(d.spec_json), d.forms, d.dmn) for d in read_directory(folder)}
    before, after = meaning(PROCESSES), meaning(saved_dir)
    assert sorted(after) == sorted(before)
    for key in before:
        assert after[key] == before[key], key


def _extensions(path: Path) -> dict:
    """Every spiffworkflow element and attribute by the id of the BPMN element holding it, with its values."""
    found: dict[str, list] = {}
    for node in etree.parse(str(path)).iter():
        if not isinstance(node.tag, str):
            continue
        attrs = sorted((k, v) for k, v in node.attrib.items() if k.startswith(f"{{{SPIFF}}}"))
        if node.tag.startswith(f"{{{SPIFF}}}") or attrs:
            owner = next(n for n in node.iterancestors() if n.get("id")) if not node.get("id") else node
            found.setdefault(owner.get("id"), []).append(
                (etree.QName(node).localname, sorted(node.attrib.items()), (node.text or "").strip()))
    return found


def test_every_spiffworkflow_extension_is_kept(saved_dir):
    for path in sorted(PROCESSES.glob("*.bpmn")):
        assert _extensions(saved_dir / path.name) == _extensions(path), path.name


def test_the_descriptor_declares_every_spiffworkflow_name_the_processes_use():
    types = json.loads(DESCRIPTOR.read_text(encoding="utf-8"))["types"]
    declared = {t["name"][0].lower() + t["name"][1:] for t in types}  # tagAlias lowerCase
    declared |= {p["name"] for t in types for p in t.get("properties", []) if p.get("isAttr") and "extends" in t}
    used = set()
    for path in PROCESSES.glob("*.bpmn"):
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"<spiffworkflow:(\w+)", text)) | set(re.findall(r"\sspiffworkflow:(\w+)=", text))
    assert used and used <= declared, used - declared


def test_the_old_variable_name_form_is_reported_naming_the_step(tmp_path):
    folder = tmp_path / "processes"
    shutil.copytree(PROCESSES, folder)
    motion = folder / "members_motion.bpmn"
    old = re.sub(r'\s*<bpmn:property id="\w+" name="\w+" />', "", motion.read_text(encoding="utf-8"))
    motion.write_text(old, encoding="utf-8")
    problems = [p for p in lint_directory(folder, ROLES) if p.filename == "members_motion.bpmn"]
    assert [(p.element, p.name) for p in problems] == [("cosign", "联署"), ("cosign", "联署")]
    assert "loopDataInputRef“cosigners”" in problems[0].message and "bpmn:property" in problems[0].message
    assert "loopDataOutputRef“backing”" in problems[1].message
    # what the report is about: the tools drop both references on save, and the steps lose their data
    result = save_in_bpmn_tools([motion])["members_motion.bpmn"]
    assert result["warnings"] == ["unresolved reference <cosigners>", "unresolved reference <backing>"]
    assert "loopDataInputRef" not in result["xml"]
    loop = etree.fromstring(result["xml"].encode()).xpath("//bpmn:multiInstanceLoopCharacteristics", namespaces=NS)
    assert len(loop) == 1
