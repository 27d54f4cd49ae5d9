import { ApplicationFailure, executeChild, ParentClosePolicy, upsertSearchAttributes } from '@temporalio/workflow';
import { DesiredCluster, type DesiredClusterInput } from '../api/desired-cluster.ts';
import { ErrorType } from '../api/errors.ts';
import { machineWorkflowId } from '../api/ids.ts';
import type { CreatedMachine } from '../api/machine-operations.ts';
import { CapstanCluster, CapstanOperation } from '../api/search-attributes.ts';
import { calls } from './activity-profiles.ts';
import { createMachineWorkflow } from './create-machine-workflow.ts';
import { createMachineInput, type MachineToCreate } from './machine-inputs.ts';
import { OperationAborted, OperationRunner } from './operation/operation-runner.ts';
import { newMachineName } from './operation/operation-scope.ts';
import { provisionSteps, refuseDesiredVersions } from '../plan/lifecycle-steps.ts';
import { clusterKey } from '../api/cluster-ref.ts';

/** Workers of one MachineDeployment built at once: enough to be quick, few enough for Proxmox. */
const workerConcurrency = 3;

/** A provisioned cluster: its endpoint and machines. */
export interface ProvisionResult {
  readonly endpoint: string;
  readonly machines: readonly (CreatedMachine & Pick<MachineToCreate, 'role' | 'deployment'>)[];
  /** Set when an operator aborted the provisioning: their reason. */
  readonly aborted?: string;
  /** Machines whose creation had started but not finished at the abort: their VMs may exist. */
  readonly unfinished?: readonly Omit<MachineToCreate, 'bootstrap'>[];
}

/** Who watches a provisioning run. */
export interface ProvisionOptions {
  /** The cluster workflow that shows this run in its progress query. */
  readonly reportTo?: string;
}

/**
 * Builds a cluster from nothing: secrets and endpoint → first control plane (bootstraps etcd,
 * kubeconfig into its Secret) → the other control planes one by one → workers, a few at a time.
 * Each machine is a child workflow, so its own steps show (and block) in the UI.
 */
export async function provisionWorkflow(input: DesiredClusterInput, options: ProvisionOptions = {}): Promise<ProvisionResult> {
  const parsed = DesiredCluster.safeParse(input);
  if (!parsed.success) throw invalid(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const desired = parsed.data;
  const refusal = refuseDesiredVersions(desired);
  if (refusal) throw invalid(refusal);
  const cluster = { namespace: desired.namespace, name: desired.name };
  upsertSearchAttributes([
    { key: CapstanCluster, value: clusterKey({ namespace: desired.namespace, name: desired.name }) },
    { key: CapstanOperation, value: 'provision' },
  ]);
  const steps = provisionSteps(desired);
  const run = new OperationRunner(
    'provision',
    `provision ${clusterKey({ namespace: desired.namespace, name: desired.name })} ${desired.kubernetesVersion}`,
    steps,
    { reportTo: options.reportTo },
  );
  const reportTo = options.reportTo === undefined ? {} : { reportTo: options.reportTo };
  // What is built so far, kept outside the steps so that an abort can hand it back.
  const built: {
    endpoint: string;
    machines: ProvisionResult['machines'][number][];
    unfinished: Map<string, Omit<MachineToCreate, 'bootstrap'>>;
  } = {
    endpoint: '',
    machines: [],
    unfinished: new Map(),
  };
  const [reserve, firstControlPlane, storeSecrets, ...rest] = steps;
  try {
    built.endpoint = await run.step(reserve ?? 'reserve', async () => {
      await calls.talosEnsureClusterSecrets(cluster);
      const request = {
        namespace: desired.namespace,
        cluster: desired.name,
        poolName: desired.network.poolName,
        pool: desired.network.ipv4Pool,
        owner: `${desired.name}-control-plane-endpoint`,
      };
      const fixed = desired.network.controlPlaneEndpoint?.host;
      const address = fixed ? await calls.ipamReserve(request, fixed) : await calls.ipamAllocate(request);
      await calls.talosWriteTalosconfig(cluster, [address.ip]);
      return address.ip;
    });

    const build = async (machine: MachineToCreate) => {
      built.unfinished.set(machine.name, {
        name: machine.name,
        role: machine.role,
        ...(machine.deployment ? { deployment: machine.deployment } : {}),
      });
      const created = await executeChild(createMachineWorkflow, {
        workflowId: machineWorkflowId(desired.namespace, desired.name, machine.name, 'create'),
        args: [{ ...createMachineInput(desired, machine, built.endpoint), ...reportTo }],
        parentClosePolicy: ParentClosePolicy.TERMINATE,
      });
      built.unfinished.delete(machine.name);
      const result = { ...created, role: machine.role, ...(machine.deployment ? { deployment: machine.deployment } : {}) };
      built.machines.push(result);
      return result;
    };
    const name = (group: string) => newMachineName(desired, group);

    // Names are drawn once, before any step: a retried step must build the same machine again.
    const controlPlaneNames = Array.from({ length: desired.controlPlane.replicas }, () => name('cp'));
    await run.step(firstControlPlane ?? 'first', () =>
      build({ name: controlPlaneNames[0] ?? name('cp'), role: 'control-plane', bootstrap: true }),
    );
    await run.step(storeSecrets ?? 'secrets', () =>
      calls.talosWriteTalosconfig(
        cluster,
        built.machines.map((m) => m.address.ip),
      ),
    );
    for (let n = 2; n <= desired.controlPlane.replicas; n += 1) {
      // Each new control plane joins the talosconfig's endpoints as soon as it is up.
      await run.step(rest.shift() ?? `control plane ${n}`, async () => {
        await build({ name: controlPlaneNames[n - 1] ?? name('cp'), role: 'control-plane', bootstrap: false });
        await calls.talosWriteTalosconfig(
          cluster,
          built.machines.map((m) => m.address.ip),
        );
      });
    }
    for (const md of desired.machineDeployments.filter((d) => d.replicas > 0)) {
      const workers = Array.from({ length: md.replicas }, () => ({
        name: name(md.name),
        role: 'worker' as const,
        deployment: md.name,
        bootstrap: false,
      }));
      await run.step(rest.shift() ?? md.name, () => inBatches(workers, workerConcurrency, build));
    }
    await run.step(rest.shift() ?? 'ready', () => Promise.resolve()); // every child returned only once its node was Ready
  } catch (error) {
    if (!(error instanceof OperationAborted)) throw error;
    return { endpoint: built.endpoint, machines: built.machines, aborted: error.reason, unfinished: [...built.unfinished.values()] };
  }
  run.succeed();
  return { endpoint: built.endpoint, machines: built.machines };
}

async function inBatches<T, R>(items: readonly T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += size) results.push(...(await Promise.all(items.slice(i, i + size).map(work))));
  return results;
}

function invalid(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: ErrorType.InvalidDesiredCluster, message: `cannot provision: ${message}`, nonRetryable: true });
}
