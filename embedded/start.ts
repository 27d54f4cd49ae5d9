// `npm start`: the embedded default. Temporal dev server + Web UI, a management cluster
// (etcd + kube-apiserver) with Capstan's CRDs, simulated Proxmox VE and Talos nodes, the Capstan
// worker and controller, and a demo cluster applied from examples/demo; state under .capstan/ is
// kept across starts. Servers an earlier start left running when it died are ended first.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type LogEntry } from '@temporalio/worker';
import { ensureTools } from '../tools/ensure-tools.ts';
import { projectDir } from '../tools/tool-paths.ts';
import { startManagementCluster } from './servers/management-cluster.ts';
import { startTemporalDevServer } from './servers/temporal-dev-server.ts';
import { createController } from '../client/controller/index.ts';
import { kubeAssets } from '../tools/tool-paths.ts';
import { applyDemoOnce } from './apply-demo.ts';
import { createLifecycleActivities } from '../activities/lifecycle-activities.ts';
import { createLifecycleWorker } from '../workers/lifecycle-worker.ts';
import { simScale, startEmbeddedProxmox } from './embedded-proxmox.ts';
import { startEmbeddedTalos } from './embedded-talos.ts';
import { simLightFromEnv } from './servers/sim-light-mode.ts';
import { assertPortsFree, embeddedPorts } from './ports.ts';
import { endLeftoverServers } from './leftover-servers.ts';
import { recordServersIn } from './servers/process-records.ts';
import { startEmbeddedCodec } from './embedded-codec.ts';

const stateDir = process.env['CAPSTAN_HOME'] ?? join(projectDir, '.capstan');
const logDir = join(stateDir, 'logs');
const processesDir = join(stateDir, 'processes');
// CAPSTAN_SKIP_DEMO=1: start without applying examples/demo (the crash-restart test, or your own manifests).
const skipDemo = process.env['CAPSTAN_SKIP_DEMO'] === '1';

/** Everything started so far, stopped in reverse order. */
const stops: Array<() => Promise<void>> = [];

async function start(): Promise<void> {
  mkdirSync(logDir, { recursive: true });
  // We stop the worker ourselves, in order, before the servers it talks to. Its warnings (an
  // activity attempt failing while a VM boots, to be retried) go to a file, not the terminal.
  const workerLog = join(logDir, 'worker.log');
  const logToFile = (entry: LogEntry): void => {
    appendFileSync(
      workerLog,
      `${new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString()} ${entry.level} ${entry.message} ${JSON.stringify(entry.meta ?? {})}\n`,
    );
  };
  Runtime.install({ logger: new DefaultLogger('WARN', logToFile), shutdownSignals: [] });
  ensureTools();
  await endLeftoverServers(processesDir, {
    report: (line) => {
      console.log(line);
    },
  });
  recordServersIn(processesDir);
  await assertPortsFree(embeddedPorts);

  step('codec server (payload encryption)');
  const codec = await startEmbeddedCodec(join(stateDir, 'codec'), embeddedPorts.codecServer, embeddedPorts.temporalUi);
  stops.push(() => codec.server.close());
  const payloadCodecs = [codec.codec];

  step('Temporal dev server');
  const temporal = await startTemporalDevServer({
    port: embeddedPorts.temporal,
    uiPort: embeddedPorts.temporalUi,
    dbFile: join(stateDir, 'temporal.sqlite'),
    logFile: join(logDir, 'temporal.log'),
    uiCodecEndpoint: codec.uiEndpoint,
  });
  stops.push(() => temporal.stop());

  step('management cluster (etcd + kube-apiserver)');
  const management = await startManagementCluster({
    dataDir: join(stateDir, 'management'),
    apiserverPort: embeddedPorts.kubeApiserver,
    etcdClientPort: embeddedPorts.etcdClient,
    etcdPeerPort: embeddedPorts.etcdPeer,
    logDir,
    capstanCrds: true,
  });
  stops.push(() => management.stop());

  step('simulated Proxmox VE');
  const proxmox = await startEmbeddedProxmox(join(stateDir, 'proxmox'), embeddedPorts.proxmox);
  stops.push(() => proxmox.stop());

  step(simLightFromEnv() ? 'simulated Talos nodes (light mode: one kube-apiserver for every cluster)' : 'simulated Talos nodes');
  const talos = await startEmbeddedTalos(join(stateDir, 'talos'), proxmox, logDir, simScale());
  stops.push(() => talos.stop());

  step('Capstan worker');
  const activities = createLifecycleActivities({
    proxmox: { baseUrl: proxmox.url, tokenId: proxmox.token.id, tokenSecret: proxmox.token.secret, caPem: proxmox.caPem },
    managementCluster: management.kubeConfig,
  });
  const connection = await NativeConnection.connect({ address: temporal.address });
  stops.push(() => connection.close());
  const worker = await createLifecycleWorker(connection, temporal.namespace, activities, { payloadCodecs });
  const running = worker.run();
  stops.push(async () => {
    worker.shutdown();
    await running;
  });
  running.catch((error: unknown) => void shutDown(`worker failed: ${String(error)}`, 1));

  step('Capstan controller');
  const clientConnection = await Connection.connect({ address: temporal.address });
  stops.push(() => clientConnection.close());
  const controller = createController({
    kubeConfig: management.kubeConfig,
    temporal: new Client({ connection: clientConnection, namespace: temporal.namespace, dataConverter: { payloadCodecs } }),
  });
  await controller.start();
  stops.push(() => controller.stop());
  const demo = skipDemo ? 'skipped' : await applyDemoOnce(management.kubeConfig);
  const kubectl = `${kubeAssets().path}/kubectl --kubeconfig ${management.kubeconfigPath}`;

  console.log(`
Capstan is running (state in ${stateDir}, logs in ${logDir}).
  Temporal Web UI   ${temporal.uiUrl}/namespaces/${temporal.namespace}/workflows?query=${encodeURIComponent('CapstanCluster="default/demo"')}
  Temporal address  ${temporal.address} (namespace ${temporal.namespace})
  kubeconfig        export KUBECONFIG=${management.kubeconfigPath}
  payload keys      export CAPSTAN_CODEC_KEYS=${codec.keysPath}   (the CLI decrypts workflow payloads with them)
  codec server      ${codec.server.url} (the Web UI decodes through it; temporal CLI: --codec-endpoint ${codec.server.url}
                    --codec-auth "Bearer $(cat ${codec.tokenPath})")
  Proxmox VE (sim)  ${proxmox.url} (token ${proxmox.token.id}, secret in ${join(stateDir, 'proxmox', 'token-secret')},
                    CA in ${proxmox.caFile ?? 'memory'})

${demoText(demo, kubectl)}
Press Ctrl-C to stop; the next 'npm start' resumes from the same state.`);
}

function demoText(demo: 'applied' | 'present' | 'skipped', kubectl: string): string {
  if (demo === 'skipped') {
    return `The demo cluster was not applied (CAPSTAN_SKIP_DEMO=1); apply your own manifests:
  ${kubectl} apply --server-side -f <file>`;
  }
  return `The demo cluster (examples/demo/cluster.yaml: 3 control planes + 2 workers, Kubernetes v1.32.9,
Talos v1.10.7) ${demo === 'applied' ? 'was just applied' : 'is there from an earlier start'}. Follow it:
  npm run capstan -- watch demo
  npm run capstan -- describe cluster demo
  ${kubectl} get clusters,taloscontrolplanes,machinedeployments,machines -o wide
Then upgrade it (three minors, Talos interleaved), scale it, delete it: see README.md, "Try it".`;
}

function step(what: string): void {
  console.log(`starting ${what}...`);
}

let shuttingDown = false;
async function shutDown(reason: string, exitCode: number): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  console.log(`\n${reason}\nstopping...`);
  for (const stop of stops.reverse()) {
    await stop().catch((error: unknown) => {
      console.error(`while stopping: ${String(error)}`);
    });
  }
  console.log('stopped.');
  process.exit(exitCode);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => void shutDown(`received ${signal}`, 0));
}

start().catch((error: unknown) => shutDown(`could not start: ${error instanceof Error ? error.message : String(error)}`, 1));
