// `npm run build`: the JavaScript a container (or any plain `node`) runs, into dist/.
//   dist/<folder>/…/*.js          the production folders compiled by tsc (tsconfig.build.json), so
//                                 `node dist/workers/main.js`, `node dist/client/controller/main.js`
//                                 and `node dist/client/cli/main.js` start without tsx
//   dist/workflow-bundle.js       the workflow code bundled once, for CAPSTAN_WORKFLOW_BUNDLE: a
//                                 worker then starts without webpack and runs exactly what was built
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectDir } from './tool-paths.ts';
import { bundleWorkflows } from './workflow-bundle.ts';

const dist = join(projectDir, 'dist');
const started = Date.now();

rmSync(dist, { recursive: true, force: true });
execFileSync(join(projectDir, 'node_modules', '.bin', 'tsc'), ['-p', join(projectDir, 'tsconfig.build.json')], { stdio: 'inherit' });

// tsc copies no data files; the Talos client loads its .proto files from beside its code at run time.
const protoDir = join('activities', 'talos', 'machine-api', 'proto');
cpSync(join(projectDir, protoDir), join(dist, protoDir), { recursive: true });

// With its source map: a workflow's stack trace in production then names our source lines.
const bundle = join(dist, 'workflow-bundle.js');
writeFileSync(bundle, await bundleWorkflows('production'));

const kib = Math.round(statSync(bundle).size / 1024);
console.log(`built ${dist} in ${((Date.now() - started) / 1000).toFixed(1)} s (workflow bundle ${kib} KiB)`);
