// Builds the modeler's lint bundle at install (scripts/install): webui/static/modeler_lint_src.js with
// bpmn-js-bpmnlint, the rules .bpmnlintrc enables (packed by bpmnlint's compile-config, as bpmnlint-loader
// does for webpack) and the spiffworkflow moddle descriptor -> node_modules/.powerflow/modeler_lint.js (+ .css).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const { build } = require('esbuild');
const compileConfig = require('bpmnlint/lib/support/compile-config');
const NodeResolver = require('bpmnlint/lib/resolver/node-resolver');

const config = JSON.parse(readFileSync(join(root, '.bpmnlintrc'), 'utf8'));
const packed = await compileConfig(config, new NodeResolver({ require }));
const packedConfig = {
  name: 'bpmnlint-config',
  setup(b) {
    b.onResolve({ filter: /^bpmnlint-config$/ }, () => ({ path: 'bpmnlint-config', namespace: 'bpmnlint' }));
    b.onLoad({ filter: /.*/, namespace: 'bpmnlint' }, () => ({ contents: packed, resolveDir: root, loader: 'js' }));
  }
};
await build({
  entryPoints: [join(root, 'webui/static/modeler_lint_src.js')],
  outfile: join(root, 'node_modules/.powerflow/modeler_lint.js'),
  bundle: true, minify: true, format: 'iife', logLevel: 'warning', plugins: [packedConfig]
});
