/* A bpmn-js module: the palette, context pad and replace menu offer only what the engine runs
   (engine/process/lint.py SUPPORTED); "task" means a user task, the step a holder does. */
(function () {
  'use strict';

  const PALETTE_DROP = ['create.data-object', 'create.data-store', 'create.group', 'create.participant-expanded'];
  const PAD_DROP = ['append.receive-task', 'append.signal-intermediate-event', 'append.condition-intermediate-event',
    'append.compensation-activity', 'append.intermediate-event'];
  const REPLACE_KEEP = ['replace-with-none-start', 'replace-with-none-end', 'replace-with-message-intermediate-catch',
    'replace-with-timer-intermediate-catch', 'replace-with-timer-boundary', 'replace-with-non-interrupting-timer-boundary',
    'replace-with-user-task', 'replace-with-script-task', 'replace-with-rule-task', 'replace-with-call-activity',
    'replace-with-expanded-subprocess', 'replace-with-subprocess', 'replace-with-exclusive-gateway',
    'replace-with-parallel-gateway', 'replace-with-sequence-flow', 'replace-with-default-flow',
    'replace-with-conditional-flow'];
  const HEADER_KEEP = ['toggle-parallel-mi', 'toggle-sequential-mi', 'toggle-non-interrupting'];

  function EngineMenus(palette, contextPad, popupMenu, elementFactory, create, autoPlace, translate) {
    const userTask = () => elementFactory.createShape({ type: 'bpmn:UserTask' });
    const timerCatch = () => elementFactory.createShape({ type: 'bpmn:IntermediateCatchEvent',
      eventDefinitionType: 'bpmn:TimerEventDefinition' });
    const creating = (make) => (event) => create.start(event, make());

    palette.registerProvider(500, {
      getPaletteEntries: () => (entries) => {
        PALETTE_DROP.forEach((key) => delete entries[key]);
        entries['create.task'] = { group: 'activity', className: 'bpmn-icon-user-task', title: translate('Create user task'),
          action: { dragstart: creating(userTask), click: creating(userTask) } };
        entries['create.intermediate-event'] = { group: 'event', className: 'bpmn-icon-intermediate-event-catch-timer',
          title: translate('Create timer intermediate catch event'),
          action: { dragstart: creating(timerCatch), click: creating(timerCatch) } };
        return entries;
      }
    });

    contextPad.registerProvider(500, {
      getContextPadEntries: (element) => (entries) => {
        PAD_DROP.forEach((key) => delete entries[key]);
        if (entries['append.append-task']) {
          const append = (event, source) => {
            if (autoPlace) autoPlace.append(source, userTask());
            else create.start(event, userTask(), { source: source });
          };
          entries['append.append-task'] = { group: 'model', className: 'bpmn-icon-user-task',
            title: translate('Append user task'),
            action: { click: append, dragstart: (event) => create.start(event, userTask(), { source: element }) } };
        }
        return entries;
      }
    });

    popupMenu.registerProvider('bpmn-replace', 500, {
      getPopupMenuEntries: () => (entries) => keep(entries, REPLACE_KEEP),
      getPopupMenuHeaderEntries: () => (entries) => keep(entries, HEADER_KEEP)
    });
  }
  EngineMenus.$inject = ['palette', 'contextPad', 'popupMenu', 'elementFactory', 'create', 'autoPlace', 'translate'];

  function keep(entries, allowed) {
    const result = {};
    for (const key of Object.keys(entries)) if (allowed.includes(key)) result[key] = entries[key];
    return result;
  }

  window.PowerflowMenus = { __init__: ['powerflowMenus'], powerflowMenus: ['type', EngineMenus] };
})();
