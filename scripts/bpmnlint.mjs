// Lints BPMN documents with bpmnlint and the repository's .bpmnlintrc (used by engine/process/bpmnlint.py).
// Usage: node scripts/bpmnlint.mjs < [{"file": name, "xml": text}, ...]  (UTF-8 JSON on stdin)
// Prints one JSON list: {file, rule, id, message, category} for each finding.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const { Linter } = require('bpmnlint');
const NodeResolver = require('bpmnlint/lib/resolver/node-resolver');
const { BpmnModdle } = await import('bpmn-moddle');

const config = JSON.parse(readFileSync(join(root, '.bpmnlintrc'), 'utf8'));
const spiff = JSON.parse(readFileSync(join(root, 'webui/static/spiffworkflow.json'), 'utf8'));
// bpmn-js links each sequence flow to its nodes on import; a file written without <bpmn:incoming> and
// <bpmn:outgoing> (SpiffWorkflow needs neither) is linted as bpmn-js would see it.
function linkFlows(container) {
  for (const element of container.flowElements || []) {
    if (element.$type === 'bpmn:SequenceFlow') {
      for (const [node, side] of [[element.sourceRef, 'outgoing'], [element.targetRef, 'incoming']]) {
        if (node && !node.get(side).includes(element)) node.get(side).push(element);
      }
    }
    linkFlows(element);
  }
}

const found = [];
for (const { file, xml } of JSON.parse(readFileSync(0, 'utf8'))) {
  try {
    const { rootElement } = await new BpmnModdle({ spiffworkflow: spiff }).fromXML(xml);
    (rootElement.rootElements || []).forEach(linkFlows);
    // a Linter per file: some rules keep what they saw between runs
    const reports = await new Linter({ config, resolver: new NodeResolver({ require }) }).lint(rootElement);
    for (const [rule, list] of Object.entries(reports)) {
      for (const r of list) found.push({ file, rule, id: r.id || null, message: r.message, category: r.category });
    }
  } catch (error) {  // a file bpmn-moddle cannot read is an error of that file, not of the run
    found.push({ file, rule: 'bpmn-moddle', id: null, message: error.message, category: 'error' });
  }
}
process.stdout.write(JSON.stringify(found));
