/* Local files on the modeler pages: open a .bpmn or .dmn (the 打开文件 button, or a file dropped on the canvas) read
   in the encoding its XML declaration names, say what the import could not read, validate at once, and download.
   A .dmn opened on the process page goes to the page of the table with its name (handed over in sessionStorage). */
(function () {
  'use strict';

  const BPMN_NS = 'http://www.omg.org/spec/BPMN/20100524/MODEL';
  const HANDOVER = 'powerflow.modeler.open-dmn';
  const MAX_BYTES = 2 * 1024 * 1024;  // the server's request limit: a larger diagram could not be validated or deployed
  const fill = (template, values) => template.replace(/{(\w+)}/g, (_, k) => (values[k] !== undefined ? values[k] : ''));

  class Refusal extends Error {}

  // BOM first, then the declaration (read as ASCII, which every declaration is written in), else UTF-8 as XML says.
  function declaredEncoding(bytes) {
    if (bytes[0] === 0xEF && bytes[1] === 0xBB && bytes[2] === 0xBF) return 'UTF-8';
    if ((bytes[0] === 0xFF && bytes[1] === 0xFE) || (bytes[0] === 0x3C && bytes[1] === 0x00)) return 'UTF-16LE';
    if ((bytes[0] === 0xFE && bytes[1] === 0xFF) || (bytes[0] === 0x00 && bytes[1] === 0x3C)) return 'UTF-16BE';
    const head = String.fromCharCode.apply(null, bytes.subarray(0, 256));
    const match = /^\s*<\?xml\s[^>]*?\bencoding\s*=\s*["']([A-Za-z][\w.:-]*)["']/.exec(head);
    return match ? match[1] : 'UTF-8';
  }

  // The text of a file and what it holds ('bpmn' or 'dmn'), or a Refusal saying why not, in the page's words.
  async function readModel(file, S) {
    const name = file.name;
    if (file.size > MAX_BYTES) throw new Refusal(fill(S.too_big, { file: name }));
    const bytes = new Uint8Array(await file.arrayBuffer());
    const encoding = declaredEncoding(bytes);
    let decoder;
    try {
      decoder = new TextDecoder(encoding, { fatal: true });
    } catch (err) {
      throw new Refusal(fill(S.unknown_encoding, { file: name, encoding: encoding }));
    }
    let text;
    try {
      text = decoder.decode(bytes);
    } catch (err) {
      throw new Refusal(fill(S.bad_encoding, { file: name, encoding: encoding }));
    }
    // decoded now: the declaration says so, or bpmn-js warns that it cannot read the original encoding
    text = text.replace(/^(\s*<\?xml\s[^>]*?\bencoding\s*=\s*["'])[^"']*/, '$1UTF-8');
    const doc = new DOMParser().parseFromString(text, 'application/xml');
    const root = doc.documentElement;
    if (!text.trim() || doc.getElementsByTagName('parsererror').length || !root) {
      throw new Refusal(fill(S.not_xml, { file: name }));
    }
    const ns = root.namespaceURI || '';
    if (root.localName === 'definitions' && ns === BPMN_NS) return { text: text, kind: 'bpmn' };
    if (root.localName === 'definitions' && /\/DMN\//i.test(ns)) return { text: text, kind: 'dmn' };
    throw new Refusal(fill(S.not_model, { file: name, root: '<' + root.nodeName + '>' }));
  }

  // bpmn-js and dmn-js warn in English with the element they were reading: its name and id lead the line.
  function warningText(warning) {
    const e = warning.element, message = warning.message || String(warning);
    if (!e || !e.id) return message;
    const where = e.name && e.name !== e.id ? e.name + '（' + e.id + '）' : e.id;
    return where + (warning.property ? ' ' + warning.property : '') + '：' + message;
  }

  // Shared by both pages: the button, the drop zone, the report under the toolbar. `load(name, model)` opens a model.
  function wire(S, canvas, load) {
    const input = document.getElementById('file-input');
    const openFile = async (file) => {
      let model;
      try {
        model = await readModel(file, S);
      } catch (err) {
        ui.status(err instanceof Refusal ? err.message : fill(S.cannot_open, { file: file.name, error: err.message }));
        return;
      }
      await load(file.name, model);
    };
    document.getElementById('open-file').addEventListener('click', () => input.click());
    input.addEventListener('change', () => {
      if (input.files.length) openFile(input.files[0]);
      input.value = '';  // the same file again, after an edit, is a new choice
    });
    const carriesFile = (event) => event.dataTransfer && Array.from(event.dataTransfer.types || []).includes('Files');
    canvas.dataset.dropText = S.drop;
    canvas.addEventListener('dragover', (event) => {
      if (!carriesFile(event)) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
      canvas.classList.add('pf-drop');
    });
    canvas.addEventListener('dragleave', (event) => {
      if (!canvas.contains(event.relatedTarget)) canvas.classList.remove('pf-drop');
    });
    for (const type of ['dragover', 'drop']) {  // a file that misses the canvas must not replace the page
      window.addEventListener(type, (event) => { if (carriesFile(event)) event.preventDefault(); });
    }
    canvas.addEventListener('drop', (event) => {
      canvas.classList.remove('pf-drop');
      if (!event.dataTransfer || !event.dataTransfer.files.length) return;
      event.preventDefault();
      event.stopPropagation();
      openFile(event.dataTransfer.files[0]);
    });
    const report = document.getElementById('file-report');
    const status = document.getElementById('status');
    const ui = {
      load: load,
      status: (text) => { status.textContent = text; },
      // what was opened, and each warning of the import (the parts of the file that were not read); `more` is a
      // conversion's report (modeler_import.js)
      report: (head, warnings, links, more) => {
        report.replaceChildren();
        const p = document.createElement('p');
        p.textContent = head;
        if (warnings && warnings.length) p.textContent += ' ' + fill(S.warnings, { n: warnings.length });
        report.append(p, ...(more ? more.nodes : []));
        const items = (warnings || []).map(warningText);
        if (items.length || (links && links.length)) {
          const ul = document.createElement('ul');
          for (const text of items) { const li = document.createElement('li'); li.textContent = text; ul.append(li); }
          for (const link of links || []) {
            const li = document.createElement('li'), a = document.createElement('a');
            a.href = link.href; a.textContent = link.text; li.append(a); ul.append(li);
          }
          report.append(ul);
        }
        report.classList.toggle('pf-warn', Boolean(items.length || (more && more.warn)));
        report.hidden = false;
      }
    };
    return ui;
  }

  function save(name, xml) {
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([xml], { type: 'application/xml' }));
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  }

  // Import with `load`; the import's own outcome (error, warnings) is what its import.done event says. On failure the
  // diagram that was there is loaded again, so it stays.
  async function replace(modeler, load, text, before) {
    let outcome = null;
    const done = (event) => { outcome = event; };
    modeler.on('import.done', done);
    try {
      await load(text);
    } catch (err) {
      outcome = { error: err, warnings: (outcome && outcome.warnings) || [] };
    } finally {
      modeler.off('import.done', done);
    }
    outcome = outcome || { error: new Error('no import') };
    if (outcome.error && before) await Promise.resolve(load(before)).catch(() => null);
    return outcome;
  }

  // The process page: ctx is modeler.js's (modeler, open, changed, validate).
  function bpmnPage(ctx) {
    const S = JSON.parse(document.getElementById('files-text').textContent);
    const input = document.getElementById('file-input');
    const tables = JSON.parse(input.dataset.tables || '[]');
    const ui = wire(S, document.getElementById('canvas'), async (name, model) => {
      if (model.kind === 'dmn') return toTablePage(name, model.text);
      let converted = null;
      if (window.PowerflowImport && window.PowerflowImport.foreign(model.text)) {  // Camunda 7 or Zeebe: ours first
        ui.status(fill(S.converting, { file: name }));
        try {
          converted = await window.PowerflowImport.convert(input.dataset.importUrl, name, model.text, S);
        } catch (err) {
          ui.status(fill(S.cannot_open, { file: name, error: err.message }));
          return;
        }
        model = { text: converted.bpmn_xml, kind: 'bpmn' };
      }
      const before = ctx.modeler.getDefinitions() ? (await ctx.modeler.saveXML({ format: false })).xml : null;
      // the page's own opening (fit to the screen, ready to validate and deploy)
      const result = await replace(ctx.modeler, ctx.open, model.text, before);
      if (result.error) {
        ui.status(fill(S.cannot_open, { file: name, error: result.error.message }));
        return;
      }
      const create = document.getElementById('new-process');
      if (create) create.style.display = 'none';
      ctx.changed();  // unsaved work now: kept as a draft, and a warning before leaving
      const more = converted && window.PowerflowImport.report(S, name, converted);
      ui.report(more ? more.head : fill(S.opened, { file: name }), result.warnings, null, more);
      const canvas = ctx.modeler.get('canvas'), registry = ctx.modeler.get('elementRegistry');
      const marked = (result.warnings || []).map((w) => w.element && w.element.id).concat(more ? more.marked : []);
      for (const id of new Set(marked)) {
        if (id && registry.get(id)) canvas.addMarker(id, 'pf-import-warning');
      }
      await ctx.validate();
    });

    function toTablePage(name, text) {
      const url = (n) => input.dataset.tableUrl.replace('NAME', encodeURIComponent(n));
      if (tables.includes(name)) {
        try {
          sessionStorage.setItem(HANDOVER, JSON.stringify({ name: name, xml: text, at: Date.now() }));
          ui.status(fill(S.dmn_here, { file: name }));
          location.assign(url(name));
          return;
        } catch (err) { /* storage full or off: the links below */ }
      }
      ui.report(fill(S.dmn_where, { file: name }), [], tables.map((t) => ({ href: url(t), text: t })));
    }
  }

  // The decision-table page, once dmn.js has opened the page's table in window.powerflowDmn: a file opened here or
  // handed over from the process page replaces it in the editor, to be deployed as this table.
  function dmnPage() {
    const S = JSON.parse(document.getElementById('files-text').textContent);
    const box = document.getElementById('dmn'), table = box.dataset.name;
    let handed = null;
    try {
      handed = JSON.parse(sessionStorage.getItem(HANDOVER) || 'null');
      sessionStorage.removeItem(HANDOVER);
    } catch (err) { handed = null; }
    box.addEventListener('powerflow:opened', () => {
      const modeler = window.powerflowDmn;
      const ui = wire(S, box, async (name, model) => {
        if (model.kind !== 'dmn') { ui.status(fill(S.bpmn_there, { file: name })); return; }
        const before = modeler.getDefinitions() ? (await modeler.saveXML({ format: false })).xml : null;
        const result = await replace(modeler, (text) => modeler.importXML(text), model.text, before);
        const view = modeler.getViews().find((v) => v.type === 'decisionTable');
        if (view) await modeler.open(view);
        if (result.error) {
          ui.status(fill(S.cannot_open, { file: name, error: result.error.message }));
          return;
        }
        document.getElementById('problems').replaceChildren();
        ui.status('');
        ui.report(fill(S.opened_table, { file: name, table: table }), result.warnings);
      });
      document.getElementById('download-file').addEventListener('click', async () => {
        save(table, (await modeler.saveXML({ format: true })).xml);
      });
      // a handover left behind when the designer chose to stay on the process page is not taken later
      if (handed && handed.name === table && Date.now() - handed.at < 60000) {
        ui.load(handed.name, { text: handed.xml, kind: 'dmn' });
      }
    }, { once: true });
  }

  window.PowerflowFiles = bpmnPage;
  if (document.getElementById('dmn') && document.getElementById('files-text')) dmnPage();
})();
