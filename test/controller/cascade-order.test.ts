import { describe, expect, it } from 'vitest';
import { nextDeletes, type Descendants } from '../../client/controller/cascade-order.ts';
import { inventoryFinalizers } from '../../client/controller/finalizers.ts';
import type { RawObject } from '../../client/controller/raw-object.ts';

const object = (name: string, metadata: Partial<NonNullable<RawObject['metadata']>> = {}): RawObject => ({
  metadata: { name, namespace: 'default', uid: `uid-${name}`, ...metadata },
});
const none: Descendants = { machineDeployments: [], machineSets: [], machines: [], proxmoxMachines: [] };
const all: Descendants = {
  machineDeployments: [object('demo-md-0')],
  machineHealthChecks: [object('demo-workers')],
  machineSets: [object('demo-md-0-7f9c2', { finalizers: ['cluster.x-k8s.io/machineset'] })],
  machines: [object('demo-cp-0', { finalizers: ['machine.cluster.x-k8s.io'] })],
  proxmoxMachines: [object('demo-cp-0', { finalizers: ['proxmoxmachine.infrastructure.cluster.x-k8s.io'] })],
  controlPlane: object('demo-control-plane'),
  infrastructure: object('demo'),
};

/** `Kind name: lift → kept, delete, held by` for each delete, to compare in one line. */
const described = (left: Descendants): string[] =>
  nextDeletes(left, inventoryFinalizers).map(
    (d) =>
      `${d.kind} ${d.object.metadata?.name ?? ''}:${d.keepFinalizers ? ` lift → [${d.keepFinalizers.join(',')}]` : ''}${d.delete ? ' delete' : ''}${d.heldBy.length > 0 ? ` held by ${d.heldBy.join(',')}` : ''}`,
  );

describe("nextDeletes: a deleted Cluster's objects, in CAPI's order", () => {
  it.each<[string, Descendants, string[]]>([
    [
      'descendants first, lifting the workflow finalizers from what it left',
      all,
      [
        'MachineHealthCheck demo-workers: delete',
        'MachineDeployment demo-md-0: delete',
        'MachineSet demo-md-0-7f9c2: lift → [] delete',
        'Machine demo-cp-0: lift → [] delete',
        'ProxmoxMachine demo-cp-0: lift → [] delete',
      ],
    ],
    [
      'the control plane once the descendants are gone',
      { ...none, controlPlane: all.controlPlane, infrastructure: all.infrastructure },
      ['TalosControlPlane demo-control-plane: delete'],
    ],
    ['the infrastructure cluster last', { ...none, infrastructure: all.infrastructure }, ['ProxmoxCluster demo: delete']],
    ['nothing when nothing is left', none, []],
    [
      "an object being deleted: only our finalizer lifted; another's holds it",
      {
        ...none,
        machines: [
          object('demo-md-0-x', {
            deletionTimestamp: '2025-01-01T00:00:00Z',
            finalizers: ['machine.cluster.x-k8s.io', 'example.com/backup'],
          }),
        ],
        controlPlane: all.controlPlane,
      },
      ['Machine demo-md-0-x: lift → [example.com/backup] held by example.com/backup'],
    ],
  ])('%s', (_what, left, expected) => {
    expect(described(left)).toEqual(expected);
  });

  it("lifts nothing it is not given: without a workflow that ran the delete, the workflow's finalizers hold", () => {
    const machine = all.machines[0];
    if (!machine) throw new Error('no machine');
    expect(nextDeletes({ ...none, machines: [machine] }, [])).toEqual([
      { kind: 'Machine', object: machine, delete: true, heldBy: ['machine.cluster.x-k8s.io'] },
    ]);
  });
});
