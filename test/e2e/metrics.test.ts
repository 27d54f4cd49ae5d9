// What Prometheus scrapes from a worker and a controller run as operators run them (their entry
// points, configured by environment): a cluster applied as manifests is provisioned on the
// simulators, and both /metrics endpoints then carry Capstan's series with the expected labels
// and counts, the worker's also the Temporal SDK's. Every metric the dashboard and the alert rules
// name is one of them.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Client } from '@temporalio/client';
import { capstanCrds } from '../../api/crds.ts';
import { clusterProgressQuery } from '../../api/cluster-messages.ts';
import { clusterWorkflowId } from '../../api/ids.ts';
import { applyCrds } from '../../client/kubernetes/apply-crds.ts';
import { capiObjects } from '../../embedded/controller-stack/capi-objects.ts';
import { eventually } from '../../embedded/servers/eventually.ts';
import { freePort } from '../../embedded/servers/free-port.ts';
import { startManagementCluster, type ManagementCluster } from '../../embedded/servers/management-cluster.ts';
import { createSimKubeApiservers, type SimKubeApiservers } from '../../embedded/servers/sim-kube-apiservers.ts';
import { makeTempDir } from '../../embedded/servers/temp-dir.ts';
import { startTemporalDevServer, type TemporalDevServer } from '../../embedded/servers/temporal-dev-server.ts';
import { startProxmoxSim, type ProxmoxSim } from '../../sim/proxmox/index.ts';
import { startTalosSim, type TalosSim } from '../../sim/talos/index.ts';
import { startControllerProcess, startWorkerProcess, type CapstanProcess } from '../harness/capstan-processes.ts';
import { scrape, type Scrape } from '../harness/prometheus-text.ts';
import { projectDir, promtoolDir, requireTool } from '../../tools/tool-paths.ts';
import { simClusterManifests } from './sim-cluster-manifests.ts';

const ns = 'metrics';
const name = 'mu';
const dir = makeTempDir('metrics');
let temporal: TemporalDevServer;
let management: ManagementCluster;
let proxmox: ProxmoxSim;
let kube: SimKubeApiservers;
let talos: TalosSim;
let worker: CapstanProcess;
let controller: CapstanProcess;
let workerMetrics: string;
let controllerMetrics: string;

beforeAll(async () => {
  [temporal, management] = await Promise.all([
    startTemporalDevServer(),
    startManagementCluster({ dataDir: `${dir.path}/management`, ephemeral: true }),
  ]);
  await applyCrds(management.kubeConfig, capstanCrds);
  proxmox = await startProxmoxSim({ scale: 0.005, seed: 11 });
  writeFileSync(`${dir.path}/pve-root-ca.pem`, proxmox.caPem);
  kube = createSimKubeApiservers({ dataDir: `${dir.path}/sim-kube` });
  talos = await startTalosSim({ proxmox, startKubeApiserver: kube.start, dataDir: `${dir.path}/talos`, scale: 0.01, seed: 11 });
  const [workerPort, controllerPort] = [await freePort(), await freePort()];
  workerMetrics = `http://127.0.0.1:${workerPort}/metrics`;
  controllerMetrics = `http://127.0.0.1:${controllerPort}/metrics`;
  const common = { kubeconfigPath: management.kubeconfigPath, temporal: { address: temporal.address, namespace: temporal.namespace } };
  worker = await startWorkerProcess({
    ...common,
    name: 'worker',
    env: {
      PROXMOX_URL: proxmox.url,
      PROXMOX_TOKEN_ID: proxmox.token.id,
      PROXMOX_TOKEN_SECRET: proxmox.token.secret,
      PROXMOX_CA_FILE: `${dir.path}/pve-root-ca.pem`,
      CAPSTAN_METRICS_ADDRESS: `127.0.0.1:${workerPort}`,
    },
  });
  controller = await startControllerProcess({
    ...common,
    name: 'controller',
    env: { CAPSTAN_METRICS_ADDRESS: `127.0.0.1:${controllerPort}` },
  });
  await Promise.all([worker.waitReady(), controller.waitReady()]);
}, 300_000);
afterAll(async () => {
  await controller.stop();
  await worker.stop();
  await talos.stop();
  await kube.stop();
  await proxmox.stop();
  await management.stop();
  await temporal.stop();
  dir.remove();
});

/** The metric names an expression reads: Capstan's and the Temporal SDK's. */
const metricNames = (expression: string): string[] => expression.match(/\b(?:capstan|temporal)_[a-z0-9_]+\b/g) ?? [];

const monitoring = join(projectDir, 'deploy', 'monitoring');
/** The alert rules' expressions, by alert. */
const alertRules = (
  parse(readFileSync(join(monitoring, 'capstan-alerts.rules.yaml'), 'utf8')) as { groups: { rules: { alert: string; expr: string }[] }[] }
).groups.flatMap((g) => g.rules);
/** The dashboard's queries, by panel. */
const dashboardQueries = (
  JSON.parse(readFileSync(join(monitoring, 'capstan-dashboard.json'), 'utf8')) as {
    panels: { title: string; targets?: { expr: string }[] }[];
  }
).panels.flatMap((p) => (p.targets ?? []).map((t) => ({ title: p.title, expr: t.expr })));

describe('/metrics of a worker and a controller', { timeout: 600_000 }, () => {
  let fromWorker: Scrape;
  let fromController: Scrape;

  beforeAll(async () => {
    await capiObjects(management.kubeConfig).apply(ns, simClusterManifests(name, 96, { controlPlanes: 1, workers: 1 }));
    const client = new Client({ connection: temporal.connection, namespace: temporal.namespace });
    await eventually(
      async () => {
        const progress = await client.workflow.getHandle(clusterWorkflowId(ns, name)).query(clusterProgressQuery);
        if (progress.phase !== 'Idle' || progress.operations < 1)
          throw new Error(`${progress.phase}: ${progress.operation?.currentStep ?? ''}`);
        expect(progress.recent[0]).toMatchObject({ kind: 'provision', outcome: 'Succeeded' });
      },
      300_000,
      250,
    );
    [fromWorker, fromController] = await Promise.all([scrape(workerMetrics), scrape(controllerMetrics)]);
  }, 360_000);

  const total = (from: Scrape, metric: string, labels: Record<string, string> = {}): number =>
    from.find(metric, labels).reduce((sum, s) => sum + s.value, 0);

  it('worker: the provision counted as an operation started and finished, by kind and outcome', () => {
    expect(total(fromWorker, 'capstan_operations_started_total', { kind: 'provision', workflowType: 'clusterWorkflow' })).toBe(1);
    expect(total(fromWorker, 'capstan_operations_finished_total', { kind: 'provision', outcome: 'Succeeded' })).toBe(1);
  });

  it('worker: every activity attempt timed by type and outcome; Proxmox requests by method and path template; Talos calls by method', () => {
    expect(
      total(fromWorker, 'capstan_activity_duration_seconds_count', { activity: 'proxmoxEnsureVm', outcome: 'succeeded' }),
    ).toBeGreaterThan(0);
    // One clone per machine (a control plane and a worker); Talos calls may be retried while a node boots.
    expect(
      total(fromWorker, 'capstan_proxmox_request_duration_seconds_count', { method: 'POST', path: '/nodes/{node}/qemu/{vmid}/clone' }),
    ).toBe(2);
    expect(
      total(fromWorker, 'capstan_proxmox_request_duration_seconds_count', { method: 'GET', path: '/nodes/{node}/tasks/{upid}/status' }),
    ).toBeGreaterThan(0);
    expect(
      total(fromWorker, 'capstan_talos_call_duration_seconds_count', { method: 'machine.MachineService/Bootstrap' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      total(fromWorker, 'capstan_talos_call_duration_seconds_count', { method: 'machine.MachineService/ApplyConfiguration' }),
    ).toBeGreaterThanOrEqual(2);
    // Labels stay few: paths are templates (no node name, VM id or task id), nothing carries a token.
    const paths = new Set(fromWorker.find('capstan_proxmox_request_duration_seconds_count').map((s) => s.labels['path'] ?? ''));
    for (const path of paths) expect(path).toMatch(/^(\/(?:[a-z-]+|\{[a-z]+\}))+$/);
    const labelValues = fromWorker.samples.flatMap((s) => Object.values(s.labels));
    expect(labelValues.filter((v) => v.includes(proxmox.token.secret) || v.includes(proxmox.token.id))).toEqual([]);
  });

  it('worker: the Temporal SDK series come with them, and the drain histogram is declared', () => {
    expect(total(fromWorker, 'capstan_sdk_metrics_up')).toBe(1);
    expect(total(fromWorker, 'temporal_workflow_completed_total')).toBeGreaterThan(0);
    expect(fromWorker.find('temporal_worker_task_slots_used', { task_queue: 'capstan-lifecycle' }).length).toBeGreaterThan(0);
    expect(fromWorker.families.has('capstan_drain_duration_seconds')).toBe(true);
  });

  it('controller: reconciles by result with their latency, the queue depth, the signalWithStart latency and no blocked run', () => {
    expect(total(fromController, 'capstan_controller_reconciles_total', { result: 'success' })).toBeGreaterThan(0);
    expect(total(fromController, 'capstan_controller_reconcile_duration_seconds_count')).toBe(
      total(fromController, 'capstan_controller_reconciles_total'),
    );
    expect(
      total(fromController, 'capstan_controller_signal_duration_seconds_count', { signal: 'desiredCluster', outcome: 'ok' }),
    ).toBeGreaterThan(0);
    expect(fromController.find('capstan_controller_queue_depth')).toHaveLength(1);
    expect(fromController.find('capstan_runs_blocked')).toEqual([{ name: 'capstan_runs_blocked', labels: {}, value: 0 }]);
  });

  it.each(alertRules.map((r) => [r.alert, r.expr]))('alert %s reads only metrics the processes serve', (_alert, expr) => {
    expect(metricNames(expr).length).toBeGreaterThan(0);
    for (const metric of metricNames(expr)) expect(fromWorker.exposes(metric) || fromController.exposes(metric), metric).toBe(true);
  });

  it("the alert rules pass promtool's check, and its unit tests: each alert fires after its `for`, not before", () => {
    const promtool = requireTool(promtoolDir(), 'promtool');
    const run = (args: string[]): string => execFileSync(promtool, args, { cwd: monitoring, encoding: 'utf8', stdio: 'pipe' });
    expect(run(['check', 'rules', 'capstan-alerts.rules.yaml'])).toContain(`SUCCESS: ${alertRules.length} rules found`);
    expect(run(['test', 'rules', 'capstan-alerts.test.yaml'])).toContain('SUCCESS');
  });

  it('every dashboard query reads only metrics the processes serve', () => {
    expect(dashboardQueries.length).toBeGreaterThan(0);
    for (const { title, expr } of dashboardQueries) {
      expect(metricNames(expr).length, title).toBeGreaterThan(0);
      for (const metric of metricNames(expr))
        expect(fromWorker.exposes(metric) || fromController.exposes(metric), `${title}: ${metric}`).toBe(true);
    }
  });
});
