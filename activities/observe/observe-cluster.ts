// One observation of a cluster: the inventory in the management cluster next to what Proxmox,
// Talos, etcd and the workload cluster answer now. Every plan starts from one. The observer also
// records what it saw on the Machines, ProxmoxMachines and MachineSets (only what changed), so
// `kubectl get machines` shows reality within one interval.
import { CoreV1Api, type KubeConfig, type V1Secret } from '@kubernetes/client-node';
import { Context } from '@temporalio/activity';
import { clusterNameLabel, controlPlaneLabel, deploymentNameLabel } from '../../api/capi/annotations.ts';
import { machineSetNameLabel } from '../../api/capi/machine-set.ts';
import { clusterKey, type ClusterRef } from '../../api/cluster-ref.ts';
import { kubeconfigSecret, machineConfigSecret, secretsBundleSecret, talosconfigSecret } from '../../api/cluster-secrets.ts';
import { InventoryAnnotation } from '../../api/inventory.ts';
import type {
  ClusterObservation,
  EtcdMemberObservation,
  EtcdServiceObservation,
  MachineObservation,
  ObserveClusterInput,
} from '../../api/observation.ts';
import type { StaticAddress } from '../../api/proxmox.ts';
import { isNotFound } from '../../runtime/kubernetes-api-errors.ts';
import { machineConditions, stampConditions } from '../../plan/machine-conditions.ts';
import type { KubeObject, ObjectStore } from '../inventory/objects.ts';
import { classifyKubernetesError } from '../kubernetes/kubernetes-errors.ts';
import type { ProxmoxClients } from '../proxmox/proxmox-clients.ts';
import type { TalosCredentials } from '../talos/machine-api/credentials.ts';
import { parseTalosconfig } from '../talos/machine-api/talosconfig-credentials.ts';
import { readClusterVms } from './cluster-vms.ts';
import {
  applyBody,
  conditionsOf,
  machineSetStatus,
  machineStatus,
  observedMachineConditionTypes,
  observedProxmoxMachineConditionTypes,
  proxmoxMachineStatus,
  showsAlready,
  type OwnedStatus,
} from './observed-status.ts';
import { listEtcdMembers, probeEtcdMember, probeEtcdService, probeVersion, shortProblem, type TalosAnswer } from './talos-probes.ts';
import { nodeObservation, readWorkloadNodes } from './workload-nodes.ts';
import { endpointClaimName } from '../../api/ipam.ts';

/** What the observer talks to, and how patient it is with what may not answer. */
export interface ObserverDeps {
  /** The cluster's Proxmox: its credentials Secret's, or the worker's own. */
  readonly proxmox: ProxmoxClients;
  readonly managementCluster: KubeConfig;
  /** Per Talos call (default 3 s): a node that takes longer counts as not answering. */
  readonly talosTimeoutMs?: number;
  /** For the workload cluster's Node list (default 5 s). */
  readonly kubernetesTimeoutMs?: number;
  /** Talos calls in flight at once (default 4). */
  readonly concurrency?: number;
}

/** The owner name of the cluster's control-plane endpoint address in IPAM. */
export function endpointOwner(cluster: ClusterRef): string {
  return endpointClaimName(cluster.name);
}

interface ClusterSecrets {
  readonly etcdBootstrapped: boolean;
  readonly talosconfig?: string;
  readonly kubeconfig?: string;
  readonly bootstrapData: ReadonlySet<string>;
}

/** Observes the cluster (heartbeating while it works) and records what it saw; see the file comment. */
export async function observeCluster(deps: ObserverDeps, store: ObjectStore, input: ObserveClusterInput): Promise<ClusterObservation> {
  const cluster: ClusterRef = { namespace: input.namespace, name: input.name };
  const context = Context.current();
  const beat = (step: string) => {
    context.heartbeat({ step });
  };
  const at = new Date().toISOString();
  const { namespace } = cluster;
  const selector = `${clusterNameLabel}=${cluster.name}`;
  const core = deps.managementCluster.makeApiClient(CoreV1Api);

  beat('reading the inventory');
  const [machines, proxmoxMachines, sets, ipAddresses, secrets] = await Promise.all([
    store.list('Machine', namespace, selector),
    store.list('ProxmoxMachine', namespace, selector),
    store.list('MachineSet', namespace, selector),
    store.list('IPAddress', namespace, selector),
    readSecrets(core, cluster),
  ]);
  const pmByName = new Map(proxmoxMachines.map((pm) => [pm.metadata.name, pm]));
  const addresses = await addressesByOwner(store, namespace, ipAddresses);

  beat('reading Proxmox');
  const claims = machines.map((m) => {
    const vmid = pmByName.get(m.metadata.name)?.spec?.['virtualMachineID'];
    return { name: m.metadata.name, ...(typeof vmid === 'number' ? { recordedVmid: vmid } : {}) };
  });
  const proxmox = await deps.proxmox.forCluster(input.proxmoxCredentials);
  const vms = await readClusterVms(proxmox, clusterKey(cluster), claims);

  beat('asking Talos');
  const options = { deadlineMs: deps.talosTimeoutMs ?? 3000, signal: context.cancellationSignal };
  let credentials: TalosCredentials | undefined;
  let credentialsProblem = 'the cluster has no talosconfig yet';
  if (secrets.talosconfig !== undefined) {
    try {
      credentials = parseTalosconfig(secrets.talosconfig).credentials;
    } catch (error) {
      credentialsProblem = `its talosconfig is unusable: ${shortProblem(error)}`;
    }
  }
  const talos = new Map<string, TalosAnswer>();
  await forEachLimited(machines, deps.concurrency ?? 4, async (m) => {
    const name = m.metadata.name;
    const address = addresses.get(name);
    if (!address) return;
    const vm = vms.byMachine.get(name);
    if (!vm) talos.set(name, { reachable: false, problem: 'the machine has no VM' });
    else if (vm.status !== 'running' && vm.status !== 'unknown') talos.set(name, { reachable: false, problem: `its VM is ${vm.status}` });
    else if (!credentials) talos.set(name, { reachable: false, problem: credentialsProblem });
    else talos.set(name, await probeVersion(address.ip, credentials, options));
  });

  beat('asking etcd');
  const answering = machines
    .filter((m) => m.metadata.labels?.[controlPlaneLabel] !== undefined && talos.get(m.metadata.name)?.reachable)
    .map((m) => m.metadata.name)
    .sort();
  const members = credentials
    ? await listEtcdMembers(
        answering.map((name) => addresses.get(name)?.ip ?? ''),
        credentials,
        options,
      )
    : undefined;
  const etcd = new Map<string, EtcdMemberObservation>();
  if (members && credentials) {
    const creds = credentials;
    await forEachLimited(members, deps.concurrency ?? 4, async (member) => {
      const address = addresses.get(member.name);
      const answer = talos.get(member.name);
      if (!machines.some((m) => m.metadata.name === member.name)) return;
      if (address && answer?.reachable) etcd.set(member.name, await probeEtcdMember(member, address.ip, creds, options));
      else {
        const problem = answer && !answer.reachable ? answer.problem : 'its node has no address';
        etcd.set(member.name, { id: member.id, learner: member.learner, healthy: false, problem });
      }
    });
  }

  // No member list at all: what each control plane's etcd service says tells a passing outage from data gone everywhere.
  const etcdServices: EtcdServiceObservation[] = [];
  if (members === undefined && credentials) {
    const creds = credentials;
    await forEachLimited(answering, deps.concurrency ?? 4, async (name) => {
      const service = await probeEtcdService(name, addresses.get(name)?.ip ?? '', creds, options);
      if (service) etcdServices.push(service);
    });
    etcdServices.sort((a, b) => a.machine.localeCompare(b.machine));
  }

  beat('asking the workload cluster');
  const workload = await readWorkloadNodes(secrets.kubeconfig, deps.kubernetesTimeoutMs ?? 5000);
  const nodes = workload.api === 'reachable' ? workload.nodes : undefined;
  const etcdMembersKnown = members !== undefined;

  beat('recording what was seen');
  const observed: MachineObservation[] = [];
  for (const m of machines) {
    const name = m.metadata.name;
    const pm = pmByName.get(name);
    const node = nodes?.get(name);
    const bootstrapReady = secrets.bootstrapData.has(machineConfigSecret(namespace, name).name) || talos.get(name)?.reachable === true;
    const base = machineObservation(m, pm, {
      vm: vms.byMachine.get(name),
      address: addresses.get(name),
      talos: talos.get(name),
      etcd: etcd.get(name),
      node: node ? nodeObservation(node) : undefined,
    });
    const conditions = machineConditions(base, { kubernetesApi: workload.api, etcdMembersKnown, bootstrapDataExists: bootstrapReady });
    const stamped = stampConditions(conditions, conditionsOf(m), at);
    const since = stamped.find((c) => c.type === 'InfrastructureReady' && c.status === 'True')?.lastTransitionTime;
    const observation = since === undefined ? base : { ...base, infrastructureReadySince: since };
    observed.push(observation);
    await writeIfChanged(
      store,
      'Machine',
      m,
      machineStatus(observation, m, { ...(node ? { node } : {}), bootstrapReady, conditions, now: at }),
      observedMachineConditionTypes,
      at,
    );
    if (pm)
      await writeIfChanged(
        store,
        'ProxmoxMachine',
        pm,
        proxmoxMachineStatus(observation, bootstrapReady),
        observedProxmoxMachineConditionTypes,
        at,
      );
  }
  for (const set of sets) {
    await writeIfChanged(store, 'MachineSet', set, machineSetStatus(set, observed, workload.api === 'reachable', Date.parse(at)), [], at);
  }

  const endpoint = addresses.get(endpointOwner(cluster));
  return {
    at,
    machines: observed,
    strayVms: vms.strays,
    ...(members ? { etcdMembers: members } : {}),
    ...(etcdServices.length > 0 ? { etcdServices } : {}),
    controlPlaneInitialized: secrets.etcdBootstrapped || (members !== undefined && members.length > 0),
    ...(endpoint ? { controlPlaneEndpoint: endpoint.ip } : {}),
    kubernetesApi: workload.api,
  };
}

/** One Machine's observation from its objects and what each system answered. */
function machineObservation(
  machine: KubeObject,
  pm: KubeObject | undefined,
  seen: Pick<MachineObservation, 'vm' | 'address' | 'talos' | 'etcd' | 'node'>,
): MachineObservation {
  const labels = machine.metadata.labels ?? {};
  const annotations = machine.metadata.annotations ?? {};
  const providerID = str(machine.spec?.['providerID']) ?? str(pm?.spec?.['providerID']);
  const deployment = labels[deploymentNameLabel];
  const machineSet = labels[machineSetNameLabel];
  return {
    name: machine.metadata.name,
    role: labels[controlPlaneLabel] !== undefined ? 'control-plane' : 'worker',
    ...(deployment === undefined ? {} : { deployment }),
    ...(machineSet === undefined ? {} : { machineSet }),
    labels: { ...labels },
    createdAt: machine.metadata.creationTimestamp ?? '',
    deleting: machine.metadata.deletionTimestamp !== undefined,
    bootstrap: annotations[InventoryAnnotation.bootstrapsEtcd] === 'true',
    intent: {
      kubernetesVersion: str(machine.spec?.['version']) ?? '',
      talosVersion: annotations[InventoryAnnotation.talosVersion] ?? '',
      shapeHash: annotations[InventoryAnnotation.shapeHash] ?? '',
    },
    ...(providerID === undefined ? {} : { providerID }),
    ...(seen.vm ? { vm: seen.vm } : {}),
    ...(seen.address ? { address: seen.address } : {}),
    ...(seen.talos ? { talos: seen.talos } : {}),
    ...(seen.node ? { node: seen.node } : {}),
    hadNode: machine.status?.['nodeRef'] !== undefined || seen.node !== undefined,
    ...(seen.etcd ? { etcd: seen.etcd } : {}),
  };
}

const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

// Compare first: an idle cluster causes no writes.
async function writeIfChanged(
  store: ObjectStore,
  kind: 'Machine' | 'ProxmoxMachine' | 'MachineSet',
  object: KubeObject,
  owned: OwnedStatus,
  conditionTypes: readonly string[],
  now: string,
): Promise<void> {
  if (showsAlready(object, owned, conditionTypes)) return;
  await store.applyStatus(kind, object.metadata.namespace ?? '', object.metadata.name, applyBody(object, owned, now));
}

/** IPAM's addresses by owner (claim name), with the DNS servers of the pool's ProxmoxCluster. */
async function addressesByOwner(store: ObjectStore, namespace: string, items: readonly KubeObject[]): Promise<Map<string, StaticAddress>> {
  const dnsByPool = new Map<string, string[]>();
  const result = new Map<string, StaticAddress>();
  for (const item of items) {
    const spec = item.spec as {
      address?: string;
      prefix?: number;
      gateway?: string;
      claimRef?: { name?: string };
      poolRef?: { name?: string };
    };
    const owner = spec.claimRef?.name;
    if (!owner || !spec.address || spec.prefix === undefined) continue;
    const pool = spec.poolRef?.name ?? '';
    if (!dnsByPool.has(pool)) {
      const proxmoxCluster = pool ? await store.get('ProxmoxCluster', namespace, pool) : undefined;
      const dns = proxmoxCluster?.spec?.['dnsServers'];
      dnsByPool.set(pool, Array.isArray(dns) ? dns.filter((d): d is string => typeof d === 'string') : []);
    }
    result.set(owner, {
      ip: spec.address,
      prefix: spec.prefix,
      ...(spec.gateway ? { gateway: spec.gateway } : {}),
      dns: dnsByPool.get(pool) ?? [],
    });
  }
  return result;
}

/** The cluster's Secrets as the observation needs them: one list, named reads only for ones not labelled. */
async function readSecrets(core: CoreV1Api, cluster: ClusterRef): Promise<ClusterSecrets> {
  const { namespace } = cluster;
  const doing = `reading the Secrets of cluster ${clusterKey(cluster)}`;
  let listed: V1Secret[];
  try {
    listed = (await core.listNamespacedSecret({ namespace, labelSelector: `${clusterNameLabel}=${cluster.name}` })).items;
  } catch (error) {
    throw classifyKubernetesError(error, doing);
  }
  const byName = new Map(listed.map((s) => [s.metadata?.name ?? '', s]));
  const named = async (name: string): Promise<V1Secret | undefined> => {
    const found = byName.get(name);
    if (found) return found;
    try {
      return await core.readNamespacedSecret({ namespace, name });
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw classifyKubernetesError(error, doing);
    }
  };
  const decode = (secret: V1Secret | undefined, key: string): string | undefined => {
    const value = secret?.data?.[key];
    return value === undefined ? undefined : Buffer.from(value, 'base64').toString('utf8');
  };
  const bundle = await named(secretsBundleSecret(cluster).name);
  const talosconfig = talosconfigSecret(cluster);
  const kubeconfig = kubeconfigSecret(cluster);
  const talosconfigText = decode(await named(talosconfig.name), talosconfig.key);
  const kubeconfigText = decode(await named(kubeconfig.name), kubeconfig.key);
  return {
    etcdBootstrapped: bundle?.metadata?.annotations?.[InventoryAnnotation.etcdBootstrapped] !== undefined,
    ...(talosconfigText === undefined ? {} : { talosconfig: talosconfigText }),
    ...(kubeconfigText === undefined ? {} : { kubeconfig: kubeconfigText }),
    bootstrapData: new Set(listed.map((s) => s.metadata?.name ?? '').filter((n) => n.endsWith('-bootstrap-data'))),
  };
}

/** Runs `work` over the items, at most `limit` at once. */
async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next];
      next += 1;
      if (item !== undefined) await work(item);
    }
  });
  await Promise.all(lanes);
}
