/* The modeler's properties panel: what the engine reads from each element (spiffworkflow:property and friends). */
(function () {
  'use strict';

  const KINDS = { 'bpmn:UserTask': 'User task', 'bpmn:ScriptTask': 'Script task', 'bpmn:BusinessRuleTask': 'Business rule task',
    'bpmn:CallActivity': 'Call activity', 'bpmn:SubProcess': 'Sub-process', 'bpmn:Task': 'Task', 'bpmn:StartEvent': 'Start event',
    'bpmn:EndEvent': 'End event', 'bpmn:IntermediateCatchEvent': 'Intermediate catch event',
    'bpmn:IntermediateThrowEvent': 'Intermediate throw event', 'bpmn:BoundaryEvent': 'Boundary event',
    'bpmn:ExclusiveGateway': 'Exclusive gateway', 'bpmn:ParallelGateway': 'Parallel gateway', 'bpmn:SequenceFlow': 'Sequence flow',
    'bpmn:Lane': 'Lane', 'bpmn:Participant': 'Pool', 'bpmn:Process': 'Process', 'bpmn:Collaboration': 'Collaboration',
    'bpmn:TextAnnotation': 'Text annotation', 'bpmn:Association': 'Association' };

  /** Build the panel; ``ctx`` holds modeler, T, ROLES, FORMS and openFormEditor. Returns {render, getProp, setProp}. */
  function propertiesPanel(ctx) {
    const T = ctx.T, modeler = ctx.modeler;
    const modeling = () => modeler.get('modeling');
    const moddle = () => modeler.get('moddle');
    const panel = document.getElementById('panel');
    const is = (element, type) => element.businessObject.$instanceOf(type);

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

    function field(label, control) {
      const wrap = document.createElement('label');
      wrap.className = 'pf-field';
      wrap.append(label, control);
      panel.append(wrap);
      return control;
    }
    function input(label, value, onChange, name) {
      const el = document.createElement('input');
      el.value = value || ''; el.name = name || '';
      el.addEventListener('change', () => onChange(el.value.trim()));
      return field(label, el);
    }
    function checkbox(label, checked, onChange, name) {
      const el = document.createElement('input');
      el.type = 'checkbox'; el.checked = checked; el.name = name || '';
      el.addEventListener('change', () => onChange(el.checked));
      field(label, el).parentNode.classList.add('pf-check');
      return el;
    }
    function textarea(label, value, onChange, name) {
      const el = document.createElement('textarea');
      el.rows = 6; el.value = value || ''; el.name = name || '';
      el.addEventListener('change', () => onChange(el.value));
      return field(label, el);
    }
    function select(label, options, value, onChange, name, multiple) {
      const el = document.createElement('select');
      el.name = name || ''; el.multiple = !!multiple;
      const chosen = multiple ? value : [value];
      for (const [v, text] of options) el.append(new Option(text, v, false, chosen.includes(v)));
      el.addEventListener('change', () => onChange(multiple ? [...el.selectedOptions].map((o) => o.value) : el.value));
      return field(label, el);
    }

    // `file`: which earlier steps' material the holder sees: absent = all, "none", or chosen userTask ids.
    function fileControl(element) {
      const bo = element.businessObject, value = getProp(bo, 'file');
      const mode = value === '' ? 'all' : value === 'none' ? 'none' : 'some';
      const others = modeler.get('elementRegistry').filter((e) => is(e, 'bpmn:UserTask') && e.id !== element.id)
        .map((e) => [e.id, e.businessObject.name || e.id]);
      select(T.file, [['all', T.file_all], ['none', T.file_none], ['some', T.file_some]], mode, (v) => {
        if (v === 'some') { picker.hidden = false; picker.parentNode.hidden = false; return; }
        setProp(element, 'file', v === 'none' ? 'none' : '');
      }, 'file');
      const picker = select(T.file_steps, others, mode === 'some' ? value.split(/\s+/) : [],
        (ids) => setProp(element, 'file', ids.join(' ')), 'file_steps', true);
      picker.size = Math.min(6, Math.max(2, others.length));
      picker.parentNode.hidden = mode !== 'some';
    }

    function render(element) {
      panel.replaceChildren();
      if (!element) {
        const p = document.createElement('p'); p.className = 'empty'; p.textContent = T.pick; panel.append(p);
        return;
      }
      const bo = element.businessObject;
      const title = document.createElement('h2');
      title.textContent = (bo.name || bo.id) + '（' + modeler.get('translate')(KINDS[bo.$type] || bo.$type.replace('bpmn:', '')) + '）';
      panel.append(title);
      input(T.id, bo.id, (v) => v && modeling().updateProperties(element, { id: v }), 'id');
      if (is(element, 'bpmn:Lane')) {
        select(T.lane_role, [['', T.choose_role]].concat(ctx.ROLES.map((r) => [r, r])), bo.name || '',
          (v) => modeling().updateLabel(element, v), 'lane_role');
        return;
      }
      if (!is(element, 'bpmn:Process') && !is(element, 'bpmn:Collaboration')) {
        input(T.name, bo.name, (v) => modeling().updateLabel(element, v), 'name');
      }
      if (is(element, 'bpmn:UserTask')) {
        const forms = ctx.FORMS;
        const options = [['', T.choose_form]].concat(Object.keys(forms).sort().map((f) => [f, (forms[f].title || '') + ' ' + f]));
        const current = getProp(bo, 'formJsonSchemaFilename');
        select(T.form, options, current, (v) => setProp(element, 'formJsonSchemaFilename', v), 'form');
        const edit = document.createElement('button');
        edit.type = 'button'; edit.id = 'edit-form'; edit.className = 'secondary small';
        edit.textContent = current ? T.edit_form : T.new_form;
        edit.addEventListener('click', () => ctx.openFormEditor(element, getProp(bo, 'formJsonSchemaFilename')));
        panel.append(edit);
        select(T.candidate_role, [['', T.lane_role_default]].concat(ctx.ROLES.map((r) => [r, r])),
          getProp(bo, 'candidateRole'), (v) => setProp(element, 'candidateRole', v), 'candidate_role');
        input(T.assignee, getProp(bo, 'assignee'), (v) => setProp(element, 'assignee', v), 'assignee');
        // A step for the person the matter names whatever role they hold (a case's official): its lane need
        // not be a role. The engine honours it only with an assignee.
        checkbox(T.any_role, getProp(bo, 'anyRole') === 'true', (on) => setProp(element, 'anyRole', on ? 'true' : ''),
          'any_role');
        input(T.due, getProp(bo, 'dueInWorkingDays'), (v) => setProp(element, 'dueInWorkingDays', v), 'due');
        fileControl(element);
      }
      if (is(element, 'bpmn:ScriptTask')) {
        textarea(T.script, bo.script, (v) => modeling().updateProperties(element, { script: v }), 'script');
      }
      if (is(element, 'bpmn:SequenceFlow') && bo.sourceRef && bo.sourceRef.$instanceOf('bpmn:ExclusiveGateway')) {
        input(T.condition, bo.conditionExpression ? bo.conditionExpression.body : '', (v) => {
          modeling().updateProperties(element, {
            conditionExpression: v ? moddle().create('bpmn:FormalExpression', { body: v }) : undefined });
        }, 'condition');
      }
      const timer = (bo.eventDefinitions || []).find((d) => d.$type === 'bpmn:TimerEventDefinition');
      if (timer) {
        const match = /working_days_from_now\((\d+)\)/.exec(timer.timeDate ? timer.timeDate.body : '');
        input(T.timer, match ? match[1] : '', (v) => {
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
    return { render: render, getProp: getProp, setProp: setProp, is: is };
  }

  window.PowerflowPanel = propertiesPanel;
})();
