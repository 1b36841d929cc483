/* Lint as you draw: bpmnlint's rules (.bpmnlintrc, the same `powerflow lint` runs) in the modeler through
   bpmn-js-bpmnlint, and the spiffworkflow moddle descriptor (spiffworkflow.json), both from the bundle
   scripts/install builds (/vendor/.powerflow/modeler_lint.js, see modeler_lint_src.js). */
(function () {
  'use strict';

  // bpmn-js-bpmnlint's texts and the recommended rules' messages, passed through bpmn-js's `translate`.
  const ZH = {
    '{errors} Errors, {warnings} Warnings': 'bpmnlint：{errors} 个错误，{warnings} 个警告', 'No Issues': 'bpmnlint：没有问题',
    'Toggle linting overlays': '显示/隐藏 bpmnlint 检查结果', 'Issues for child elements': '子元素的问题',
    'Incoming flows do not join': '多条流入的连线没有合并：请先用排他网关合并',
    'Element is missing label/name': '缺少名称', 'Element is missing name': '缺少名称',
    'Element is not connected': '没有与其他元素连接', 'Element is an implicit end': '没有流出连线（隐式结束）',
    'Element is an implicit start': '没有流入连线（隐式开始）', 'Flow splits implicitly': '从任务直接分出多条连线：请用网关分支',
    'Gateway forks and joins': '网关同时合并和分支：请拆成两个网关',
    'Gateway is superfluous. It only has one source and target.': '网关只有一进一出，是多余的',
    'Sequence flow has superfluous label': '无条件的连线不需要名称', 'Sequence flow is missing condition': '连线缺少条件',
    'SequenceFlow is a duplicate': '重复的连线', 'Duplicate incoming sequence flows': '重复的流入连线',
    'Duplicate outgoing sequence flows': '重复的流出连线', 'Element is missing bpmndi': '缺少图形信息（DI）',
    'Element is unused': '没有被使用', 'Element overlaps with other element': '与其他元素重叠',
    'Element is outside of parent boundary': '超出了所在容器的边界', 'Start event must be blank': '开始事件须为空白开始事件',
    'Event has multiple event definitions': '事件有多个事件定义', 'Termination is superfluous.': '终止结束事件是多余的'
  };

  // The BpmnJS options modeler.js adds: our moddle extension, the linting module and its packed rules.
  window.PowerflowLint = function () {
    const bundle = window.PowerflowBpmnlint;
    if (!bundle) throw new Error('/vendor/.powerflow/modeler_lint.js is missing: run scripts/install');
    const lang = document.documentElement.lang === 'en' ? 'en' : 'zh';
    const base = window.PowerflowLabels.translator(lang);
    const translate = (template, replacements) => base(lang === 'zh' && ZH[template] || template, replacements);
    return {
      moddleExtensions: { spiffworkflow: bundle.spiffworkflow },
      // registered after modeler.js's translate module, so this one (which falls back to it) is used
      additionalModules: [bundle.lintModule, { translate: ['value', translate] }],
      linting: { bpmnlint: bundle.packedConfig, active: true }
    };
  };
})();
