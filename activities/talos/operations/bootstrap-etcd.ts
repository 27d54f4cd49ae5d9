import { status } from '@grpc/grpc-js';
import { ErrorType } from '../../../api/errors.ts';
import { failure } from '../../failure.ts';
import { classifyTalosError } from '../machine-api/classify-talos-error.ts';
import type { TalosCredentials } from '../machine-api/credentials.ts';
import { singleNode } from '../machine-api/node-replies.ts';
import { hasCode } from '../machine-api/talos-call-error.ts';
import { activityCallOptions, clusterCredentials, withClient, type TalosActivityDeps } from './talos-session.ts';
import type { ClusterRef } from '../../../api/cluster-ref.ts';
import { secretsBundleSecret } from '../../../api/cluster-secrets.ts';
import { InventoryAnnotation } from '../../../api/inventory.ts';
import { untilReady } from './until-ready.ts';

/** The cluster and the addresses of every control-plane node that exists so far. */
export interface BootstrapEtcdInput {
  readonly cluster: ClusterRef;
  readonly controlPlaneAddresses: readonly string[];
}

/** Which node holds the bootstrapped etcd, and whether this call did it. */
export interface BootstrapEtcdResult {
  readonly outcome: 'bootstrapped' | 'already-bootstrapped';
  readonly node: string;
}

/**
 * Bootstraps etcd exactly once per cluster. Bootstrap on a control-plane node that has not
 * joined yet would found a second, separate etcd cluster, so (like the Talos CAPI control-plane
 * provider) it first asks every control-plane node for etcd members and stops if any has some;
 * then it always picks the lexically first address, so a retry after a lost reply reaches the
 * same node, which answers AlreadyExists ("etcd data directory is not empty"): success.
 */
export async function bootstrapEtcd(deps: TalosActivityDeps, input: BootstrapEtcdInput): Promise<BootstrapEtcdResult> {
  const addresses = [...new Set(input.controlPlaneAddresses)].sort();
  const target = addresses[0];
  if (target === undefined) throw failure(ErrorType.TalosInvalidConfig, 'bootstrap needs at least one control-plane address');
  const credentials = await clusterCredentials(deps.secrets, input.cluster);
  const running = await nodeWithEtcdMembers(addresses, credentials);
  if (running) return recorded(deps, input.cluster, { outcome: 'already-bootstrapped', node: running });
  try {
    // Right after apid answers, Talos refuses until its services are up ("bootstrap is not available yet").
    await untilReady(
      `${target} to accept the bootstrap`,
      () =>
        withClient(target, credentials, async (client) =>
          singleNode('machine.MachineService/Bootstrap', await client.bootstrap(undefined, activityCallOptions())),
        ),
      (error) => hasCode(error, status.FAILED_PRECONDITION) && /not available yet/i.test((error as Error).message),
      deps.pollMs ?? 2_000,
    );
  } catch (error) {
    if (hasCode(error, status.ALREADY_EXISTS)) return recorded(deps, input.cluster, { outcome: 'already-bootstrapped', node: target });
    throw classifyTalosError(error, `bootstrapping etcd on ${target}`);
  }
  return recorded(deps, input.cluster, { outcome: 'bootstrapped', node: target });
}

/**
 * Records on the cluster's Talos secrets Secret that etcd was bootstrapped (the first time is kept):
 * the durable fact an observation reads, so a cluster whose control planes are all down is still
 * known as initialized and is never bootstrapped a second time.
 */
async function recorded(deps: TalosActivityDeps, cluster: ClusterRef, result: BootstrapEtcdResult): Promise<BootstrapEtcdResult> {
  const bundle = secretsBundleSecret(cluster);
  await deps.secrets.annotateOnce(bundle.namespace, bundle.name, InventoryAnnotation.etcdBootstrapped, new Date().toISOString());
  return result;
}

// Nodes whose etcd is not running yet fail the call; only a positive answer is evidence.
async function nodeWithEtcdMembers(addresses: readonly string[], credentials: TalosCredentials): Promise<string | undefined> {
  const answers = await Promise.all(
    addresses.map(async (address) => {
      try {
        const reply = await withClient(address, credentials, async (client) =>
          singleNode('machine.MachineService/EtcdMemberList', await client.etcdMemberList(undefined, activityCallOptions(10_000))),
        );
        return reply.members.length > 0 ? address : undefined;
      } catch {
        return undefined;
      }
    }),
  );
  return answers.find((address) => address !== undefined);
}
