// The controller against a real kube-apiserver and Temporal dev server, with a fake cluster
// workflow standing in for the real one: what a user sees after `kubectl apply`, a patch, a bad
// manifest, a pause, a delete, and what two replicas do.
import { fileURLToPath } from 'node:url';
import { CoordinationV1Api, CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objectsFromManifests, toDesiredCluster } from '../../api/capi/to-desired-cluster.ts';
import { clusterWorkflowId } from '../../api/ids.ts';
import type { Controller } from '../../client/controller/controller.ts';
import { fakeFinishDeleteSignal, fakeProgressSignal } from '../../embedded/controller-stack/fake-cluster-workflow.ts';
import { demoManifests, inOwnPool, loadManifests, manifest, type Manifest } from '../api/capi/manifests.ts';
import { eventually } from '../../embedded/servers/eventually.ts';
import { startProcess } from '../../embedded/servers/managed-process.ts';
import { CapiKinds, conditionOf, messageOf, type CapiKindName, type StoredObject } from '../../embedded/controller-stack/capi-objects.ts';
import { startControllerStack, type ControllerStack } from '../../embedded/controller-stack/controller-stack.ts';

let stack: ControllerStack;
let controller: Controller;
let second: Controller | undefined;
beforeAll(async () => {
  stack = await startControllerStack('controller');
  controller = await stack.startController({ identity: 'replica-a' });
  await eventually(() => {
    expect(controller.leading).toBe(true);
  });
});
afterAll(async () => {
  await stack.stop();
});

/** The demo manifests with the Cluster last, as a user's file would be applied in one go. */
function demo(namespace: string, edit?: (documents: Manifest[]) => void): Manifest[] {
  const documents = inOwnPool(demoManifests(), namespace);
  edit?.(documents);
  return [...documents.filter((d) => d.kind !== 'Cluster'), ...documents.filter((d) => d.kind === 'Cluster')];
}

/** What the mapping makes of manifests in a namespace (generation as the server gives it). */
function mapped(namespace: string, documents: readonly Manifest[], generation = 1): unknown {
  const inNamespace = documents.map((d) => ({ ...d, metadata: { ...d.metadata, namespace } }));
  const result = toDesiredCluster({ namespace, name: 'demo' }, objectsFromManifests(inNamespace, namespace));
  if (!result.ok) throw new Error('the manifests do not map');
  return JSON.parse(JSON.stringify({ ...result.desired, namespace, generation })) as unknown;
}

const timeout = 30_000;

/** Writes inventory as the cluster workflow's activities do: server-side applied under their own field manager, with their finalizer. */
async function writeAsTheWorkflow(
  namespace: string,
  kind: 'Machine' | 'MachineSet' | 'ProxmoxMachine',
  name: string,
  cluster = 'demo',
): Promise<void> {
  const inventory = {
    Machine: {
      finalizer: 'machine.cluster.x-k8s.io',
      labels: { 'cluster.x-k8s.io/control-plane': '' },
      spec: { clusterName: cluster, bootstrap: { dataSecretName: `${name}-bootstrap-data` }, version: 'v1.33.4' },
    },
    MachineSet: {
      finalizer: 'cluster.x-k8s.io/machineset',
      labels: { 'cluster.x-k8s.io/deployment-name': 'demo-md-0' },
      spec: {
        clusterName: cluster,
        selector: { matchLabels: { 'cluster.x-k8s.io/set-name': name } },
        template: { metadata: { labels: { 'cluster.x-k8s.io/set-name': name } }, spec: { clusterName: cluster, bootstrap: {} } },
      },
    },
    ProxmoxMachine: { finalizer: 'proxmoxmachine.infrastructure.cluster.x-k8s.io', labels: {}, spec: {} },
  }[kind];
  const { group, version, plural, apiVersion } = CapiKinds[kind];
  await stack.management.kubeConfig.makeApiClient(CustomObjectsApi).patchNamespacedCustomObject(
    {
      group,
      version,
      namespace,
      plural,
      name,
      body: {
        apiVersion,
        kind,
        metadata: { name, labels: { 'cluster.x-k8s.io/cluster-name': cluster, ...inventory.labels }, finalizers: [inventory.finalizer] },
        spec: inventory.spec,
      },
      fieldManager: 'capstan-inventory',
      force: true,
    },
    setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
  );
}

/** The names of a kind's objects in a namespace. */
const namesOf = async (kind: CapiKindName, namespace: string): Promise<string[]> =>
  (await stack.list(kind, namespace)).map((o) => o.metadata.name).sort();

/** `Type Reason: message (count)` of the Events on an object: a repeat raises the count instead of adding an Event. */
async function eventCounts(namespace: string, kind: string, name: string): Promise<string[]> {
  const list = await stack.management.kubeConfig
    .makeApiClient(CoreV1Api)
    .listNamespacedEvent({ namespace, fieldSelector: `involvedObject.kind=${kind},involvedObject.name=${name}` });
  return list.items.map((e) => `${e.type ?? ''} ${e.reason ?? ''}: ${e.message ?? ''} (${e.count ?? 0})`);
}

/** The field managers that wrote an object. */
const managersOf = (object: StoredObject | undefined): string[] =>
  ((object?.metadata as { managedFields?: { manager: string }[] } | undefined)?.managedFields ?? []).map((f) => f.manager).sort();

describe('the controller, applying a cluster', () => {
  const ns = 'apply';

  it('adds the finalizer, starts the cluster workflow once with the mapped desired state, and writes status and Events', async () => {
    // In the file's order, Cluster first: the workflow must not start before the MachineDeployments arrived.
    const documents = inOwnPool(demoManifests(), ns);
    await stack.apply(ns, documents);

    const cluster = await eventually(async () => {
      const c = await stack.get('Cluster', ns, 'demo');
      expect(c?.metadata.finalizers).toContain('cluster.cluster.x-k8s.io');
      expect(c?.status).toMatchObject({
        phase: 'Provisioned',
        observedGeneration: 1,
        version: 'v1.33.4',
        infrastructureReady: true,
        controlPlaneReady: true,
      });
      expect(conditionOf(c, 'Ready')).toBe('True');
      return c!;
    }, timeout);
    expect(Object.fromEntries((cluster.status?.conditions ?? []).map((c) => [c.type, c.status]))).toEqual({
      Ready: 'True',
      InfrastructureReady: 'True',
      ControlPlaneInitialized: 'True',
      ControlPlaneAvailable: 'True',
      WorkersAvailable: 'True',
      RollingOut: 'False',
      Deleting: 'False',
      Paused: 'False',
      Blocked: 'False',
    });

    const received = await stack.received(ns, 'demo');
    expect(received.desired).toHaveLength(1);
    expect(received.desired[0]).toEqual(mapped(ns, documents));

    const tcp = await stack.get('TalosControlPlane', ns, 'demo-control-plane');
    expect(tcp?.status).toMatchObject({
      replicas: 3,
      readyReplicas: 3,
      updatedReplicas: 3,
      unavailableReplicas: 0,
      ready: true,
      initialized: true,
      version: 'v1.33.4',
      observedGeneration: 1,
    });
    const md1 = await stack.get('MachineDeployment', ns, 'demo-md-1');
    expect(md1?.status).toMatchObject({
      replicas: 4,
      readyReplicas: 4,
      updatedReplicas: 4,
      phase: 'Running',
      selector: 'cluster.x-k8s.io/cluster-name=demo,cluster.x-k8s.io/deployment-name=demo-md-1',
    });

    expect(conditionOf(cluster, 'WorkersAvailable')).toBe('True EnoughReadyWorkers');
    expect(messageOf(cluster, 'ControlPlaneAvailable')).toBe('every etcd member is healthy');
    // The cluster workflow writes the Machines (intent before each VM); the controller writes none.
    expect(await stack.list('Machine', ns)).toEqual([]);
    expect(await stack.events(ns, 'Cluster', 'demo')).toContain(
      `Normal ClusterWorkflowStarted: started cluster/${ns}/demo with generation 1`,
    );
  });

  it('makes the Cluster the owner of its TalosControlPlane, ProxmoxCluster and MachineDeployments, as CAPI does', async () => {
    const uid = (await stack.get('Cluster', ns, 'demo'))?.metadata.uid;
    const owner = { apiVersion: 'cluster.x-k8s.io/v1beta1', kind: 'Cluster', name: 'demo', uid };
    const controller = { ...owner, controller: true, blockOwnerDeletion: true };
    await eventually(async () => {
      expect((await stack.get('TalosControlPlane', ns, 'demo-control-plane'))?.metadata.ownerReferences).toEqual([controller]);
      expect((await stack.get('ProxmoxCluster', ns, 'demo'))?.metadata.ownerReferences).toEqual([controller]);
      for (const md of ['demo-md-0', 'demo-md-1'])
        expect((await stack.get('MachineDeployment', ns, md))?.metadata.ownerReferences).toEqual([owner]);
    }, timeout);
    // Templates may serve several clusters: CAPI gives them no owner.
    for (const kind of ['ProxmoxMachineTemplate', 'TalosConfigTemplate'] as const)
      for (const template of await stack.list(kind, ns)) expect(template.metadata.ownerReferences).toBeUndefined();
  });

  it("starts nothing for status-only and metadata-only changes, and leaves the workflow's Machines alone", async () => {
    await writeAsTheWorkflow(ns, 'Machine', 'demo-cp-0');
    await stack.patch('MachineDeployment', ns, 'demo-md-0', { metadata: { labels: { team: 'platform' } } });
    // Another writer scribbles on the status: the controller puts its own back.
    await stack.management.kubeConfig.makeApiClient(CustomObjectsApi).patchNamespacedCustomObjectStatus(
      {
        group: 'cluster.x-k8s.io',
        version: 'v1beta1',
        namespace: ns,
        plural: 'clusters',
        name: 'demo',
        body: { status: { phase: 'Failed' } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await eventually(async () => {
      expect((await stack.get('Cluster', ns, 'demo'))?.status?.['phase']).toBe('Provisioned');
    }, timeout);
    expect((await stack.received(ns, 'demo')).desired).toHaveLength(1);
    const machine = await stack.get('Machine', ns, 'demo-cp-0');
    expect(managersOf(machine)).toEqual(['capstan-inventory']);
    expect(machine?.status).toBeUndefined();
  });

  it('signals a spec change once, and the new machines show up', async () => {
    await stack.patch('MachineDeployment', ns, 'demo-md-0', { spec: { replicas: 3 } });
    const received = await eventually(async () => {
      const r = await stack.received(ns, 'demo');
      expect(r.desired).toHaveLength(2);
      return r;
    }, timeout);
    expect(received.desired[1]?.machineDeployments?.find((d) => d.name === 'demo-md-0')?.replicas).toBe(3);
    await eventually(async () => {
      expect((await stack.get('MachineDeployment', ns, 'demo-md-0'))?.status).toMatchObject({
        replicas: 3,
        readyReplicas: 3,
        phase: 'Running',
        observedGeneration: 2,
      });
    }, timeout);
    expect((await stack.received(ns, 'demo')).desired).toHaveLength(2);
    expect(await stack.events(ns, 'Cluster', 'demo')).toContain(`Normal DesiredStateSent: signalled cluster/${ns}/demo with generation 1`);
  });

  it('hands a MachineHealthCheck and each change of it to the workflow, and refuses external remediation by name', async () => {
    const desiredBefore = (await stack.received(ns, 'demo')).desired.length;
    const lastHealthChecks = async (count: number) => {
      const r = await stack.received(ns, 'demo');
      expect(r.desired).toHaveLength(count);
      return r.desired.at(-1)?.healthChecks;
    };
    await stack.apply(ns, [manifest(loadManifests('health-checks.yaml'), 'MachineHealthCheck', 'demo-workers')]);
    expect(await eventually(() => lastHealthChecks(desiredBefore + 1), timeout)).toEqual([
      {
        name: 'demo-workers',
        selector: { matchLabels: { 'cluster.x-k8s.io/deployment-name': 'demo-md-0' }, matchExpressions: [] },
        unhealthyConditions: [
          { type: 'Ready', status: 'Unknown', timeoutSeconds: 300 },
          { type: 'Ready', status: 'False', timeoutSeconds: 300 },
        ],
        maxUnhealthy: '40%',
        nodeStartupTimeoutSeconds: 1200,
      },
    ]);

    await stack.patch('MachineHealthCheck', ns, 'demo-workers', { spec: { maxUnhealthy: 1 } });
    expect((await eventually(() => lastHealthChecks(desiredBefore + 2), timeout))?.[0]?.maxUnhealthy).toBe(1);

    await stack.patch('MachineHealthCheck', ns, 'demo-workers', {
      spec: {
        remediationTemplate: { apiVersion: 'infrastructure.cluster.x-k8s.io/v1alpha1', kind: 'Metal3RemediationTemplate', name: 'reboot' },
      },
    });
    await eventually(async () => {
      const c = await stack.get('Cluster', ns, 'demo');
      expect(conditionOf(c, 'Ready')).toBe('False InvalidSpec');
      expect(messageOf(c, 'Ready')).toMatch(
        new RegExp(
          `^MachineHealthCheck ${ns}/demo-workers spec\\.remediationTemplate: external remediation is not supported: Capstan remediates by itself`,
        ),
      );
    }, timeout);
    await stack.patch('MachineHealthCheck', ns, 'demo-workers', { spec: { remediationTemplate: null } });
    await eventually(async () => {
      expect(conditionOf(await stack.get('Cluster', ns, 'demo'), 'Ready')).toBe('True');
    }, timeout);
    // The same health check as before the bad edit: nothing new to send.
    expect((await stack.received(ns, 'demo')).desired).toHaveLength(desiredBefore + 2);

    await stack.remove('MachineHealthCheck', ns, 'demo-workers');
    expect(await eventually(() => lastHealthChecks(desiredBefore + 3), timeout)).toEqual([]);
  });

  it("sends the Cluster's observe interval, and shows the workers' availability as the workflow observed it", async () => {
    const before = (await stack.received(ns, 'demo')).desired.length;
    await stack.patch('Cluster', ns, 'demo', { metadata: { annotations: { 'capstan.dev/observe-interval': '30s' } } });
    await eventually(async () => {
      const r = await stack.received(ns, 'demo');
      expect(r.desired).toHaveLength(before + 1);
      expect(r.desired.at(-1)?.observeIntervalSeconds).toBe(30);
    }, timeout);

    const handle = stack.client.workflow.getHandle(clusterWorkflowId(ns, 'demo'));
    await handle.signal(fakeProgressSignal, {
      availability: {
        controlPlane: { available: true, reason: 'EtcdQuorumHealthy', message: 'every etcd member is healthy' },
        workers: { available: false, reason: 'NotEnoughReadyWorkers', message: 'demo-md-1: 2 of 4 available, maxUnavailable 1' },
      },
    });
    await eventually(async () => {
      const c = await stack.get('Cluster', ns, 'demo');
      expect(conditionOf(c, 'WorkersAvailable')).toBe('False NotEnoughReadyWorkers');
      expect(messageOf(c, 'WorkersAvailable')).toBe('demo-md-1: 2 of 4 available, maxUnavailable 1');
      expect(conditionOf(c, 'ControlPlaneAvailable')).toBe('True EtcdQuorumHealthy');
      expect(conditionOf(c, 'Ready')).toBe('False NotEnoughReadyWorkers');
    }, timeout);
    await handle.signal(fakeProgressSignal, null);
    await eventually(async () => {
      expect(conditionOf(await stack.get('Cluster', ns, 'demo'), 'Ready')).toBe('True');
    }, timeout);
  });

  it("turns the workflow's progress into conditions and Events: an operation starts, blocks, resumes, succeeds", async () => {
    const handle = stack.client.workflow.getHandle(clusterWorkflowId(ns, 'demo'));
    const upgrade = {
      workflowId: `cluster/${ns}/demo/upgrade/2`,
      kind: 'upgrade',
      summary: 'upgrade v1.33.4 → v1.34.2',
      step: 2,
      steps: 6,
      currentStep: 'upgrade demo-cp-0',
    };
    const blocked = {
      workflowId: upgrade.workflowId,
      step: 'wait for node demo-cp-0 Ready',
      errorType: 'NodeNotReady',
      message: 'not Ready after 10m',
      since: '2025-01-01T00:00:00Z',
    };
    await handle.signal(fakeProgressSignal, { phase: 'Running', operation: upgrade, operations: 2 });
    await eventually(async () => {
      const c = await stack.get('Cluster', ns, 'demo');
      expect(conditionOf(c, 'RollingOut')).toBe('True Upgrading');
      expect(c?.status?.['operation']).toEqual({
        name: 'upgrade',
        workflowId: upgrade.workflowId,
        state: 'Running',
        step: 'upgrade demo-cp-0 (2/6)',
      });
      expect(conditionOf(await stack.get('TalosControlPlane', ns, 'demo-control-plane'), 'RollingOut')).toBe('True Upgrading');
    }, timeout);

    await handle.signal(fakeProgressSignal, { phase: 'Blocked', operation: upgrade, operations: 2, blocked: [blocked] });
    await eventually(async () => {
      const c = await stack.get('Cluster', ns, 'demo');
      expect(conditionOf(c, 'Blocked')).toBe('True StepFailed');
      expect(conditionOf(c, 'Ready')).toBe('False StepFailed');
      expect(messageOf(c, 'Blocked')).toContain('`capstan retry demo -n apply`');
    }, timeout);

    const provisioned = { kind: 'provision', summary: 'provision demo', outcome: 'Succeeded' };
    await handle.signal(fakeProgressSignal, {
      operations: 2,
      recent: [provisioned, { kind: 'upgrade', summary: upgrade.summary, outcome: 'Succeeded' }],
    });
    await eventually(async () => {
      const c = await stack.get('Cluster', ns, 'demo');
      expect(conditionOf(c, 'Blocked')).toBe('False NotBlocked');
      expect(conditionOf(c, 'RollingOut')).toBe('False NotRollingOut');
      expect(conditionOf(c, 'Ready')).toBe('True');
      expect(c?.status?.['operation']).toEqual({ name: 'upgrade', state: 'Succeeded', step: upgrade.summary });
    }, timeout);
    const events = await stack.events(ns, 'Cluster', 'demo');
    expect(events.filter((e) => e.includes(' Operation'))).toEqual([
      `Normal OperationStarted: upgrade v1.33.4 → v1.34.2 (${upgrade.workflowId})`,
      `Warning OperationBlocked: step "wait for node demo-cp-0 Ready" of ${upgrade.workflowId} failed: NodeNotReady: not Ready after 10m; \`capstan retry demo -n apply\` runs it again once the cause is fixed; a corrected spec (kubectl apply or patch) replaces the blocked operation; \`capstan abort demo -n apply --reason "<why>"\` ends it`,
      'Normal OperationSucceeded: upgrade v1.33.4 → v1.34.2',
    ]);
    await handle.signal(fakeProgressSignal, null);
  });

  it('deletes: signals deleteCluster, keeps the finalizer and every object until the workflow has finished, then deletes them as CAPI does and lets the Cluster go', async () => {
    // What the workflow would have left: inventory still under its finalizers.
    await writeAsTheWorkflow(ns, 'MachineSet', 'demo-md-0-7f9c2');
    await writeAsTheWorkflow(ns, 'ProxmoxMachine', 'demo-cp-0');
    await stack.apply(ns, [manifest(loadManifests('health-checks.yaml'), 'MachineHealthCheck', 'demo-workers')]);
    await stack.remove('Cluster', ns, 'demo');
    await eventually(async () => {
      expect((await stack.received(ns, 'demo')).deletes).toBe(1);
      const c = await stack.get('Cluster', ns, 'demo');
      expect(c?.metadata.deletionTimestamp).toBeDefined();
      expect(c?.status?.['phase']).toBe('Deleting');
      expect(conditionOf(c, 'Deleting')).toBe('True Deleting');
      expect(messageOf(c, 'Deleting')).toBe('delete workers (1/4)');
    }, timeout);
    // Held by the workflow: still there a few polls later.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await stack.get('Cluster', ns, 'demo'))?.metadata.finalizers).toEqual(['cluster.cluster.x-k8s.io']);

    // Deleting Machines is the workflow's (after their VMs): while it runs the controller touches none, and deletes nothing.
    expect(managersOf(await stack.get('Machine', ns, 'demo-cp-0'))).toEqual(['capstan-inventory']);
    expect(await namesOf('MachineDeployment', ns)).toEqual(['demo-md-0', 'demo-md-1']);
    expect(await namesOf('TalosControlPlane', ns)).toEqual(['demo-control-plane']);
    expect(await namesOf('ProxmoxCluster', ns)).toEqual(['demo']);

    await stack.client.workflow.getHandle(clusterWorkflowId(ns, 'demo')).signal(fakeFinishDeleteSignal);
    await eventually(async () => {
      expect(await stack.get('Cluster', ns, 'demo')).toBeUndefined();
    }, timeout);
    // No garbage collector runs here: the controller deleted every descendant itself before letting the Cluster go,
    // lifting the workflow's finalizers from what it had left. The templates stay, as CAPI leaves them.
    const descendants = [
      'MachineHealthCheck',
      'MachineDeployment',
      'MachineSet',
      'Machine',
      'ProxmoxMachine',
      'TalosControlPlane',
      'ProxmoxCluster',
    ] as const;
    for (const kind of descendants) expect(await stack.list(kind, ns), kind).toEqual([]);
    expect(await namesOf('ProxmoxMachineTemplate', ns)).toEqual(['demo-control-plane', 'demo-workers']);
    expect(await namesOf('TalosConfigTemplate', ns)).toEqual(['demo-workers']);
    expect(await stack.events(ns, 'Cluster', 'demo')).toContain(
      'Normal ClusterDeleted: the cluster workflow deleted the cluster; finalizer removed',
    );
    expect(await stack.client.workflow.getHandle(clusterWorkflowId(ns, 'demo')).result()).toEqual({ deleted: true });
    expect((await stack.received(ns, 'demo')).deletes).toBe(1);
  });
});

describe('the controller, given a manifest it cannot map', () => {
  const ns = 'invalid';
  const kubeadm = (documents: Manifest[]): void => {
    (manifest(documents, 'Cluster', 'demo').spec as { controlPlaneRef: { kind: string } }).controlPlaneRef.kind = 'KubeadmControlPlane';
  };

  it('writes Ready=False InvalidSpec naming the field, records an Event, and starts no workflow; the fix proceeds', async () => {
    await stack.apply(ns, demo(ns, kubeadm));
    const cluster = await eventually(async () => {
      const c = await stack.get('Cluster', ns, 'demo');
      expect(conditionOf(c, 'Ready')).toBe('False InvalidSpec');
      return c;
    }, timeout);
    expect(messageOf(cluster, 'Ready')).toMatch(
      /^Cluster invalid\/demo spec\.controlPlaneRef\.kind: must be TalosControlPlane, not KubeadmControlPlane/,
    );
    expect(cluster?.status?.['phase']).toBe('Pending');
    await eventually(async () => {
      expect(
        (await stack.events(ns, 'Cluster', 'demo')).some((e) =>
          e.startsWith('Warning InvalidSpec: Cluster invalid/demo spec.controlPlaneRef.kind: must be TalosControlPlane'),
        ),
      ).toBe(true);
    });
    await expect(stack.client.workflow.getHandle(clusterWorkflowId(ns, 'demo')).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);

    await stack.apply(
      ns,
      demo(ns).filter((d) => d.kind === 'Cluster'),
    );
    await eventually(async () => {
      expect(conditionOf(await stack.get('Cluster', ns, 'demo'), 'Ready')).toBe('True');
      expect((await stack.received(ns, 'demo')).desired).toHaveLength(1);
    }, timeout);
  });

  it('lets a Cluster that never had a workflow go at once when it is deleted', async () => {
    const documents = demo(ns, kubeadm).map((d) => (d.kind === 'Cluster' ? { ...d, metadata: { ...d.metadata, name: 'never' } } : d));
    await stack.apply(
      ns,
      documents.filter((d) => d.kind === 'Cluster'),
    );
    await eventually(async () => {
      expect(conditionOf(await stack.get('Cluster', ns, 'never'), 'Ready')).toBe('False InvalidSpec');
    }, timeout);
    await stack.remove('Cluster', ns, 'never');
    await eventually(async () => {
      expect(await stack.get('Cluster', ns, 'never')).toBeUndefined();
    }, timeout);
    // Its infrastructureRef names the ProxmoxCluster cluster demo uses too: that one stays, as does everything of demo's.
    expect(await namesOf('ProxmoxCluster', ns)).toEqual(['demo']);
    expect(await namesOf('TalosControlPlane', ns)).toEqual(['demo-control-plane']);
    expect(await namesOf('MachineDeployment', ns)).toEqual(['demo-md-0', 'demo-md-1']);
  });

  it('keeps a Cluster without a workflow while a Machine of it still records a VM, says why, and lets go once an operator has', async () => {
    const lone = { ...manifest(demo(ns, kubeadm), 'Cluster', 'demo'), metadata: { name: 'lone' } };
    await stack.apply(ns, [lone]);
    await eventually(async () => {
      expect((await stack.get('Cluster', ns, 'lone'))?.metadata.finalizers).toEqual(['cluster.cluster.x-k8s.io']);
    }, timeout);
    await writeAsTheWorkflow(ns, 'Machine', 'lone-cp-0', 'lone');
    await stack.remove('Cluster', ns, 'lone');
    await eventually(async () => {
      expect(await stack.events(ns, 'Cluster', 'lone')).toContain(
        'Warning WaitingForDescendants: the Cluster goes once these are deleted: Machine lone-cp-0 (held by machine.cluster.x-k8s.io); ' +
          'no cluster workflow deleted their VMs: check Proxmox for them, then remove those finalizers by hand',
      );
    }, timeout);
    // No workflow vouches that its VM is gone: the controller lifts no finalizer of the workflow's.
    expect((await stack.get('Machine', ns, 'lone-cp-0'))?.metadata.finalizers).toEqual(['machine.cluster.x-k8s.io']);
    expect((await stack.get('Cluster', ns, 'lone'))?.metadata.deletionTimestamp).toBeDefined();

    await stack.patch('Machine', ns, 'lone-cp-0', { metadata: { finalizers: null } });
    await eventually(async () => {
      expect(await stack.get('Cluster', ns, 'lone')).toBeUndefined();
    }, timeout);
  });
});

describe('the controller, given objects whose Cluster does not exist', () => {
  const ns = 'orphans';
  const labelled = (documents: Manifest[]): void => {
    for (const kind of ['TalosControlPlane', 'ProxmoxCluster'])
      for (const document of documents.filter((d) => d.kind === kind))
        (document.metadata as { labels?: Record<string, string> }).labels = { 'cluster.x-k8s.io/cluster-name': 'demo' };
  };
  const orphanCondition = (fix: string) => ({
    type: 'Ready',
    status: 'False',
    severity: 'Warning',
    reason: 'ReferenceNotFound',
    message: `Cluster ${ns}/demo does not exist: apply it, or fix ${fix}`,
    lastTransitionTime: expect.any(String) as unknown,
  });

  it('gives each Ready=False ReferenceNotFound and one Warning Event; applying the Cluster clears them', async () => {
    const documents = demo(ns, labelled);
    await stack.apply(
      ns,
      documents.filter((d) => d.kind !== 'Cluster'),
    );
    const expected: [CapiKindName, string, string][] = [
      ['MachineDeployment', 'demo-md-0', 'spec.clusterName'],
      ['MachineDeployment', 'demo-md-1', 'spec.clusterName'],
      ['TalosControlPlane', 'demo-control-plane', 'the cluster.x-k8s.io/cluster-name label'],
      ['ProxmoxCluster', 'demo', 'the cluster.x-k8s.io/cluster-name label'],
    ];
    await eventually(async () => {
      for (const [kind, name, fix] of expected) {
        // Only the condition: nothing of a cluster that is not there.
        expect((await stack.get(kind, ns, name))?.status, `${kind} ${name}`).toEqual({ conditions: [orphanCondition(fix)] });
        expect(await eventCounts(ns, kind, name)).toEqual([
          `Warning ReferenceNotFound: Cluster ${ns}/demo does not exist: apply it, or fix ${fix} (1)`,
        ]);
      }
    }, timeout);
    // Reconciled again (an edit wakes the cluster key): told once, not again.
    await stack.patch('MachineDeployment', ns, 'demo-md-0', { metadata: { annotations: { touched: 'yes' } } });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await eventCounts(ns, 'MachineDeployment', 'demo-md-0')).toEqual([
      `Warning ReferenceNotFound: Cluster ${ns}/demo does not exist: apply it, or fix spec.clusterName (1)`,
    ]);
    expect(
      await stack.client.workflow
        .getHandle(clusterWorkflowId(ns, 'demo'))
        .describe()
        .catch((e: unknown) => e),
    ).toBeInstanceOf(WorkflowNotFoundError);

    await stack.apply(
      ns,
      documents.filter((d) => d.kind === 'Cluster'),
    );
    await eventually(async () => {
      expect(conditionOf(await stack.get('Cluster', ns, 'demo'), 'Ready')).toBe('True');
      for (const md of ['demo-md-0', 'demo-md-1']) expect(conditionOf(await stack.get('MachineDeployment', ns, md), 'Ready')).toBe('True');
      expect(conditionOf(await stack.get('TalosControlPlane', ns, 'demo-control-plane'), 'Ready')).toBe('True');
      // Nothing else writes a ProxmoxCluster's status: with the orphan's condition, all of it is gone
      // (an empty list may stay, as server-side apply leaves it).
      const { conditions = [], ...rest } = (await stack.get('ProxmoxCluster', ns, 'demo'))?.status ?? {};
      expect({ conditions, ...rest }).toEqual({ conditions: [] });
    }, timeout);
    expect(await eventCounts(ns, 'MachineDeployment', 'demo-md-0')).toEqual([
      `Warning ReferenceNotFound: Cluster ${ns}/demo does not exist: apply it, or fix spec.clusterName (1)`,
    ]);
  });
});

describe('the controller, given a paused Cluster', () => {
  const ns = 'paused';

  it('shows Paused and hands the workflow a paused desired state; resuming sends it again unpaused', async () => {
    const paused = demo(ns, (documents) => {
      const cluster = manifest(documents, 'Cluster', 'demo');
      cluster.metadata.annotations = { 'cluster.x-k8s.io/paused': 'true' };
    });
    await stack.apply(ns, paused);
    await eventually(async () => {
      expect(conditionOf(await stack.get('Cluster', ns, 'demo'), 'Paused')).toBe('True Paused');
      expect((await stack.received(ns, 'demo')).desired.map((d) => d.paused)).toEqual([true]);
    }, timeout);
    await stack.patch('Cluster', ns, 'demo', { metadata: { annotations: { 'cluster.x-k8s.io/paused': null } } });
    await eventually(async () => {
      expect(conditionOf(await stack.get('Cluster', ns, 'demo'), 'Paused')).toBe('False NotPaused');
      expect((await stack.received(ns, 'demo')).desired.map((d) => d.paused)).toEqual([true, false]);
    }, timeout);
  });
});

describe('the controller, when the cluster workflow ended abnormally', () => {
  const ns = 'ended';

  it('reports it, starts no fresh workflow over the cluster, and keeps the finalizer on delete', async () => {
    await stack.apply(ns, demo(ns));
    await eventually(async () => {
      expect(conditionOf(await stack.get('Cluster', ns, 'demo'), 'Ready')).toBe('True');
    }, timeout);
    const handle = stack.client.workflow.getHandle(clusterWorkflowId(ns, 'demo'));
    await handle.terminate('operator pressed the wrong button');
    await eventually(async () => {
      const c = await stack.get('Cluster', ns, 'demo');
      expect(conditionOf(c, 'Ready')).toBe('False WorkflowEnded');
      expect(c?.status?.['phase']).toBe('Failed');
    }, timeout);
    expect(messageOf(await stack.get('Cluster', ns, 'demo'), 'Ready')).toContain('TERMINATED: operator pressed the wrong button');

    await stack.patch('MachineDeployment', ns, 'demo-md-0', { spec: { replicas: 5 } });
    await eventually(async () => {
      expect((await stack.get('MachineDeployment', ns, 'demo-md-0'))?.status?.['observedGeneration']).toBe(2);
    }, timeout);
    expect((await handle.describe()).status.name).toBe('TERMINATED');

    await stack.remove('Cluster', ns, 'demo');
    await eventually(async () => {
      expect((await stack.events(ns, 'Cluster', 'demo')).some((e) => e.startsWith('Warning WorkflowEnded:'))).toBe(true);
    }, timeout);
    expect((await stack.get('Cluster', ns, 'demo'))?.metadata.finalizers).toEqual(['cluster.cluster.x-k8s.io']);
    // The operator has checked Proxmox and lets go by hand.
    await stack.patch('Cluster', ns, 'demo', { metadata: { finalizers: null } });
    await eventually(async () => {
      expect(await stack.get('Cluster', ns, 'demo')).toBeUndefined();
    }, timeout);
    // Nothing deleted the cluster's objects then: each says its Cluster is gone, and what to do.
    await eventually(async () => {
      expect(messageOf(await stack.get('MachineDeployment', ns, 'demo-md-0'), 'Ready')).toBe(
        `Cluster ${ns}/demo does not exist: apply it, or fix spec.clusterName`,
      );
      expect(messageOf(await stack.get('TalosControlPlane', ns, 'demo-control-plane'), 'Ready')).toBe(
        `Cluster ${ns}/demo does not exist: apply it, or delete this TalosControlPlane (its owner references name that Cluster)`,
      );
    }, timeout);
  });
});

describe('two controller replicas', () => {
  it('have exactly one leader; when it stops, the other takes over and acts', async () => {
    second = await stack.startController({ identity: 'replica-b' });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect([controller.leading, second.leading]).toEqual([true, false]);

    await controller.stop();
    await eventually(() => {
      expect(second?.leading).toBe(true);
    }, 10_000);
    await stack.apply('takeover', demo('takeover'));
    await eventually(async () => {
      expect((await stack.get('Cluster', 'takeover', 'demo'))?.metadata.finalizers).toContain('cluster.cluster.x-k8s.io');
      expect((await stack.received('takeover', 'demo')).desired).toHaveLength(1);
      expect(conditionOf(await stack.get('Cluster', 'takeover', 'demo'), 'Ready')).toBe('True');
    }, timeout);
    // The clusters the first replica handled are the second's now. It remembers nothing, so it
    // re-sends each one's desired state once, unchanged (the workflow ignores it), and no more.
    const resent = await eventually(async () => {
      const r = await stack.received('paused', 'demo');
      expect(r.desired).toHaveLength(3);
      return r;
    }, timeout);
    expect(resent.desired[2]).toEqual(resent.desired[1]);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await stack.received('paused', 'demo')).desired).toHaveLength(3);
  });
});

describe('the entry point', () => {
  it('runs as a process configured by the environment: leads, reconciles, and releases the Lease on SIGTERM', async () => {
    await second?.stop();
    // `node --import tsx`, one process: the tsx CLI's parent SIGKILLs a child that does not
    // acknowledge a relayed SIGTERM within ~60 ms, which a busy machine turns into exit 143.
    const controllerProcess = startProcess({
      name: 'capstan controller',
      command: process.execPath,
      args: ['--import', 'tsx', fileURLToPath(new URL('../../client/controller/main.ts', import.meta.url))],
      env: {
        KUBECONFIG: stack.management.kubeconfigPath,
        TEMPORAL_ADDRESS: stack.temporal.address,
        TEMPORAL_NAMESPACE: stack.temporal.namespace,
        CAPSTAN_TASK_QUEUE: stack.taskQueue,
        CAPSTAN_CONTROLLER_IDENTITY: 'controller-process',
      },
    });
    const leases = stack.management.kubeConfig.makeApiClient(CoordinationV1Api);
    try {
      await eventually(
        async () => {
          expect((await leases.readNamespacedLease({ namespace: 'default', name: 'capstan-controller' })).spec?.holderIdentity).toBe(
            'controller-process',
          );
        },
        60_000,
        200,
      );
      await stack.apply('process', inOwnPool(demoManifests(), 'process'));
      await eventually(async () => {
        expect(conditionOf(await stack.get('Cluster', 'process', 'demo'), 'Ready')).toBe('True');
        expect((await stack.received('process', 'demo')).desired).toHaveLength(1);
      }, timeout);
    } finally {
      await controllerProcess.stop();
    }
    expect(await controllerProcess.exited, controllerProcess.logTail()).toBe(0);
    expect((await leases.readNamespacedLease({ namespace: 'default', name: 'capstan-controller' })).spec?.holderIdentity).toBe('');
  }, 120_000);
});
