/* The modeler's form editor: writes a task's JSON Schema form, fields in the order designed. */
(function () {
  'use strict';

  const NUMERIC = ['integer', 'number'];
  const GENERATED = ['type', 'format', 'enum', 'x-widget', 'minimum', 'maximum', 'maxLength', 'minLength', 'title'];

  /** Wire the dialog; ``ctx`` holds T (texts), FORMS, edited, getProp, setProp, render, changed, processKey. */
  function formEditor(ctx) {
    const T = ctx.T;
    const dialog = document.getElementById('form-editor');
    const rows = document.getElementById('fe-fields');
    const error = document.getElementById('fe-error');
    const TYPES = [['string', T.type_string], ['textarea', T.type_textarea], ['integer', T.type_integer],
      ['number', T.type_number], ['boolean', T.type_boolean], ['date', T.type_date], ['choice', T.type_choice]];
    const originals = new WeakMap();
    let editing = null;

    function cell(tr, html) { const td = document.createElement('td'); td.innerHTML = html; tr.append(td); return td.firstChild; }
    function addRow(name, prop, required) {
      prop = prop || {};
      const kind = prop.enum ? 'choice' : prop.format === 'date' ? 'date' : prop['x-widget'] === 'textarea' ? 'textarea' : (prop.type || 'string');
      const tr = document.createElement('tr');
      const inputs = {
        name: cell(tr, '<input class="fe-name" required pattern="[a-z][a-z0-9_]*" aria-label="">'),
        label: cell(tr, '<input class="fe-label" aria-label="">'),
        type: cell(tr, '<select class="fe-type" aria-label=""></select>'),
        required: cell(tr, '<input type="checkbox" class="fe-required" aria-label="">'),
        choices: cell(tr, '<input class="fe-choices" aria-label="">'),
        min: cell(tr, '<input type="number" step="any" class="fe-min" aria-label="">'),
        max: cell(tr, '<input type="number" step="any" class="fe-max" aria-label="">'),
        remove: cell(tr, '<button type="button" class="pf-link fe-remove"></button>')
      };
      const heads = [T.field_name, T.field_label, T.field_type, T.field_required, T.field_choices, T.field_min, T.field_max];
      Object.values(inputs).slice(0, 7).forEach((el, i) => {
        el.setAttribute('aria-label', heads[i]); el.parentNode.dataset.label = heads[i];  // labels when rows stack
      });
      inputs.name.value = name || '';
      inputs.label.value = prop.title || '';
      for (const [v, t] of TYPES) inputs.type.append(new Option(t, v, false, v === kind));
      inputs.required.checked = !!required;
      inputs.choices.value = (prop.enum || []).join(',');
      inputs.min.value = prop.minimum !== undefined ? prop.minimum : '';
      inputs.max.value = prop.maximum !== undefined ? prop.maximum : '';
      inputs.remove.textContent = T.remove;
      inputs.remove.addEventListener('click', () => tr.remove());
      const numeric = () => {
        const on = NUMERIC.includes(inputs.type.value);
        inputs.min.disabled = inputs.max.disabled = !on;
        inputs.choices.disabled = inputs.type.value !== 'choice';
      };
      inputs.type.addEventListener('change', numeric);
      numeric();
      originals.set(tr, prop);
      rows.append(tr);
    }

    function defaultFile(element) {
      const base = (ctx.processKey() + '_' + element.businessObject.id).toLowerCase().replace(/[^a-z0-9_]+/g, '_');
      return base.replace(/^_+|_+$/g, '').slice(0, 80) + '.schema.json';
    }

    function open(element, filename) {
      editing = element;
      const schema = ctx.FORMS[filename] || { title: '', properties: {}, required: [] };
      document.getElementById('fe-file').value = filename || defaultFile(element);
      document.getElementById('fe-title').value = schema.title || element.businessObject.name || '';
      error.textContent = '';
      rows.replaceChildren();
      for (const [name, prop] of Object.entries(schema.properties || {})) addRow(name, prop, (schema.required || []).includes(name));
      if (!rows.children.length) addRow('', {}, true);
      dialog.showModal();
    }

    function read() {
      const file = document.getElementById('fe-file').value.trim();
      const schema = { $schema: 'https://json-schema.org/draft/2020-12/schema', title: document.getElementById('fe-title').value.trim(),
        type: 'object', required: [], properties: {} };
      if (!/^[a-z0-9_]+\.schema\.json$/.test(file)) return { problem: T.bad_file };
      for (const tr of rows.children) {
        const name = tr.querySelector('.fe-name').value.trim();
        if (!name) continue;
        if (!/^[a-z][a-z0-9_]*$/.test(name)) return { problem: T.bad_field.replace('{name}', name) };
        if (schema.properties[name]) return { problem: T.twice_field.replace('{name}', name) };
        const kind = tr.querySelector('.fe-type').value;
        const prop = Object.assign({}, originals.get(tr) || {});
        GENERATED.forEach((k) => delete prop[k]);
        prop.title = tr.querySelector('.fe-label').value.trim() || name;
        if (kind === 'textarea') Object.assign(prop, { type: 'string', 'x-widget': 'textarea', maxLength: 10000 });
        else if (kind === 'date') Object.assign(prop, { type: 'string', format: 'date' });
        else if (kind === 'choice') Object.assign(prop, { type: 'string', enum: tr.querySelector('.fe-choices').value.split(/[,，]/).map((s) => s.trim()).filter(Boolean) });
        else if (kind === 'string') Object.assign(prop, { type: 'string', maxLength: 2000 });
        else prop.type = kind;
        if (NUMERIC.includes(kind)) {
          const low = tr.querySelector('.fe-min').value, high = tr.querySelector('.fe-max').value;
          if (low !== '') prop.minimum = Number(low);
          if (high !== '') prop.maximum = Number(high);
          if (kind === 'integer' && [prop.minimum, prop.maximum].some((v) => v !== undefined && !Number.isInteger(v))) {
            return { problem: T.whole_bounds.replace('{name}', name) };
          }
          if (low !== '' && high !== '' && prop.minimum > prop.maximum) return { problem: T.bad_bounds.replace('{name}', name) };
        }
        if (tr.querySelector('.fe-required').checked) { schema.required.push(name); if (prop.type === 'string' && !prop.enum) prop.minLength = 1; }
        schema.properties[name] = prop;
      }
      if (!Object.keys(schema.properties).length) return { problem: T.no_fields };
      return { file: file, schema: schema };
    }

    document.getElementById('fe-add').addEventListener('click', () => addRow('', {}, false));
    document.getElementById('fe-save').addEventListener('click', (event) => {
      const { problem, file, schema } = read();
      if (problem) { event.preventDefault(); error.textContent = problem; return; }
      ctx.FORMS[file] = schema; ctx.edited[file] = schema;
      ctx.changed();
      if (editing) { ctx.setProp(editing, 'formJsonSchemaFilename', file); ctx.render(editing); }
    });
    return { open: open, defaultFile: defaultFile };
  }

  window.PowerflowFormEditor = formEditor;
})();
