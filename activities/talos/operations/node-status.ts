import { classifiedTalos } from '../machine-api/classify-talos-error.ts';
import { singleNode } from '../machine-api/node-replies.ts';
import { activityCallOptions, clusterCredentials, withClient, type TalosActivityDeps, type TalosNodeRef } from './talos-session.ts';
import { readVersion, type TalosNodeVersion } from './wait-for-apid.ts';

/** A Talos service's state as readiness checks read it (`etcd` Running + healthy, ...). */
export interface TalosServiceStatus {
  readonly id: string;
  readonly state: string;
  readonly healthy: boolean;
}

/** The Talos version the node runs. */
export async function nodeVersion(deps: TalosActivityDeps, input: TalosNodeRef): Promise<TalosNodeVersion> {
  const credentials = await clusterCredentials(deps.secrets, input.cluster);
  return classifiedTalos(`reading the Talos version of ${input.address}`, () => readVersion(input.address, credentials));
}

/** The node's services with state and health. */
export async function nodeServices(deps: TalosActivityDeps, input: TalosNodeRef): Promise<TalosServiceStatus[]> {
  const credentials = await clusterCredentials(deps.secrets, input.cluster);
  const reply = await classifiedTalos(`listing services of ${input.address}`, () =>
    withClient(input.address, credentials, async (client) =>
      singleNode('machine.MachineService/ServiceList', await client.serviceList(undefined, activityCallOptions())),
    ),
  );
  return reply.services.map((service) => ({ id: service.id, state: service.state, healthy: service.health?.healthy ?? false }));
}
