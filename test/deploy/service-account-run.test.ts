// The controller and the worker as deploy/ runs them: separate processes, each holding only a token
// of its own ServiceAccount (TokenRequest), against a real kube-apiserver with deploy/base applied.
// A cluster applied → Provisioned, deleted → gone; a ProxmoxCluster naming a Cluster that does not
// exist → told so in its status; and the apiserver's audit log shows that neither was ever refused
// and that every permission deploy/ grants them was used. OwnerReferencesPermissionEnforcement is
// on (as on OpenShift): setting blockOwnerDeletion needs `update` on the owner's finalizers.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoordinationV1Api, CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { versionCatalogAnnotation, versionCatalogKey } from '../../api/capi/annotations.ts';
import { defaultVersionCatalog } from '../../api/capi/default-version-catalog.ts';
import { capiObjects, conditionOf, messageOf, type CapiObjects } from '../../embedded/controller-stack/capi-objects.ts';
import { eventually } from '../../embedded/servers/eventually.ts';
import { freePort } from '../../embedded/servers/free-port.ts';
import { startManagementCluster, type ManagementCluster } from '../../embedded/servers/management-cluster.ts';
import { createSimKubeApiservers, type SimKubeApiservers } from '../../embedded/servers/sim-kube-apiservers.ts';
import { makeTempDir } from '../../embedded/servers/temp-dir.ts';
import { startTemporalDevServer, type TemporalDevServer } from '../../embedded/servers/temporal-dev-server.ts';
import { startProxmoxSim, type ProxmoxSim } from '../../sim/proxmox/index.ts';
import { startTalosSim, type TalosSim } from '../../sim/talos/index.ts';
import { at, loadManifests, manifest } from '../api/capi/manifests.ts';
import { simClusterManifests } from '../e2e/sim-cluster-manifests.ts';
import { startControllerProcess, startWorkerProcess, type CapstanProcess } from '../harness/capstan-processes.ts';
import { invariantViolations } from '../harness/invariants.ts';
import { serviceAccountUser, writeServiceAccountKubeconfig } from '../harness/service-account-kubeconfig.ts';
import {
  auditPolicy,
  describeGrant,
  grantCovers,
  grantsOf,
  isForbidden,
  readAuditLog,
  resourceRequests,
  type AuditEvent,
} from './audit-log.ts';
import { buildObjects, kubectl, type BuiltObject } from './kustomize.ts';
import { rulesOfServiceAccount } from './rbac-rules.ts';

const system = 'capstan-system';
const accounts = { controller: 'capstan-controller', worker: 'capstan-worker' } as const;
const tenant = 'tenant';
// 127.0.121.0/24: a network no other test's simulated nodes use (they may run at the same time).
const name = 'kappa';

const dir = makeTempDir('deploy-rbac');
const auditLog = join(dir.path, 'audit.log');
let temporal: TemporalDevServer;
let management: ManagementCluster;
let proxmox: ProxmoxSim;
let kube: SimKubeApiservers;
let talos: TalosSim;
let objects: CapiObjects;
let built: BuiltObject[];
const processes: CapstanProcess[] = [];

beforeAll(async () => {
  const policy = join(dir.path, 'audit-policy.json');
  writeFileSync(policy, auditPolicy(Object.values(accounts).map((sa) => serviceAccountUser(system, sa))));
  [temporal, management, proxmox] = await Promise.all([
    startTemporalDevServer(),
    startManagementCluster({
      dataDir: join(dir.path, 'management'),
      ephemeral: true,
      apiserverArgs: [
        `--audit-policy-file=${policy}`,
        `--audit-log-path=${auditLog}`,
        '--audit-log-format=json',
        '--audit-log-mode=blocking',
        '--enable-admission-plugins=OwnerReferencesPermissionEnforcement',
      ],
    }),
    startProxmoxSim({ scale: 0.005, seed: 14 }),
  ]);
  kube = createSimKubeApiservers({ dataDir: join(dir.path, 'sim-kube') });
  talos = await startTalosSim({ proxmox, startKubeApiserver: kube.start, dataDir: join(dir.path, 'talos'), scale: 0.01, seed: 14 });
  objects = capiObjects(management.kubeConfig);

  // What an operator does: apply the base, wait for the CRDs. This API server has no Service
  // network, so the CRDs name controller-a's webhook by its loopback URL instead of the Service.
  built = buildObjects('base');
  webhookPorts = [await freePort(), await freePort()];
  const applied = built.map((object) => (object.kind === 'CustomResourceDefinition' ? webhookByUrl(object, webhookPorts[0] ?? 0) : object));
  kubectl(['apply', '--server-side', '-f', '-'], {
    kubeconfig: management.kubeconfigPath,
    input: applied.map((o) => stringify(o)).join('---\n'),
  });
  kubectl(['wait', '--for=condition=Established', '--timeout=60s', 'crd', '--all'], { kubeconfig: management.kubeconfigPath });
}, 300_000);
afterAll(async () => {
  for (const process of processes) await process.stop();
  await talos.stop();
  await kube.stop();
  await proxmox.stop();
  await management.stop();
  if (!temporalStopped) await temporal.stop();
  dir.remove();
});

// Every pod has its own network; here the processes share one, so these are left to the harness
// (health: a free loopback port per process) or unset (metrics: test/e2e/metrics.test.ts scrapes them).
const perProcessAddresses = ['CAPSTAN_HEALTH_ADDRESS', 'CAPSTAN_METRICS_ADDRESS'];

/**
 * The environment deploy/base gives a container (literal values only), with what the test must
 * change.
 */
function deploymentEnv(deployment: string, overrides: Record<string, string>): Record<string, string> {
  const object = built.find((o) => o.kind === 'Deployment' && o.metadata.name === deployment) as
    { spec: { template: { spec: { containers: { env?: { name: string; value?: string }[] }[] } } } } | undefined;
  const env = object?.spec.template.spec.containers[0]?.env ?? [];
  return {
    ...Object.fromEntries(
      env.filter((e) => e.value !== undefined && !perProcessAddresses.includes(e.name)).map((e) => [e.name, e.value ?? '']),
    ),
    ...overrides,
  };
}

async function startAs(role: 'worker' | 'controller', processName: string, env: Record<string, string>): Promise<CapstanProcess> {
  const kubeconfigPath = join(dir.path, `${processName}.kubeconfig`);
  await writeServiceAccountKubeconfig(management.kubeConfig, { namespace: system, name: accounts[role] }, kubeconfigPath);
  const start = role === 'worker' ? startWorkerProcess : startControllerProcess;
  const started = await start({ name: processName, kubeconfigPath, temporal, env, stopGraceMs: 15_000 });
  processes.push(started);
  return started;
}

/**
 * The grants a role says no request of the run uses, each `verb group/resource: why`: those its
 * tests do not exercise, those an admission plugin authorizes, and `create` for objects made by
 * server-side apply (the audit log records only the request they are checked for, a patch, which
 * a missing one makes forbidden).
 */
function notExercised(role: string): Map<string, string> {
  const object = built.find((o) => o.kind === 'ClusterRole' && o.metadata.name === role);
  const annotations = object?.metadata.annotations ?? {};
  const text = [
    'capstan.dev/rbac-not-exercised-by-tests',
    'capstan.dev/rbac-checked-by-admission',
    'capstan.dev/rbac-authorized-within-apply',
  ]
    .map((key) => annotations[key] ?? '')
    .join('\n');
  return new Map(
    text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => {
        const [grant = '', why = ''] = line.split(/:\s+/, 2);
        return [grant.trim(), why.trim()];
      }),
  );
}

let worker: CapstanProcess;
let controllers: CapstanProcess[];
let temporalStopped = false;
let webhookPorts: number[] = [];

/** A CRD whose conversion webhook the Service serves, served at a loopback URL instead (caBundle left to the controller). */
function webhookByUrl(crd: BuiltObject, port: number): BuiltObject {
  const spec = crd['spec'] as { conversion?: { webhook?: { clientConfig?: Record<string, unknown> } } };
  const clientConfig = spec.conversion?.webhook?.clientConfig;
  if (clientConfig?.['service'] === undefined) return crd;
  const { service, ...rest } = clientConfig;
  const path = (service as { path?: string }).path ?? '/';
  return structuredClone({
    ...crd,
    spec: {
      ...spec,
      conversion: {
        ...spec.conversion,
        webhook: { ...spec.conversion?.webhook, clientConfig: { ...rest, url: `https://127.0.0.1:${port}${path}` } },
      },
    },
  });
}

describe('deploy/base, run by the real processes with ServiceAccount tokens', { timeout: 600_000 }, () => {
  it('has every replica ready once Temporal and the Kubernetes API answer, the standby controller too', async () => {
    const caFile = join(dir.path, 'pve-root-ca.pem');
    writeFileSync(caFile, proxmox.caPem);
    worker = await startAs(
      'worker',
      'worker',
      deploymentEnv('capstan-worker', {
        PROXMOX_URL: proxmox.url,
        PROXMOX_TOKEN_ID: proxmox.token.id,
        PROXMOX_TOKEN_SECRET: proxmox.token.secret,
        PROXMOX_CA_FILE: caFile,
        CAPSTAN_SNAPSHOT_DIR: join(dir.path, 'etcd-snapshots'),
      }),
    );
    // The Deployment takes the Lease's namespace from the pod's own (the downward API).
    // Each replica serves the conversion webhook on a loopback port of its own, with the Secret's certificate.
    const controllerEnv = deploymentEnv('capstan-controller', { CAPSTAN_CONTROLLER_NAMESPACE: system, CAPSTAN_WEBHOOK_HOSTS: '127.0.0.1' });
    const replicaEnv = (port: number | undefined) => ({ ...controllerEnv, CAPSTAN_WEBHOOK_ADDRESS: `127.0.0.1:${port ?? 0}` });
    controllers = [
      await startAs('controller', 'controller-a', replicaEnv(webhookPorts[0])),
      await startAs('controller', 'controller-b', replicaEnv(webhookPorts[1])),
    ];
    // A replica whose token the API server does not accept never becomes ready, and says why.
    const revoked = join(dir.path, 'revoked.kubeconfig');
    const token = await writeServiceAccountKubeconfig(management.kubeConfig, { namespace: system, name: accounts.controller }, revoked);
    writeFileSync(revoked, readFileSync(revoked, 'utf8').replace(token, `${token.slice(0, -8)}AAAAAAAA`));
    const locked = await startControllerProcess({
      name: 'controller-revoked',
      kubeconfigPath: revoked,
      temporal,
      env: replicaEnv(await freePort()),
    });
    processes.push(locked);

    await Promise.all([worker, ...controllers].map((p) => p.waitReady()));
    const coordination = management.kubeConfig.makeApiClient(CoordinationV1Api);
    await eventually(
      async () => {
        const lease = await coordination.readNamespacedLease({ namespace: system, name: 'capstan-controller' });
        expect(controllers.map((c) => c.name)).toContain(lease.spec?.holderIdentity);
      },
      60_000,
      250,
    );
    for (const controller of controllers) expect(await controller.isReady(), controller.name).toBe(true);
    const readyz = await eventually(
      async () => {
        const response = await fetch(`${locked.healthUrl}/readyz`);
        expect(response.status).toBe(503);
        return response.text();
      },
      60_000,
      250,
    );
    expect(readyz).toContain('[+] temporal ok');
    expect(readyz).toMatch(/\[-\] kubernetes failed: .*401/);
    expect(readyz).toMatch(/\[-\] conversion-webhook failed: /);
    await locked.stop();
  });

  it('provisions a cluster, and deletes it with everything it owns', async () => {
    // The user's manifests, with a version catalog of their own (the controller reads it) and a
    // MachineHealthCheck (the worker writes its status); observed every 5 s.
    const documents = simClusterManifests(name, 121, { controlPlanes: 1, workers: 1 });
    at(manifest(documents, 'Cluster', name), 'metadata').annotations = {
      [versionCatalogAnnotation]: `${name}-versions`,
      'capstan.dev/observe-interval': '5s',
    };
    const catalog = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `${name}-versions` },
      data: { [versionCatalogKey]: stringify(defaultVersionCatalog) },
    };
    const healthCheck = {
      apiVersion: 'cluster.x-k8s.io/v1beta1',
      kind: 'MachineHealthCheck',
      metadata: { name: `${name}-workers` },
      spec: {
        clusterName: name,
        selector: { matchLabels: { 'cluster.x-k8s.io/deployment-name': `${name}-md-0` } },
        unhealthyConditions: [{ type: 'Ready', status: 'False', timeout: '300s' }],
        maxUnhealthy: 1,
      },
    };
    const yaml = [catalog, healthCheck, ...documents].map((d) => stringify(d)).join('---\n');
    kubectl(['create', 'namespace', tenant], { kubeconfig: management.kubeconfigPath });
    kubectl(['apply', '--server-side', '-n', tenant, '-f', '-'], { kubeconfig: management.kubeconfigPath, input: yaml });

    await eventually(
      async () => {
        const cluster = await objects.get('Cluster', tenant, name);
        expect(conditionOf(cluster, 'Ready'), messageOf(cluster, 'Ready')).toBe('True');
        expect(cluster?.status).toMatchObject({ phase: 'Provisioned' });
      },
      300_000,
      500,
    );
    expect(await objects.list('Machine', tenant)).toHaveLength(2);
    // Stored as v1beta2, served in both: the API server converted through the controllers' webhook,
    // whose CA a replica wrote into the CRD from the Secret it keeps the certificate in.
    const asV1Beta2 = JSON.parse(
      kubectl(['get', '-n', tenant, `clusters.v1beta2.cluster.x-k8s.io/${name}`, '-o', 'json'], { kubeconfig: management.kubeconfigPath }),
    ) as {
      apiVersion: string;
      spec: { controlPlaneRef?: { apiGroup?: string; kind?: string } };
    };
    expect(asV1Beta2.apiVersion).toBe('cluster.x-k8s.io/v1beta2');
    expect(asV1Beta2.spec.controlPlaneRef).toMatchObject({ apiGroup: 'controlplane.cluster.x-k8s.io', kind: 'TalosControlPlane' });
    const secret = await management.kubeConfig
      .makeApiClient(CoreV1Api)
      .readNamespacedSecret({ namespace: system, name: 'capstan-webhook-tls' });
    const crd = JSON.parse(
      kubectl(['get', 'crd', 'clusters.cluster.x-k8s.io', '-o', 'json'], { kubeconfig: management.kubeconfigPath }),
    ) as {
      spec: { conversion: { webhook: { clientConfig: { caBundle?: string } } } };
    };
    expect(crd.spec.conversion.webhook.clientConfig.caBundle).toBe(secret.data?.['ca.crt']);
    expect(await objects.secret(tenant, `${name}-kubeconfig`)).toBeDefined();
    await eventually(
      async () => {
        expect((await objects.get('MachineHealthCheck', tenant, `${name}-workers`))?.status).toMatchObject({ expectedMachines: 1 });
      },
      60_000,
      500,
    );

    // Deleting the Cluster alone takes what it owns with it, as in CAPI; the templates stay.
    const beforeDelete = talos.events.list().at(-1)?.seq ?? 0;
    kubectl(['delete', '-n', tenant, '--wait=false', 'clusters.cluster.x-k8s.io', name], { kubeconfig: management.kubeconfigPath });
    await eventually(
      async () => {
        expect(await objects.get('Cluster', tenant, name)).toBeUndefined();
      },
      300_000,
      500,
    );
    for (const kind of [
      'Machine',
      'MachineSet',
      'ProxmoxMachine',
      'MachineDeployment',
      'MachineHealthCheck',
      'TalosControlPlane',
      'ProxmoxCluster',
    ] as const)
      expect(await objects.list(kind, tenant), kind).toEqual([]);
    expect(await objects.secret(tenant, `${name}-kubeconfig`)).toBeUndefined();
    expect(proxmox.vms().filter((vm) => vm.name?.startsWith(`${name}-`))).toEqual([]);
    expect(
      invariantViolations(proxmox.events.list(), talos.events.list(), { cluster: name, deletedAfterTalosEvent: beforeDelete }),
    ).toEqual([]);
    kubectl(['delete', '-n', tenant, '--ignore-not-found', '-f', '-'], { kubeconfig: management.kubeconfigPath, input: yaml });
  });

  it('generates a topology Cluster’s objects from its ClusterClass, rotates and removes them, and deletes them with it', async () => {
    // The fixture's class with one Cluster made from it; its template VM does not exist, so the
    // cluster workflow holds it before building anything: only the controller's part runs here.
    // Its ProxmoxClusterTemplate names no Secret: the worker's own token observes it (a Secret that
    // does not exist would hold the delete too, until it is created: nothing vouches no VM exists).
    const fixture = loadManifests('cluster-class.yaml').filter((d) => d.kind !== 'Cluster' || d.metadata.name === 'beta');
    delete at(manifest(fixture, 'ProxmoxClusterTemplate', 'talos-proxmox'), 'spec.template.spec')['credentialsRef'];
    const yaml = fixture.map((d) => stringify({ ...d, metadata: { name: d.metadata.name } })).join('---\n');
    kubectl(['apply', '--server-side', '-n', tenant, '-f', '-'], { kubeconfig: management.kubeconfigPath, input: yaml });
    const generated = async (kind: 'MachineDeployment' | 'ProxmoxMachineTemplate' | 'TalosConfigTemplate') =>
      (await objects.list(kind, tenant)).filter(
        (o) => (o.metadata as { labels?: Record<string, string> }).labels?.['cluster.x-k8s.io/cluster-name'] === 'beta',
      );
    await eventually(async () => {
      expect(await generated('MachineDeployment')).toHaveLength(1);
      expect(await generated('ProxmoxMachineTemplate')).toHaveLength(2);
      expect(await objects.list('TalosControlPlane', tenant)).toHaveLength(1);
    }, 60_000);
    // A class change rotates the worker template (a new one, the old removed).
    const before = (await generated('ProxmoxMachineTemplate')).map((o) => (o.metadata as { name: string }).name);
    await objects.patch('ProxmoxMachineTemplate', tenant, 'talos-proxmox-worker', { spec: { template: { spec: { memoryMiB: 12288 } } } });
    await eventually(async () => {
      const now = (await generated('ProxmoxMachineTemplate')).map((o) => (o.metadata as { name: string }).name);
      expect(now).toHaveLength(2);
      expect(now.filter((n) => before.includes(n))).toHaveLength(1);
    }, 60_000);
    kubectl(['delete', '-n', tenant, '--wait=false', 'clusters.cluster.x-k8s.io', 'beta'], { kubeconfig: management.kubeconfigPath });
    await eventually(
      async () => {
        expect(await objects.get('Cluster', tenant, 'beta')).toBeUndefined();
      },
      120_000,
      500,
    );
    for (const kind of ['MachineDeployment', 'ProxmoxMachineTemplate', 'TalosConfigTemplate'] as const)
      expect(await generated(kind), kind).toEqual([]);
    expect(await objects.list('TalosControlPlane', tenant)).toEqual([]);
    expect(await objects.list('ProxmoxCluster', tenant)).toEqual([]);
    expect(proxmox.vms().filter((vm) => vm.name?.startsWith('beta-'))).toEqual([]);
  });

  it('tells a ProxmoxCluster naming a Cluster that does not exist so, in its status and an Event', async () => {
    // A typo in the cluster-name label: its Cluster is `kapa`, which nobody applied.
    const orphan = structuredClone(manifest(simClusterManifests(name, 121, { controlPlanes: 1, workers: 1 }), 'ProxmoxCluster', name));
    const metadata = at(orphan, 'metadata');
    metadata['name'] = `${name}-typo`;
    metadata['labels'] = { 'cluster.x-k8s.io/cluster-name': 'kapa' };
    const yaml = stringify(orphan);
    kubectl(['apply', '--server-side', '-n', tenant, '-f', '-'], { kubeconfig: management.kubeconfigPath, input: yaml });
    const message = `Cluster ${tenant}/kapa does not exist: apply it, or fix the cluster.x-k8s.io/cluster-name label`;
    await eventually(
      async () => {
        const object = await objects.get('ProxmoxCluster', tenant, `${name}-typo`);
        expect(conditionOf(object, 'Ready')).toBe('False ReferenceNotFound');
        expect(messageOf(object, 'Ready')).toBe(message);
      },
      60_000,
      250,
    );
    const events = await management.kubeConfig
      .makeApiClient(CoreV1Api)
      .listNamespacedEvent({ namespace: tenant, fieldSelector: `involvedObject.name=${name}-typo` });
    expect(events.items.map((e) => `${e.type} ${e.reason}: ${e.message}`)).toEqual([`Warning ReferenceNotFound: ${message}`]);
    kubectl(['delete', '-n', tenant, '--timeout=60s', '-f', '-'], { kubeconfig: management.kubeconfigPath, input: yaml });
  });

  it('turns a replica unready when Temporal goes away, while it stays alive', async () => {
    await worker.stop();
    const [first, second] = controllers;
    await second?.stop(); // graceful: a leader releases its Lease on the way out
    await temporal.stop();
    temporalStopped = true;
    const readyz = await eventually(
      async () => {
        const response = await fetch(`${first?.healthUrl ?? ''}/readyz`);
        expect(response.status).toBe(503);
        return response.text();
      },
      30_000,
      250,
    );
    expect(readyz).toMatch(/\[-\] temporal failed: /);
    expect(readyz).toContain('[+] kubernetes ok');
    expect((await fetch(`${first?.healthUrl ?? ''}/livez`)).status).toBe(200);
    await first?.stop();
    // Every process ended on its own after SIGTERM, and the last controller released the Lease.
    for (const p of [worker, ...controllers]) expect(await p.exited, `${p.name}: ${p.logTail()}`).toBe(0);
    const lease = await management.kubeConfig
      .makeApiClient(CoordinationV1Api)
      .readNamespacedLease({ namespace: system, name: 'capstan-controller' });
    expect(lease.spec?.holderIdentity ?? '').toBe('');
  });

  it('was never refused anything, and used every permission deploy/ grants it (or the role says why not)', () => {
    const events = readAuditLog(auditLog);
    expect(events.length).toBeGreaterThan(0);
    expect(events.filter(isForbidden).map((e) => `${e.user.username} ${e.verb} ${e.requestURI}`)).toEqual([]);
    for (const sa of Object.values(accounts)) {
      const requests = resourceRequests(events.filter((e: AuditEvent) => e.user.username === serviceAccountUser(system, sa)));
      const grants = grantsOf(rulesOfServiceAccount(built, { namespace: system, name: sa }));
      const unused = grants.filter((g) => !requests.some((r) => grantCovers(g, r))).map(describeGrant);
      expect(unused.sort(), `${sa}: granted and never used, and not in its role's capstan.dev/rbac-not-exercised-by-tests`).toEqual(
        [...notExercised(sa).keys()].sort(),
      );
    }
  });
});
