// `npm start` killed with SIGKILL (what an out-of-memory kill does mid-upgrade) and started again:
// the second start comes up on the same state folder with the first start's data, after ending
// whatever the first left running, and after Ctrl-C nothing of either start is left. Two full
// starts on a busy machine, so the demo is not applied (CAPSTAN_SKIP_DEMO=1): its simulated
// clusters would only add servers to wait for.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { Client, Connection } from '@temporalio/client';
import { afterAll, describe, expect, it } from 'vitest';
import { delay } from '../../embedded/servers/managed-process.ts';
import { eventually } from '../../embedded/servers/eventually.ts';
import { freePort } from '../../embedded/servers/free-port.ts';
import { identityOf } from '../../embedded/servers/process-identity.ts';
import { readServerRecords } from '../../embedded/servers/process-records.ts';
import { makeTempDir } from '../../embedded/servers/temp-dir.ts';
import { processesWithEnv } from '../../tools/orphans.ts';
import { projectDir } from '../../tools/tool-paths.ts';

const markerName = 'CAPSTAN_CRASH_RESTART_RUN';
const marker = randomUUID();
const home = makeTempDir('crash-restart');
const launchers: ChildProcess[] = [];

afterAll(() => {
  for (const launcher of launchers) launcher.kill('SIGKILL');
  for (const { pid } of processesWithEnv(markerName, marker)) process.kill(pid, 'SIGKILL');
  home.remove();
});

/** A running `npm start` (its entry, without npm and tsx's own parent process in between). */
interface Launcher {
  readonly child: ChildProcess;
  output(): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function launch(env: NodeJS.ProcessEnv): Launcher {
  const child = spawn(process.execPath, ['--import', 'tsx', join(projectDir, 'embedded', 'start.ts')], {
    cwd: projectDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  launchers.push(child);
  let output = '';
  const collect = (chunk: Buffer): void => {
    output += chunk.toString('utf8');
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve({ code, signal });
    });
  });
  return { child, output: () => output, exited };
}

async function untilRunning(launcher: Launcher, timeoutMs = 240_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!launcher.output().includes('Capstan is running')) {
    if (launcher.child.exitCode !== null || launcher.child.signalCode !== null)
      throw new Error(`npm start ended before it ran:\n${launcher.output()}`);
    if (Date.now() > deadline) throw new Error(`npm start did not run within ${timeoutMs} ms:\n${launcher.output()}`);
    await delay(200);
  }
}

describe('npm start after a crash of its own', () => {
  it('comes back with the first start’s data after a SIGKILL, and leaves nothing behind after Ctrl-C', async () => {
    const ports = {
      CAPSTAN_TEMPORAL_PORT: await freePort(),
      CAPSTAN_TEMPORAL_UI_PORT: await freePort(),
      CAPSTAN_KUBE_APISERVER_PORT: await freePort(),
      CAPSTAN_ETCD_PORT: await freePort(),
      CAPSTAN_ETCD_PEER_PORT: await freePort(),
      CAPSTAN_PROXMOX_PORT: await freePort(),
      CAPSTAN_CODEC_SERVER_PORT: await freePort(),
    };
    const env = {
      ...process.env,
      ...Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, String(port)])),
      CAPSTAN_HOME: home.path,
      CAPSTAN_SKIP_DEMO: '1',
      [markerName]: marker,
    };
    const processesDir = join(home.path, 'processes');

    const first = launch(env);
    await untilRunning(first);
    // Each server is on record, under its own pid and command line (setpriv exec'd in place).
    const records = readServerRecords(processesDir).map(({ record }) => record);
    expect(records.map((record) => record.name).sort()).toEqual([
      'management cluster etcd',
      'management cluster kube-apiserver',
      'temporal dev server',
    ]);
    for (const record of records) expect(identityOf(record.pid)?.commandLine).toEqual(record.commandLine);

    // Data in both stores: an object in the management cluster, a workflow in Temporal.
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(join(home.path, 'management', 'kubeconfig'));
    const core = kubeConfig.makeApiClient(CoreV1Api);
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'kept-across-a-crash' }, data: { marker } } });
    const temporalAddress = `127.0.0.1:${ports.CAPSTAN_TEMPORAL_PORT}`;
    const connection = await Connection.connect({ address: temporalAddress });
    try {
      await new Client({ connection }).workflow.start('nothingRunsThis', { taskQueue: 'crash-restart', workflowId: 'kept-across-a-crash' });
    } finally {
      await connection.close();
    }

    first.child.kill('SIGKILL');
    await first.exited;

    const second = launch(env);
    await untilRunning(second);
    const beforeRunning = second.output().split('Capstan is running')[0] ?? '';
    // Where the parent death signal already ended them there is nothing left to end; whatever was ended is named.
    for (const line of beforeRunning.split('\n').filter((l) => l.startsWith('ended '))) {
      expect(line).toMatch(
        /^ended (temporal dev server|management cluster etcd|management cluster kube-apiserver) \(pid \d+\) left running by an earlier npm start that did not stop cleanly$/,
      );
    }
    expect((await core.readNamespacedConfigMap({ namespace: 'default', name: 'kept-across-a-crash' })).data).toEqual({ marker });
    const again = await Connection.connect({ address: temporalAddress });
    try {
      const description = await new Client({ connection: again }).workflow.getHandle('kept-across-a-crash').describe();
      expect(description.status.name).toBe('RUNNING');
    } finally {
      await again.close();
    }

    second.child.kill('SIGINT');
    expect(await second.exited).toEqual({ code: 0, signal: null });
    expect(second.output()).toContain('stopped.');
    expect(readdirSync(processesDir)).toEqual([]);
    await eventually(
      () => {
        expect(processesWithEnv(markerName, marker)).toEqual([]);
      },
      10_000,
      100,
    );
  }, 600_000);
});
