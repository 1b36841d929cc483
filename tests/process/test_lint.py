"""`powerflow lint` over processes/ and over deliberately broken files, each error naming the element."""
from __future__ import annotations

import shutil

import pytest

from engine.directory.people import STANDARD_ROLES
from engine.process.lint import lint_directory
from tests.conftest import PROCESSES, ROOT

BASE = (ROOT / "tests" / "data" / "lint_base.bpmn").read_text(encoding="utf-8")
ROLES = set(STANDARD_ROLES)


CATALOG = '''[[power]]
id = "sample"
name = "样例权力"
body = "常委会"
category = "全局工作"
basis = "样例依据"
disclosure = "公开"
process = "lint_sample"
'''


def lint_with(tmp_path, bpmn: str, catalog: str = CATALOG):
    folder = tmp_path / "processes"
    shutil.copytree(PROCESSES / "forms", folder / "forms")
    (folder / "sample.bpmn").write_text(bpmn, encoding="utf-8")
    (folder / "catalog.toml").write_text(catalog, encoding="utf-8")
    return [(p.filename, p.element, p.message) for p in lint_directory(folder, ROLES)]


def test_every_file_in_processes_passes_lint():
    assert [str(p) for p in lint_directory(PROCESSES, ROLES)] == []


def test_the_sample_is_clean(tmp_path):
    assert lint_with(tmp_path, BASE) == []


ORPHAN = ('<bpmn:userTask id="orphan" name="孤立任务"><bpmn:extensionElements><spiffworkflow:properties>'
          '<spiffworkflow:property name="formJsonSchemaFilename" value="md_research.schema.json" />'
          '</spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>'
          '<bpmn:sequenceFlow id="f_orphan" sourceRef="orphan" targetRef="end_no" />')


@pytest.mark.parametrize("changes, element, words", [
    ([('name="办公室">', 'name="宣传处">')], "lane_office", "不是已知角色"),
    ([('value="md_research.schema.json"', 'value="nope.schema.json"')], "write", "forms/nope.schema.json 不存在"),
    ([('<bpmn:flowNodeRef>end_no</bpmn:flowNodeRef>',
       '<bpmn:flowNodeRef>end_no</bpmn:flowNodeRef><bpmn:flowNodeRef>orphan</bpmn:flowNodeRef>'),
      ('<bpmn:endEvent id="end_no" />', '<bpmn:endEvent id="end_no" />' + ORPHAN)], "orphan", "无法到达该元素"),
    ([('<bpmn:conditionExpression>len(research_report) &lt;= 20</bpmn:conditionExpression>', '')],
     "gw", "没有默认分支"),
    ([('<bpmndi:BPMNShape id="write_di" bpmnElement="write"><dc:Bounds x="260" y="58" width="110" height="80" />'
       '</bpmndi:BPMNShape>', '')], "write", "缺少图形信息"),
])
def test_broken_files_fail_with_the_element_named(tmp_path, changes, element, words):
    text = BASE
    for old, new in changes:
        assert old in text
        text = text.replace(old, new)
    problems = lint_with(tmp_path, text)
    assert any(p[0] == "sample.bpmn" and p[1] == element and words in p[2] for p in problems), problems


def test_a_gateway_default_counts_as_a_branch(tmp_path):
    text = BASE.replace('<bpmn:exclusiveGateway id="gw" name="是否？" />',
                        '<bpmn:exclusiveGateway id="gw" name="是否？" default="f_no" />')
    assert lint_with(tmp_path, text.replace('<bpmn:conditionExpression>len(research_report) &lt;= 20</bpmn:conditionExpression>', '')) == []


def test_a_dead_end_is_reported(tmp_path):
    text = BASE.replace('<bpmn:sequenceFlow id="f_no" sourceRef="gw" targetRef="end_no">',
                        '<bpmn:sequenceFlow id="f_no" sourceRef="gw" targetRef="write_more">')
    text = text.replace('<bpmn:endEvent id="end_no" />', '<bpmn:endEvent id="end_no" /><bpmn:scriptTask id="write_more">'
                        '<bpmn:script>x = 1</bpmn:script></bpmn:scriptTask>')
    problems = lint_with(tmp_path, text)
    assert ("sample.bpmn", "write_more", "该元素无法到达任何结束事件") in problems


@pytest.mark.parametrize("change, element, words", [
    (('process = "lint_sample"', 'process = "no_such_process"'), "sample", "流程 no_such_process 不存在"),
    (('body = "常委会"', 'body = "居委会"'), "sample", "body"),
    (('disclosure = "公开"', 'disclosure = "秘密"'), "sample", "disclosure"),
    (('id = "sample"', 'id = "sample"\nextra = 1'), "sample", "extra"),
])
def test_catalog_errors_name_the_entry(tmp_path, change, element, words):
    problems = lint_with(tmp_path, BASE, CATALOG.replace(*change))
    assert any(p[0] == "catalog.toml" and p[1] == element and words in p[2] for p in problems), problems


def test_catalog_lists_powers_of_every_body_with_their_processes():
    from engine.process.catalog import BODIES, load_catalog
    from engine.process.definitions import read_directory
    keys = {d.key for d in read_directory(PROCESSES)}
    powers = load_catalog(PROCESSES, keys)
    assert {p.body for p in powers} == set(BODIES)
    assert {p.process for p in powers if p.process} == keys  # every process runs a listed power
