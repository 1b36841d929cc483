/* Bundled at install by scripts/bpmnlint_bundle.mjs into /vendor/.powerflow/modeler_lint.js (and .css):
   bpmn-js-bpmnlint, the rules .bpmnlintrc enables, and the spiffworkflow moddle descriptor, for modeler_lint.js. */
import lintModule from 'bpmn-js-bpmnlint';
import 'bpmn-js-bpmnlint/dist/assets/css/bpmn-js-bpmnlint.css';
import packedConfig from 'bpmnlint-config';
import spiffworkflow from './spiffworkflow.json';

window.PowerflowBpmnlint = { lintModule, packedConfig, spiffworkflow };
