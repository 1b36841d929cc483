/* The modeler page: bpmn-js (from npm) with a properties panel for what the engine needs. */
(function () {
  'use strict';

  const data = (id) => JSON.parse(document.getElementById(id).textContent);
  const ROLES = data('roles-data');
  const FORMS = data('forms-data');          // every form the designer may pick: filename -> JSON Schema
  const URLS = data('urls-data');
  const CSRF = document.querySelector('meta[name=csrf-token]').content;
  const edited = {};                          // forms created or changed in this session

  // The spiffworkflow extension elements the engine reads (a moddle descriptor of our own).
  const SPIFF = {
    name: 'SpiffWorkflow', uri: 'http://spiffworkflow.org/bpmn/schema/1.0/core', prefix: 'spiffworkflow',
    xml: { tagAlias: 'lowerCase' },
    types: [
      { name: 'Properties', superClass: ['Element'],
        properties: [{ name: 'properties', type: 'Property', isMany: true }] },
      { name: 'Property', superClass: ['Element'],
        properties: [{ name: 'name', isAttr: true, type: 'String' }, { name: 'value', isAttr: true, type: 'String' }] },
      { name: 'PostScript', superClass: ['Element'], properties: [{ name: 'value', isBody: true, type: 'String' }] },
      { name: 'PreScript', superClass: ['Element'], properties: [{ name: 'value', isBody: true, type: 'String' }] },
      { name: 'MessageVariable', superClass: ['Element'], properties: [{ name: 'value', isBody: true, type: 'String' }] }
    ]
  };

  // Chinese labels for the palette, context pad and popup menus.
  const ZH = {
    'Activate the hand tool': '移动画布', 'Activate the lasso tool': '框选', 'Activate the create/remove space tool': '插入/删除空间',
    'Activate the global connect tool': '连线', 'Create StartEvent': '开始事件', 'Create EndEvent': '结束事件',
    'Create Task': '任务', 'Create Gateway': '网关', 'Create Intermediate/Boundary Event': '中间事件',
    'Create expanded SubProcess': '子流程', 'Create Pool/Participant': '泳池', 'Create DataObjectReference': '数据对象',
    'Create DataStoreReference': '数据存储', 'Create Group': '分组', 'Append Task': '追加任务',
    'Append EndEvent': '追加结束事件', 'Append Gateway': '追加网关', 'Append Intermediate/Boundary Event': '追加中间事件',
    'Append TextAnnotation': '追加注释', 'Change type': '更改类型', 'Connect using Sequence/MessageFlow or Association': '连线',
    'Connect to other element': '连线', 'Delete': '删除', 'Remove': '删除', 'Add Lane above': '在上方添加泳道',
    'Add Lane below': '在下方添加泳道', 'Divide into two Lanes': '拆分为两个泳道', 'Divide into three Lanes': '拆分为三个泳道',
    'User Task': '用户任务', 'Script Task': '脚本任务', 'Task': '任务', 'Service Task': '服务任务',
    'Exclusive Gateway': '排他网关', 'Parallel Gateway': '并行网关', 'Call Activity': '调用活动',
    'Timer Intermediate Catch Event': '定时中间事件', 'Message Intermediate Catch Event': '消息中间事件',
    'End Event': '结束事件', 'Start Event': '开始事件', 'Sequence Flow': '顺序流', 'Default Flow': '默认流',
    'Conditional Flow': '条件流', 'Search in diagram': '在图中搜索'
  };
  function translate(template, replacements) {
    replacements = replacements || {};
    return (ZH[template] || template).replace(/{([^}]+)}/g, (_, key) => replacements[key] || '{' + key + '}');
  }

  const modeler = new BpmnJS({
    container: '#canvas',
    moddleExtensions: { spiffworkflow: SPIFF },
    additionalModules: [{ translate: ['value', translate] }]
  });
  window.powerflowModeler = modeler;          // for designers' own scripting (and the browser test)
  const modeling = () => modeler.get('modeling');
  const moddle = () => modeler.get('moddle');

  function blank(key, name) {
    const esc = (s) => s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' }[c]));
    return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="defs_${key}" targetNamespace="https://powerflow.example/bpmn">
  <bpmn:collaboration id="collab_${key}"><bpmn:participant id="pool_${key}" name="${esc(name)}" processRef="${key}" /></bpmn:collaboration>
  <bpmn:process id="${key}" name="${esc(name)}" isExecutable="true">
    <bpmn:laneSet id="laneset_${key}"><bpmn:lane id="lane_1" name="办公室"><bpmn:flowNodeRef>start</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="start" name="发起" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="diagram_${key}"><bpmndi:BPMNPlane id="plane_${key}" bpmnElement="collab_${key}">
    <bpmndi:BPMNShape id="pool_${key}_di" bpmnElement="pool_${key}" isHorizontal="true"><dc:Bounds x="100" y="60" width="900" height="250" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="lane_1_di" bpmnElement="lane_1" isHorizontal="true"><dc:Bounds x="130" y="60" width="870" height="250" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="start_di" bpmnElement="start"><dc:Bounds x="180" y="167" width="36" height="36" /></bpmndi:BPMNShape>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>`;
  }

  // -- spiffworkflow:property helpers -------------------------------------------------------
  function propertyList(bo) {
    const ext = bo.extensionElements;
    const box = ext && (ext.values || []).find((v) => v.$type === 'spiffworkflow:Properties');
    return box ? box.properties || [] : [];
  }
  function getProp(bo, name) {
    const found = propertyList(bo).find((p) => p.name === name);
    return found ? found.value : '';
  }
  function setProp(element, name, value) {
    const bo = element.businessObject;
    const ext = bo.extensionElements || moddle().create('bpmn:ExtensionElements', { values: [] });
    let box = (ext.values || []).find((v) => v.$type === 'spiffworkflow:Properties');
    if (!box) {
      box = moddle().create('spiffworkflow:Properties', { properties: [] });
      ext.values = (ext.values || []).concat([box]);
    }
    box.properties = (box.properties || []).filter((p) => p.name !== name);
    if (value !== '') box.properties.push(moddle().create('spiffworkflow:Property', { name: name, value: value }));
    modeling().updateProperties(element, { extensionElements: ext });
  }

  // -- the properties panel -------------------------------------------------------------------
  const panel = document.getElementById('panel');
  function field(label, control) {
    const wrap = document.createElement('label');
    wrap.className = 'pf-field';
    wrap.append(label, control);
    panel.append(wrap);
    return control;
  }
  function input(label, value, onChange, name) {
    const el = document.createElement('input');
    el.value = value || '';
    el.name = name || '';
    el.addEventListener('change', () => onChange(el.value.trim()));
    return field(label, el);
  }
  function textarea(label, value, onChange, name) {
    const el = document.createElement('textarea');
    el.rows = 6; el.value = value || ''; el.name = name || '';
    el.addEventListener('change', () => onChange(el.value));
    return field(label, el);
  }
  function select(label, options, value, onChange, name) {
    const el = document.createElement('select');
    el.name = name || '';
    for (const [v, text] of options) {
      const o = document.createElement('option');
      o.value = v; o.textContent = text; o.selected = v === value;
      el.append(o);
    }
    el.addEventListener('change', () => onChange(el.value));
    return field(label, el);
  }
  const is = (element, type) => element.businessObject.$instanceOf(type);

  function render(element) {
    panel.replaceChildren();
    if (!element) { panel.innerHTML = '<p class="empty">选择一个元素以编辑其属性。</p>'; return; }
    const bo = element.businessObject;
    const title = document.createElement('h2');
    title.textContent = (bo.name || bo.id) + '（' + bo.$type.replace('bpmn:', '') + '）';
    panel.append(title);
    input('标识', bo.id, (v) => v && modeling().updateProperties(element, { id: v }), 'id');
    if (is(element, 'bpmn:Lane')) {
      select('泳道角色', [['', '（请选择角色）']].concat(ROLES.map((r) => [r, r])), bo.name || '',
        (v) => modeling().updateLabel(element, v), 'lane_role');
      return;
    }
    if (!is(element, 'bpmn:Process') && !is(element, 'bpmn:Collaboration')) {
      input('名称', bo.name, (v) => modeling().updateLabel(element, v), 'name');
    }
    if (is(element, 'bpmn:UserTask')) {
      const formOptions = [['', '（请选择表单）']].concat(Object.keys(FORMS).sort().map((f) => [f, (FORMS[f].title || '') + ' ' + f]));
      const current = getProp(bo, 'formJsonSchemaFilename');
      select('表单', formOptions, current, (v) => setProp(element, 'formJsonSchemaFilename', v), 'form');
      const edit = document.createElement('button');
      edit.type = 'button'; edit.id = 'edit-form'; edit.textContent = current ? '编辑表单' : '新建表单';
      edit.addEventListener('click', () => openFormEditor(element, getProp(bo, 'formJsonSchemaFilename')));
      panel.append(edit);
      select('候选角色（不选则为泳道角色）', [['', '（泳道角色）']].concat(ROLES.map((r) => [r, r])),
        getProp(bo, 'candidateRole'), (v) => setProp(element, 'candidateRole', v), 'candidate_role');
      input('指定办理人（表达式，如 started_by）', getProp(bo, 'assignee'), (v) => setProp(element, 'assignee', v), 'assignee');
      input('办理期限（工作日）', getProp(bo, 'dueInWorkingDays'), (v) => setProp(element, 'dueInWorkingDays', v), 'due');
    }
    if (is(element, 'bpmn:ScriptTask')) {
      textarea('脚本（受限 Python，保存时检查）', bo.script, (v) => modeling().updateProperties(element, { script: v }), 'script');
    }
    if (is(element, 'bpmn:SequenceFlow') && bo.sourceRef && bo.sourceRef.$instanceOf('bpmn:ExclusiveGateway')) {
      input('条件（表达式）', bo.conditionExpression ? bo.conditionExpression.body : '', (v) => {
        modeling().updateProperties(element, {
          conditionExpression: v ? moddle().create('bpmn:FormalExpression', { body: v }) : undefined });
      }, 'condition');
    }
    const timer = (bo.eventDefinitions || []).find((d) => d.$type === 'bpmn:TimerEventDefinition');
    if (timer) {
      const match = /working_days_from_now\((\d+)\)/.exec(timer.timeDate ? timer.timeDate.body : '');
      input('定时（工作日后）', match ? match[1] : '', (v) => {
        modeling().updateModdleProperties(element, timer, {
          timeDate: moddle().create('bpmn:FormalExpression', { body: 'working_days_from_now(' + parseInt(v || '0', 10) + ')' }) });
      }, 'timer_days');
    }
  }
  modeler.on('selection.changed', (e) => render(e.newSelection[0]));
  modeler.on('element.changed', (e) => {
    const selected = modeler.get('selection').get()[0];
    if (selected && selected.id === e.element.id && !panel.contains(document.activeElement)) render(selected);
  });

  // -- the form editor: writes a JSON Schema file ---------------------------------------------------
  const dialog = document.getElementById('form-editor');
  const rows = document.getElementById('fe-fields');
  const TYPES = [['string', '文本'], ['textarea', '多行文本'], ['integer', '整数'], ['boolean', '是/否'], ['date', '日期'], ['choice', '选项']];
  let editing = null;
  function addRow(name, prop, required) {
    prop = prop || {};
    const kind = prop.enum ? 'choice' : prop.format === 'date' ? 'date' : prop['x-widget'] === 'textarea' ? 'textarea' : (prop.type || 'string');
    const tr = document.createElement('tr');
    tr.innerHTML = '<td><input class="fe-name" required pattern="[a-z][a-z0-9_]*"></td><td><input class="fe-label"></td>' +
      '<td><select class="fe-type"></select></td><td><input type="checkbox" class="fe-required"></td>' +
      '<td><input class="fe-choices"></td><td><button type="button" class="link fe-remove">删除</button></td>';
    tr.querySelector('.fe-name').value = name || '';
    tr.querySelector('.fe-label').value = prop.title || '';
    const typeSelect = tr.querySelector('.fe-type');
    for (const [v, t] of TYPES) typeSelect.append(new Option(t, v, false, v === kind));
    tr.querySelector('.fe-required').checked = !!required;
    tr.querySelector('.fe-choices').value = (prop.enum || []).join(',');
    tr.querySelector('.fe-remove').addEventListener('click', () => tr.remove());
    rows.append(tr);
  }
  function openFormEditor(element, filename) {
    editing = element;
    const schema = FORMS[filename] || { title: '', properties: {}, required: [] };
    document.getElementById('fe-file').value = filename || (element.businessObject.id + '.schema.json');
    document.getElementById('fe-title').value = schema.title || element.businessObject.name || '';
    document.getElementById('fe-error').textContent = '';
    rows.replaceChildren();
    for (const [name, prop] of Object.entries(schema.properties || {})) addRow(name, prop, (schema.required || []).includes(name));
    if (!rows.children.length) addRow('', {}, true);
    dialog.showModal();
  }
  document.getElementById('fe-add').addEventListener('click', () => addRow('', {}, false));
  document.getElementById('fe-save').addEventListener('click', (event) => {
    const file = document.getElementById('fe-file').value.trim();
    const schema = { $schema: 'https://json-schema.org/draft/2020-12/schema', title: document.getElementById('fe-title').value.trim(),
      type: 'object', required: [], properties: {} };
    for (const tr of rows.children) {
      const name = tr.querySelector('.fe-name').value.trim();
      if (!name) continue;
      const label = tr.querySelector('.fe-label').value.trim() || name;
      const kind = tr.querySelector('.fe-type').value;
      const prop = { title: label };
      if (kind === 'textarea') Object.assign(prop, { type: 'string', 'x-widget': 'textarea', maxLength: 10000 });
      else if (kind === 'date') Object.assign(prop, { type: 'string', format: 'date' });
      else if (kind === 'choice') Object.assign(prop, { type: 'string', enum: tr.querySelector('.fe-choices').value.split(/[,，]/).map((s) => s.trim()).filter(Boolean) });
      else if (kind === 'string') Object.assign(prop, { type: 'string', maxLength: 2000 });
      else prop.type = kind;
      if (tr.querySelector('.fe-required').checked) { schema.required.push(name); if (prop.type === 'string' && !prop.enum) prop.minLength = 1; }
      schema.properties[name] = prop;
    }
    if (!/^[a-z0-9_]+\.schema\.json$/.test(file) || !Object.keys(schema.properties).length) {
      event.preventDefault();
      document.getElementById('fe-error').textContent = '请填写形如 xxx.schema.json 的文件名，并至少添加一个字段';
      return;
    }
    FORMS[file] = schema; edited[file] = schema;
    if (editing) { setProp(editing, 'formJsonSchemaFilename', file); render(editing); }
  });

  // -- validate, deploy, download --------------------------------------------------------------------
  const status = document.getElementById('status');
  const problems = document.getElementById('problems');
  let marked = [];
  function showProblems(errors) {
    const canvas = modeler.get('canvas');
    const registry = modeler.get('elementRegistry');
    marked.forEach((id) => canvas.removeMarker(id, 'pf-error'));
    marked = [];
    problems.replaceChildren();
    for (const [where, message] of Object.entries(errors || {})) {
      const li = document.createElement('li');
      li.textContent = where + '：' + message;
      li.dataset.element = where;
      if (registry.get(where)) {
        canvas.addMarker(where, 'pf-error'); marked.push(where);
        li.addEventListener('click', () => modeler.get('selection').select(registry.get(where)));
      }
      problems.append(li);
    }
  }
  async function send(url) {
    const { xml } = await modeler.saveXML({ format: true });
    const used = {};
    for (const el of modeler.get('elementRegistry').filter((e) => is(e, 'bpmn:UserTask'))) {
      const f = getProp(el.businessObject, 'formJsonSchemaFilename');
      if (f && FORMS[f]) used[f] = FORMS[f];
    }
    const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRFToken': CSRF },
      body: JSON.stringify({ bpmn_xml: xml, forms: Object.assign(used, edited) }) });
    const body = await response.json().catch(() => ({ error: '服务器返回了无法识别的内容' }));
    return { ok: response.ok, body: body };
  }
  document.getElementById('validate').addEventListener('click', async () => {
    status.textContent = '正在校验…';
    const { ok, body } = await send(URLS.validate);
    showProblems(ok ? {} : (body.errors || { '': body.error }));
    status.textContent = ok ? '校验通过，可以发布' : '有 ' + Object.keys(body.errors || { x: 1 }).length + ' 个问题';
  });
  document.getElementById('deploy').addEventListener('click', async () => {
    status.textContent = '正在发布…';
    const { ok, body } = await send(URLS.deploy);
    showProblems(ok ? {} : (body.errors || { '': body.error }));
    if (ok) {
      const d = body.deployed[0];
      status.innerHTML = '';
      const link = document.createElement('a');
      link.href = URLS.edit.replace('KEY', d.key); link.id = 'deployed';
      link.textContent = d.status === 'unchanged' ? '内容未变，仍为第 ' + d.version + ' 版' : '已发布：' + d.name + ' 第 ' + d.version + ' 版';
      status.append(link);
    } else {
      status.textContent = '未发布：有问题需要修改';
    }
  });
  document.getElementById('download').addEventListener('click', async () => {
    const { xml } = await modeler.saveXML({ format: true });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([xml], { type: 'application/xml' }));
    a.download = (modeler.getDefinitions().rootElements.find((e) => e.$type === 'bpmn:Process') || { id: 'process' }).id + '.bpmn';
    a.click();
  });

  // -- start ------------------------------------------------------------------------------------------
  async function open(xml) {
    try {
      await modeler.importXML(xml);
      modeler.get('canvas').zoom('fit-viewport');
      status.textContent = '';
    } catch (err) {
      status.textContent = '无法打开流程图：' + err.message;
    }
  }
  const existing = data('xml-data');
  if (existing) open(existing);
  const create = document.getElementById('new-process');
  if (create) {
    create.addEventListener('submit', (event) => {
      event.preventDefault();
      const key = document.getElementById('new-key').value.trim();
      const name = document.getElementById('new-name').value.trim();
      open(blank(key, name)).then(() => { create.style.display = 'none'; });
    });
  }
})();
