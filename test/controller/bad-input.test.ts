// Bad input against the real kube-apiserver and the controller, one namespace per case: each is
// refused with the object and field named on the Cluster's Ready condition and in a Warning Event,
// no cluster workflow starts (so no VM can be built), and the Cluster can be deleted at once. What
// the API server's schema refuses itself is in test/api/capi/crds-apiserver.test.ts.
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterWorkflowId } from '../../api/ids.ts';
import { conditionOf, messageOf } from '../../embedded/controller-stack/capi-objects.ts';
import { startControllerStack, type ControllerStack } from '../../embedded/controller-stack/controller-stack.ts';
import { eventually } from '../../embedded/servers/eventually.ts';
import { at, demoManifests, inOwnPool, manifest, type Manifest } from '../api/capi/manifests.ts';

let stack: ControllerStack;
beforeAll(async () => {
  stack = await startControllerStack('bad-input');
  const controller = await stack.startController({ identity: 'bad-input' });
  await eventually(() => {
    expect(controller.leading).toBe(true);
  });
}, 120_000);
afterAll(async () => {
  await stack.stop();
});

const proxmox = (d: Manifest[]) => at(manifest(d, 'ProxmoxCluster', 'demo'), 'spec');
const md0 = (d: Manifest[]) => at(manifest(d, 'MachineDeployment', 'demo-md-0'), 'spec');
const workerTemplate = (d: Manifest[]) => at(manifest(d, 'ProxmoxMachineTemplate', 'demo-workers'), 'spec.template.spec');

/** The demo manifests, edited, with the Cluster last as a user's file would apply them. */
function demo(edit: (documents: Manifest[]) => void): Manifest[] {
  const documents = demoManifests();
  edit(documents);
  return [...documents.filter((d) => d.kind !== 'Cluster'), ...documents.filter((d) => d.kind === 'Cluster')];
}

// [case, edit, the message's start (`<ns>` is the case's namespace)]
const refusedByTheController: [string, (d: Manifest[]) => void, string][] = [
  [
    'an address range written backwards',
    (d) => {
      proxmox(d)['ipv4Config'] = { addresses: ['10.10.10.60-10.10.10.20'], prefix: 24, gateway: '10.10.10.1' };
    },
    'ProxmoxCluster <ns>/demo spec.ipv4Config.addresses[0]: "10.10.10.60-10.10.10.20" ends before it starts: write 10.10.10.20-10.10.10.60',
  ],
  [
    'a pool too small for the replicas',
    (d) => {
      proxmox(d)['ipv4Config'] = { addresses: ['10.10.10.20-10.10.10.23'], prefix: 24, gateway: '10.10.10.1' };
    },
    'ProxmoxCluster <ns>/demo spec.ipv4Config.addresses: holds 4 usable addresses, but the cluster needs',
  ],
  [
    "addresses outside the gateway's subnet",
    (d) => {
      proxmox(d)['ipv4Config'] = { addresses: ['10.10.11.20-10.10.11.60'], prefix: 24, gateway: '10.10.10.1' };
    },
    "ProxmoxCluster <ns>/demo spec.ipv4Config: address 10.10.11.20 is not in the gateway's subnet 10.10.10.0/24",
  ],
  [
    'maxUnavailable over 100%',
    (d) => {
      md0(d)['strategy'] = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '150%' } };
    },
    'MachineDeployment <ns>/demo-md-0 spec.strategy.rollingUpdate.maxUnavailable: must be at most 100%, not 150%',
  ],
  [
    'a template without memory',
    (d) => {
      delete workerTemplate(d)['memoryMiB'];
    },
    'ProxmoxMachineTemplate <ns>/demo-workers spec.template.spec.memoryMiB: is required',
  ],
  [
    'a MachineDeployment template that does not exist',
    (d) => {
      (md0(d)['template'] as { spec: { infrastructureRef: { name: string } } }).spec.infrastructureRef.name = 'demo-wrokers';
    },
    'MachineDeployment <ns>/demo-md-0 spec.template.spec.infrastructureRef',
  ],
];

describe('bad input refused by the controller', () => {
  it.each(refusedByTheController.map(([name, edit, expected], index) => [name, edit, expected, `bad-${index}`] as const))(
    '%s',
    async (_name, edit, expected, ns) => {
      const message = expected.replaceAll('<ns>', ns);
      await stack.apply(ns, demo(edit));
      await eventually(async () => {
        const cluster = await stack.get('Cluster', ns, 'demo');
        expect(conditionOf(cluster, 'Ready')).toMatch(/^False (InvalidSpec|ReferenceNotFound)$/);
        expect(messageOf(cluster, 'Ready')).toContain(message);
      }, 30_000);
      await eventually(async () => {
        const events = await stack.events(ns, 'Cluster', 'demo');
        expect(events.some((e) => e.startsWith('Warning ') && e.includes(message))).toBe(true);
      }, 30_000);
      await expect(stack.client.workflow.getHandle(clusterWorkflowId(ns, 'demo')).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
      await stack.remove('Cluster', ns, 'demo');
      await eventually(async () => {
        expect(await stack.get('Cluster', ns, 'demo')).toBeUndefined();
      }, 30_000);
    },
  );
});

describe('a pool that overlaps another namespace', () => {
  it('is refused naming the older pool, which keeps working; giving it its own addresses lets it go', async () => {
    const pool = (documents: Manifest[]) => [
      ...inOwnPool(documents, 'pool-first').filter((d) => d.kind !== 'Cluster'),
      manifest(documents, 'Cluster', 'demo'),
    ];
    await stack.apply('pool-first', pool(demoManifests()));
    await eventually(async () => {
      expect(conditionOf(await stack.get('Cluster', 'pool-first', 'demo'), 'Ready')).toBe('True');
    }, 30_000);

    await stack.apply('pool-second', pool(demoManifests()));
    const message =
      'ProxmoxCluster pool-second/demo spec.ipv4Config.addresses: 10.10.11.20 and 40 more also belong to the pool of ProxmoxCluster pool-first/demo';
    await eventually(async () => {
      const cluster = await stack.get('Cluster', 'pool-second', 'demo');
      expect(conditionOf(cluster, 'Ready')).toBe('False InvalidSpec');
      expect(messageOf(cluster, 'Ready')).toContain(message);
      expect(
        (await stack.events('pool-second', 'Cluster', 'demo')).some((e) => e.startsWith('Warning InvalidSpec') && e.includes(message)),
      ).toBe(true);
    }, 30_000);
    await expect(stack.client.workflow.getHandle(clusterWorkflowId('pool-second', 'demo')).describe()).rejects.toBeInstanceOf(
      WorkflowNotFoundError,
    );
    expect(conditionOf(await stack.get('Cluster', 'pool-first', 'demo'), 'Ready')).toBe('True');

    await stack.apply(
      'pool-second',
      inOwnPool(demoManifests(), 'pool-second').filter((d) => d.kind === 'ProxmoxCluster'),
    );
    await eventually(async () => {
      expect(conditionOf(await stack.get('Cluster', 'pool-second', 'demo'), 'Ready')).toBe('True');
    }, 30_000);
  });

  it('lets a refused pool go once the older one is gone, without touching the refused cluster', async () => {
    const pool = (documents: Manifest[]) => [
      ...inOwnPool(documents, 'pool-older').filter((d) => d.kind !== 'Cluster'),
      manifest(documents, 'Cluster', 'demo'),
    ];
    await stack.apply('pool-older', pool(demoManifests()));
    await eventually(async () => {
      expect(conditionOf(await stack.get('Cluster', 'pool-older', 'demo'), 'Ready')).toBe('True');
    }, 30_000);
    await stack.apply('pool-younger', pool(demoManifests()));
    await eventually(async () => {
      expect(conditionOf(await stack.get('Cluster', 'pool-younger', 'demo'), 'Ready')).toBe('False InvalidSpec');
    }, 30_000);
    await stack.remove('ProxmoxCluster', 'pool-older', 'demo');
    await eventually(async () => {
      expect(conditionOf(await stack.get('Cluster', 'pool-younger', 'demo'), 'Ready')).toBe('True');
    }, 30_000);
  });
});
