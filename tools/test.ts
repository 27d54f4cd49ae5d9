// `npm test`: installs the toolchain if needed, type-checks, checks the format, lints, runs vitest, then proves
// no server outlived it. Arguments go to vitest and skip the static checks (a focused run).
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { ensureTestTools } from './ensure-tools.ts';
import { processesWithEnv } from './orphans.ts';
import { projectDir } from './tool-paths.ts';

const marker = 'CAPSTAN_TEST_RUN';

try {
  ensureTestTools();
} catch {
  process.exit(1); // the install script already said which prerequisite is missing
}

const bin = (name: string): string => join(projectDir, 'node_modules', '.bin', name);
const vitestArgs = process.argv.slice(2);
if (vitestArgs.length === 0) {
  for (const [what, command, args] of [
    ['type check', bin('tsc'), ['--noEmit']],
    ['format check (npm run format fixes it)', bin('prettier'), ['--check', '--log-level', 'warn', '**/*.{ts,js}']],
    ['lint', bin('eslint'), ['.']],
  ] as const) {
    console.log(`${what}: ${[command, ...args].join(' ')}`);
    if (spawnSync(command, args, { stdio: 'inherit' }).status !== 0) {
      console.error(`${what} failed`);
      process.exit(1);
    }
  }
}

const runId = randomUUID();
const vitest = spawnSync(bin('vitest'), ['run', ...vitestArgs], {
  stdio: 'inherit',
  env: { ...process.env, [marker]: runId },
});

// Give servers that are shutting down a moment before calling them orphans.
let orphans = processesWithEnv(marker, runId);
for (let waited = 0; orphans.length > 0 && waited < 10_000; waited += 250) {
  await new Promise((resolve) => setTimeout(resolve, 250));
  orphans = processesWithEnv(marker, runId);
}
if (orphans.length > 0) {
  console.error(`\n${orphans.length} process(es) outlived the test run (a harness teardown is missing):`);
  for (const orphan of orphans) {
    console.error(`  ${orphan.pid} ${orphan.command}`);
    try {
      process.kill(orphan.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  process.exit(1);
}
console.log('no orphan processes: every server started by the tests has stopped');
process.exit(vitest.status ?? 1);
