// ClusterClass and Cluster.spec.topology through the controller, against a real kube-apiserver and
// Temporal dev server with the fake cluster workflow: one class, two Clusters made from it; the
// generated objects appear (owned, labelled, referenced from the Cluster) and the workflow gets
// their desired state; a version bump and a class change reach it; a bad variable is refused on
// the status; a MachineDeployment dropped from the topology and a Cluster's delete leave nothing
// generated behind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Controller } from '../../client/controller/controller.ts';
import { conditionOf, messageOf, type StoredObject } from '../../embedded/controller-stack/capi-objects.ts';
import { fakeFinishDeleteSignal } from '../../embedded/controller-stack/fake-cluster-workflow.ts';
import { startControllerStack, type ControllerStack } from '../../embedded/controller-stack/controller-stack.ts';
import { eventually } from '../../embedded/servers/eventually.ts';
import { clusterWorkflowId } from '../../api/ids.ts';
import { loadManifests, type Manifest } from '../api/capi/manifests.ts';

const ns = 'topology';
const timeout = 30_000;
let stack: ControllerStack;
let controller: Controller;

beforeAll(async () => {
  stack = await startControllerStack('topology');
  controller = await stack.startController({ identity: 'topology-a' });
  await eventually(() => {
    expect(controller.leading).toBe(true);
  });
});
afterAll(async () => {
  await stack.stop();
});

/** The fixture's class, templates and Clusters, without the uid a stored object would have. */
function classAndClusters(): Manifest[] {
  return loadManifests('cluster-class.yaml').map((d) => {
    const metadata: Record<string, unknown> = { ...(d.metadata as Record<string, unknown>), namespace: ns };
    delete metadata['uid'];
    return { ...d, metadata } as Manifest;
  });
}

const alphaVariables = [
  { name: 'controlPlaneEndpoint', value: { host: '10.10.10.5' } },
  { name: 'ipv4Pool', value: { addresses: ['10.10.10.20-10.10.10.60'], prefix: 24, gateway: '10.10.10.1' } },
];
const labelsOf = (object: StoredObject | undefined) => (object?.metadata as { labels?: Record<string, string> } | undefined)?.labels ?? {};
interface Ref {
  readonly name: string;
  readonly kind: string;
}
const specOf = (object: StoredObject | undefined) =>
  (object?.['spec'] ?? {}) as { controlPlaneRef?: Ref; infrastructureRef?: Ref; version?: string };
const names = async (kind: 'MachineDeployment' | 'ProxmoxMachineTemplate' | 'TalosConfigTemplate', cluster: string) =>
  (await stack.list(kind, ns))
    .filter((o) => labelsOf(o)['cluster.x-k8s.io/cluster-name'] === cluster)
    .map((o) => (o.metadata as { name: string }).name)
    .sort();

describe('a ClusterClass and two Clusters made from it', () => {
  it('generates each Cluster’s objects, points the Cluster at them, and starts its workflow with their desired state', async () => {
    await stack.apply(ns, classAndClusters());
    for (const cluster of ['alpha', 'beta']) {
      const stored = await eventually(async () => {
        const c = await stack.get('Cluster', ns, cluster);
        expect(conditionOf(c, 'Ready')).toBe('True');
        return c!;
      }, timeout);
      const spec = specOf(stored);
      expect(spec.controlPlaneRef).toMatchObject({ kind: 'TalosControlPlane', apiVersion: 'controlplane.cluster.x-k8s.io/v1alpha3' });
      expect(spec.infrastructureRef).toMatchObject({ kind: 'ProxmoxCluster' });
      const tcp = await stack.get('TalosControlPlane', ns, spec.controlPlaneRef?.name ?? '');
      expect(labelsOf(tcp)).toMatchObject({ 'cluster.x-k8s.io/cluster-name': cluster, 'topology.cluster.x-k8s.io/owned': '' });
      expect((tcp?.metadata as { ownerReferences?: { kind: string; name: string }[] }).ownerReferences).toEqual([
        expect.objectContaining({ kind: 'Cluster', name: cluster }),
      ]);
    }
    expect(await names('MachineDeployment', 'alpha')).toHaveLength(2);
    expect(await names('MachineDeployment', 'beta')).toHaveLength(1);

    const alpha = (await stack.received(ns, 'alpha')).desired.at(-1)!;
    expect(alpha.kubernetesVersion).toBe('v1.33.4');
    expect(alpha.controlPlane.replicas).toBe(3);
    expect((alpha.machineDeployments ?? []).map((d) => [d.replicas, d.machine.cores])).toEqual([
      [2, 2],
      [1, 4], // md-1 overrides workerCores
    ]);
    const beta = (await stack.received(ns, 'beta')).desired.at(-1)!;
    expect(beta.kubernetesVersion).toBe('v1.34.1');
    expect((beta.machineDeployments ?? []).map((d) => d.replicas)).toEqual([3]);
  });

  it('refuses a version bump its Talos cannot run, and hands one with Talos bumped too to the cluster workflow', async () => {
    await stack.patch('Cluster', ns, 'alpha', { spec: { topology: { version: 'v1.35.0' } } });
    await eventually(async () => {
      const c = await stack.get('Cluster', ns, 'alpha');
      expect(conditionOf(c, 'Ready')).toBe('False InvalidSpec');
      expect(messageOf(c, 'Ready')).toContain('spec.topology.version: Talos v1.11.5 runs Kubernetes v1.29 to v1.34, not v1.35.0');
    }, timeout);
    // The class's talosVersion variable moves Talos; a chained upgrade is the workflow's to plan.
    await stack.patch('Cluster', ns, 'alpha', {
      spec: { topology: { variables: [...alphaVariables, { name: 'talosVersion', value: 'v1.12.0' }] } },
    });
    await eventually(async () => {
      const desired = (await stack.received(ns, 'alpha')).desired.at(-1);
      expect([desired?.kubernetesVersion, desired?.talosVersion]).toEqual(['v1.35.0', 'v1.12.0']);
    }, timeout);
    const tcpName = specOf(await stack.get('Cluster', ns, 'alpha')).controlPlaneRef?.name ?? '';
    expect(specOf(await stack.get('TalosControlPlane', ns, tcpName)).version).toBe('v1.35.0');
    expect((await stack.received(ns, 'beta')).desired.at(-1)?.kubernetesVersion).toBe('v1.34.1');
  });

  it('rolls a class change out: a changed worker template gets a new generated template on both Clusters, and the old one goes', async () => {
    const before = { alpha: await names('ProxmoxMachineTemplate', 'alpha'), beta: await names('ProxmoxMachineTemplate', 'beta') };
    await stack.patch('ProxmoxMachineTemplate', ns, 'talos-proxmox-worker', { spec: { template: { spec: { memoryMiB: 12288 } } } });
    for (const cluster of ['alpha', 'beta'] as const) {
      await eventually(async () => {
        const desired = (await stack.received(ns, cluster)).desired.at(-1)!;
        expect((desired.machineDeployments ?? []).every((d) => d.machine.memoryMiB === 12288)).toBe(true);
        const now = await names('ProxmoxMachineTemplate', cluster);
        // The control plane's template is unchanged; each worker template was replaced by a new one.
        expect(now.filter((n) => before[cluster].includes(n))).toHaveLength(1);
        expect(now).toHaveLength(before[cluster].length);
      }, timeout);
    }
  });

  it('refuses a variable its class does not allow, naming it on the Cluster, and proceeds once fixed', async () => {
    await stack.patch('Cluster', ns, 'beta', {
      spec: {
        topology: {
          variables: [
            { name: 'controlPlaneEndpoint', value: { host: '10.10.20.5', port: 6443 } },
            { name: 'ipv4Pool', value: { addresses: ['10.10.20.20-10.10.20.60'], prefix: 24, gateway: '10.10.20.1' } },
            { name: 'workerCores', value: 64 },
          ],
        },
      },
    });
    await eventually(async () => {
      const c = await stack.get('Cluster', ns, 'beta');
      expect(conditionOf(c, 'Ready')).toBe('False InvalidSpec');
      expect(messageOf(c, 'Ready')).toContain('spec.topology.variables[2].value');
    }, timeout);
    const sent = (await stack.received(ns, 'beta')).desired.length;
    await stack.patch('Cluster', ns, 'beta', {
      spec: {
        topology: {
          variables: [
            { name: 'controlPlaneEndpoint', value: { host: '10.10.20.5', port: 6443 } },
            { name: 'ipv4Pool', value: { addresses: ['10.10.20.20-10.10.20.60'], prefix: 24, gateway: '10.10.20.1' } },
            { name: 'workerCores', value: 8 },
          ],
        },
      },
    });
    await eventually(async () => {
      expect(conditionOf(await stack.get('Cluster', ns, 'beta'), 'Ready')).toBe('True');
      const received = await stack.received(ns, 'beta');
      expect(received.desired.length).toBeGreaterThan(sent);
      expect(received.desired.at(-1)?.machineDeployments?.[0]?.machine.cores).toBe(8);
    }, timeout);
  });

  it('removes a MachineDeployment dropped from the topology, with its templates', async () => {
    await stack.patch('Cluster', ns, 'alpha', {
      spec: { topology: { workers: { machineDeployments: [{ class: 'default-worker', name: 'md-0', replicas: 2 }] } } },
    });
    await eventually(async () => {
      expect(await names('MachineDeployment', 'alpha')).toHaveLength(1);
      expect(await names('ProxmoxMachineTemplate', 'alpha')).toHaveLength(2);
      expect(await names('TalosConfigTemplate', 'alpha')).toHaveLength(1);
      expect((await stack.received(ns, 'alpha')).desired.at(-1)?.machineDeployments).toHaveLength(1);
    }, timeout);
  });

  it('deletes a Cluster with everything generated for it, and leaves the class and its templates', async () => {
    await stack.remove('Cluster', ns, 'alpha');
    await eventually(async () => {
      expect((await stack.received(ns, 'alpha')).deletes).toBe(1);
    }, timeout);
    await stack.client.workflow.getHandle(clusterWorkflowId(ns, 'alpha')).signal(fakeFinishDeleteSignal);
    await eventually(async () => {
      expect(await stack.get('Cluster', ns, 'alpha')).toBeUndefined();
    }, timeout);
    for (const kind of ['MachineDeployment', 'ProxmoxMachineTemplate', 'TalosConfigTemplate'] as const)
      expect(await names(kind, 'alpha'), kind).toEqual([]);
    expect((await stack.list('TalosControlPlane', ns)).map((o) => labelsOf(o)['cluster.x-k8s.io/cluster-name'])).toEqual(['beta']);
    expect(await stack.get('ClusterClass', ns, 'talos-proxmox')).toBeDefined();
    expect(await stack.get('ProxmoxMachineTemplate', ns, 'talos-proxmox-worker')).toBeDefined();
  });
});
