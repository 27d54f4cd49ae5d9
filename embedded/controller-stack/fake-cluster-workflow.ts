// A stand-in for the cluster workflow, registered under the same name ('clusterWorkflow') so the
// controller's tests need no simulators: it records every signal, answers `clusterProgress` as if
// the desired state were reached at once (every machine Ready, control plane and workers
// available, each health check content), lets a test script progress, and holds a delete until
// the test lets it finish. Like the real one, it writes no objects the controller would read.
import { condition, defineQuery, defineSignal, setHandler } from '@temporalio/workflow';
import {
  clusterProgressQuery,
  deleteClusterSignal,
  desiredClusterSignal,
  type ClusterProgress,
  type MachineProgress,
} from '../../api/cluster-messages.ts';
import type { DesiredClusterInput } from '../../api/desired-cluster.ts';
import type { ClusterWorkflowState } from '../../api/cluster-workflow-state.ts';

/** Everything the fake received. */
export interface FakeReceived {
  readonly desired: DesiredClusterInput[];
  deletes: number;
}
export const fakeReceivedQuery = defineQuery<FakeReceived>('fakeReceived');

/** Replaces the scripted part of the progress (fields given win over the computed ones); null goes back to computed. */
export const fakeProgressSignal = defineSignal<[override: Partial<ClusterProgress> | null]>('fakeProgress');

/** Lets a held delete finish: the workflow then returns `{deleted: true}`. */
export const fakeFinishDeleteSignal = defineSignal('fakeFinishDelete');

/** The machines a desired state has once reached: `<cluster>-cp-<i>` and `<cluster>-<md>-<i>`, all Ready. */
export function scriptedMachines(desired: DesiredClusterInput): MachineProgress[] {
  const machine = (name: string, role: MachineProgress['role'], index: number, deployment?: string, version?: string): MachineProgress => ({
    name,
    role,
    phase: 'Running',
    ready: true,
    kubernetesVersion: version ?? desired.kubernetesVersion,
    talosVersion: desired.talosVersion,
    address: `10.0.${role === 'control-plane' ? 0 : 1}.${index + 10}`,
    ...(deployment ? { deployment } : {}),
    conditions: [{ type: 'Ready', status: 'True', reason: 'Ready' }],
  });
  const controlPlanes = Array.from({ length: desired.controlPlane.replicas }, (_, i) =>
    machine(`${desired.name}-cp-${i}`, 'control-plane', i),
  );
  let index = 0;
  const workers = (desired.machineDeployments ?? []).flatMap((md) =>
    Array.from({ length: md.replicas }, (_, i) =>
      machine(`${desired.name}-${md.name}-${i}`, 'worker', index++, md.name, md.kubernetesVersion),
    ),
  );
  return [...controlPlanes, ...workers];
}

/** The fake cluster workflow (see the file comment). */
export async function clusterWorkflow(input: ClusterWorkflowState): Promise<{ readonly deleted: boolean }> {
  const received: FakeReceived = { desired: [], deletes: 0 };
  let override: Partial<ClusterProgress> | null = null;
  let finish = false;
  setHandler(desiredClusterSignal, (desired) => {
    received.desired.push(desired);
  });
  setHandler(deleteClusterSignal, () => {
    received.deletes += 1;
  });
  setHandler(fakeProgressSignal, (next) => {
    override = next;
  });
  setHandler(fakeFinishDeleteSignal, () => {
    finish = true;
  });
  setHandler(fakeReceivedQuery, () => received);
  setHandler(clusterProgressQuery, (): ClusterProgress => {
    const desired = received.desired.at(-1);
    const deleting = received.deletes > 0;
    const base: ClusterProgress = {
      cluster: `${input.namespace}/${input.name}`,
      phase: deleting ? 'Running' : 'Idle',
      ...(desired ? { generation: desired.generation } : {}),
      ...(deleting
        ? {
            operation: {
              workflowId: `cluster/${input.namespace}/${input.name}/delete/2`,
              kind: 'delete',
              summary: `delete ${input.name}`,
              step: 1,
              steps: 4,
              currentStep: 'delete workers',
            },
          }
        : {}),
      blocked: [],
      bootstrapped: desired !== undefined,
      machines: desired ? scriptedMachines(desired) : [],
      deleteRequested: deleting,
      operations: (desired ? 1 : 0) + (deleting ? 1 : 0),
      recent: desired ? [{ kind: 'provision', summary: `provision ${input.name}`, outcome: 'Succeeded' }] : [],
      ...(desired
        ? {
            observedAt: '2025-01-01T00:00:00.000Z',
            availability: {
              controlPlane: { available: true, reason: 'EtcdQuorumHealthy', message: 'every etcd member is healthy' },
              workers: { available: true, reason: 'EnoughReadyWorkers', message: 'every MachineDeployment is within maxUnavailable' },
            },
            healthChecks: (desired.healthChecks ?? []).map((check) => ({
              name: check.name,
              expectedMachines: 0,
              currentHealthy: 0,
              remediationAllowed: true,
              unhealthy: [],
            })),
          }
        : {}),
    };
    return { ...base, ...(override ?? {}) };
  });
  await condition(() => received.deletes > 0 && finish);
  return { deleted: true };
}
