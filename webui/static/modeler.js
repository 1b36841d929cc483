/* The modeler page: bpmn-js (from npm) with a properties panel for what the engine needs, validation
   that lists every problem, and a draft kept in this browser until it is published. */
(function () {
  'use strict';

  const data = (id) => JSON.parse(document.getElementById(id).textContent);
  const T = data('text-data');               // this page's words, in the chosen language
  const URLS = data('urls-data');
  const PAGE_KEY = URLS.key || '';
  const CSRF = document.querySelector('meta[name=csrf-token]').content;
  const LANG = document.documentElement.lang === 'en' ? 'en' : 'zh';
  const ctx = { T: T, ROLES: data('roles-data'), FORMS: data('forms-data'), edited: {} };

  // The spiffworkflow moddle descriptor (spiffworkflow.json) and bpmnlint as you draw (modeler_lint.js).
  const lint = window.PowerflowLint();

  const modeler = new BpmnJS({
    container: '#canvas',
    moddleExtensions: lint.moddleExtensions,
    linting: lint.linting,
    additionalModules: [{ translate: ['value', window.PowerflowLabels.translator(LANG)] }, window.PowerflowMenus]
      .concat(lint.additionalModules)
  });
  window.powerflowModeler = modeler;          // for designers' own scripting (and the browser tests)
  ctx.modeler = modeler;
  const status = document.getElementById('status');
  const problems = document.getElementById('problems');
  const say = (text) => { status.textContent = text; };
  const fill = (template, values) => template.replace(/{(\w+)}/g, (_, k) => (values[k] !== undefined ? values[k] : ''));
  let loaded = false, dirty = false;

  function processKey() {
    const defs = modeler.getDefinitions();
    const process = defs && defs.rootElements.find((e) => e.$type === 'bpmn:Process');
    return process ? process.id : (PAGE_KEY || 'process');
  }
  ctx.processKey = processKey;

  function blank(key, name) {
    const esc = (s) => s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' }[c]));
    return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="defs_${key}" targetNamespace="https://powerflow.example/bpmn">
  <bpmn:collaboration id="collab_${key}"><bpmn:participant id="pool_${key}" name="${esc(name)}" processRef="${key}" /></bpmn:collaboration>
  <bpmn:process id="${key}" name="${esc(name)}" isExecutable="true">
    <bpmn:laneSet id="laneset_${key}"><bpmn:lane id="lane_1" name="${esc(T.default_lane)}"><bpmn:flowNodeRef>start</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="start" name="${esc(T.default_start)}" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="diagram_${key}"><bpmndi:BPMNPlane id="plane_${key}" bpmnElement="collab_${key}">
    <bpmndi:BPMNShape id="pool_${key}_di" bpmnElement="pool_${key}" isHorizontal="true"><dc:Bounds x="100" y="60" width="900" height="250" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="lane_1_di" bpmnElement="lane_1" isHorizontal="true"><dc:Bounds x="130" y="60" width="870" height="250" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="start_di" bpmnElement="start"><dc:Bounds x="180" y="167" width="36" height="36" /></bpmndi:BPMNShape>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>`;
  }

  // -- unsaved changes: a warning before leaving, and a draft in this browser ----------------------
  const DRAFT = 'powerflow.modeler.draft.' + (PAGE_KEY || 'new');
  let draftTimer = null;
  function changed() {
    if (!loaded) return;
    dirty = true;
    clearTimeout(draftTimer);
    draftTimer = setTimeout(saveDraft, 800);
  }
  ctx.changed = changed;
  async function saveDraft() {
    try {
      const { xml } = await modeler.saveXML({ format: false });
      localStorage.setItem(DRAFT, JSON.stringify({ xml: xml, forms: ctx.edited, saved: Date.now() }));
    } catch (err) { /* storage full or private mode: the leave warning still protects the work */ }
  }
  function dropDraft() { clearTimeout(draftTimer); localStorage.removeItem(DRAFT); dirty = false; }
  window.addEventListener('beforeunload', (event) => {
    if (dirty) { event.preventDefault(); event.returnValue = ''; }
  });
  modeler.on('commandStack.changed', changed);

  function offerDraft() {
    let draft = null;
    try { draft = JSON.parse(localStorage.getItem(DRAFT) || 'null'); } catch (err) { draft = null; }
    if (!draft || !draft.xml) return;
    const bar = document.getElementById('draft-bar');
    const when = new Date(draft.saved).toLocaleString(LANG === 'en' ? 'en-GB' : 'zh-CN',
      { timeZone: 'Asia/Shanghai', year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
    bar.querySelector('span').textContent = fill(T.draft_found, { time: when });
    bar.hidden = false;
    document.getElementById('draft-restore').onclick = async () => {
      Object.assign(ctx.FORMS, draft.forms || {}); Object.assign(ctx.edited, draft.forms || {});
      const form = document.getElementById('new-process');
      if (form) form.style.display = 'none';
      await open(draft.xml);
      dirty = true; bar.hidden = true;
    };
    document.getElementById('draft-discard').onclick = () => { localStorage.removeItem(DRAFT); bar.hidden = true; };
  }

  // -- properties panel and form editor -----------------------------------------------------------------
  const panel = window.PowerflowPanel(ctx);
  Object.assign(ctx, { render: panel.render, getProp: panel.getProp, setProp: panel.setProp });
  const editor = window.PowerflowFormEditor(ctx);
  ctx.openFormEditor = editor.open;

  // -- validate, deploy, download --------------------------------------------------------------------
  let marked = [];
  function showProblems(list) {
    const canvas = modeler.get('canvas'), registry = modeler.get('elementRegistry');
    marked.forEach((id) => registry.get(id) && canvas.removeMarker(id, 'pf-error'));  // gone if another diagram was opened
    marked = [];
    problems.replaceChildren();
    for (const p of list) {
      const li = document.createElement('li');
      const element = p.element && registry.get(p.element);
      li.textContent = (p.name ? p.name + '：' : '') + p.message;
      if (element) {
        li.dataset.element = p.element; li.tabIndex = 0; li.className = 'pf-problem';
        if (!marked.includes(p.element)) { canvas.addMarker(p.element, 'pf-error'); marked.push(p.element); }
        const pick = () => { modeler.get('selection').select(element); canvas.scrollToElement(element); };
        li.addEventListener('click', pick);
        li.addEventListener('keydown', (e) => { if (e.key === 'Enter') pick(); });
      }
      problems.append(li);
    }
  }
  function refused(body) {
    if (Array.isArray(body.problems)) return body.problems;
    return Object.entries(body.errors || { '': body.error || T.bad_reply }).map(([where, message]) => ({
      element: where, name: where, message: message }));
  }
  async function send(url) {
    if (!loaded || !modeler.getDefinitions()) return { ok: false, empty: true };
    const { xml } = await modeler.saveXML({ format: true });
    const used = {};
    for (const el of modeler.get('elementRegistry').filter((e) => panel.is(e, 'bpmn:UserTask'))) {
      const f = panel.getProp(el.businessObject, 'formJsonSchemaFilename');
      if (f && ctx.FORMS[f]) used[f] = ctx.FORMS[f];
    }
    let response;
    try {
      response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRFToken': CSRF },
        body: JSON.stringify({ bpmn_xml: xml, forms: Object.assign(used, ctx.edited) }) });
    } catch (err) {
      return { ok: false, body: { error: T.network } };
    }
    const body = await response.json().catch(() => ({ error: T.bad_reply }));
    return { ok: response.ok, body: body };
  }
  async function run(button, busy, url, done) {
    const buttons = document.querySelectorAll('.modeler-toolbar button');
    buttons.forEach((b) => { b.disabled = true; });
    say(busy);
    try {
      const result = await send(url);
      if (result.empty) { showProblems([]); say(T.empty_canvas); return; }
      const list = result.ok ? [] : refused(result.body);
      showProblems(list);
      if (result.ok) done(result.body);
      else say(list.length > 1 || result.body.problems ? fill(T.n_problems, { n: list.length }) : (result.body.error || T.bad_reply));
    } catch (err) {
      say(T.failed + (err && err.message ? '：' + err.message : ''));
    } finally {
      buttons.forEach((b) => { b.disabled = false; });
    }
  }
  document.getElementById('validate').addEventListener('click', (e) => run(e.target, T.validating, URLS.validate, () => say(T.valid)));
  document.getElementById('deploy').addEventListener('click', (e) => run(e.target, T.deploying, URLS.deploy, (body) => {
    const d = body.deployed[0];
    dropDraft();
    const link = document.createElement('a');
    link.href = URLS.edit.replace('KEY', d.key); link.id = 'deployed';
    link.textContent = d.status === 'unchanged' || d.status === 'redrawn' ? fill(T[d.status], { version: d.version })
      : fill(T.deployed, { name: d.name, version: d.version });
    status.replaceChildren(link);
  }));
  document.getElementById('download').addEventListener('click', async () => {
    if (!loaded) { say(T.empty_canvas); return; }
    const { xml } = await modeler.saveXML({ format: true });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([xml], { type: 'application/xml' }));
    a.download = processKey() + '.bpmn';
    a.click();
  });

  // -- start ------------------------------------------------------------------------------------------
  async function open(xml) {
    try {
      loaded = false;
      await modeler.importXML(xml);
      modeler.get('canvas').zoom('fit-viewport');
      loaded = true;
      say('');
    } catch (err) {
      say(T.cannot_open + err.message);
    }
  }
  window.addEventListener('resize', () => modeler.get('canvas').resized());
  Object.assign(ctx, { open: open, validate: () => run(null, T.validating, URLS.validate, () => say(T.valid)) });
  window.PowerflowFiles(ctx);  // local files: open (button, drop), download (modeler_files.js)
  const existing = data('xml-data');
  (existing ? open(existing) : Promise.resolve()).then(offerDraft);
  const create = document.getElementById('new-process');
  if (create) {
    create.addEventListener('submit', (event) => {
      event.preventDefault();
      const key = document.getElementById('new-key').value.trim();
      const name = document.getElementById('new-name').value.trim();
      open(blank(key, name)).then(() => { create.style.display = 'none'; dirty = true; });
    });
    document.getElementById('create').disabled = false;
  }
})();
