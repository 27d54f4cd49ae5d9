import { ApiException, type CustomObjectsApi } from '@kubernetes/client-node';
import { ErrorType } from '../../api/errors.ts';
import { ipamGroup, ipamVersion, Ipv4PoolSpec, type IpAddressSpec, type Ipv4PoolSpecInput } from '../../api/ipam.ts';
import type { StaticAddress } from '../../api/proxmox.ts';
import { failure } from '../failure.ts';
import { expandPool } from './ipv4-pool.ts';
import { formatIpv4, parseIpv4 } from '../../api/ipv4.ts';

/** Who asks for an address, from which pool. */
export interface IpRequest {
  readonly namespace: string;
  /** The cluster's name (label `cluster.x-k8s.io/cluster-name`). */
  readonly cluster: string;
  /** The ProxmoxCluster whose `ipv4Config` is the pool. */
  readonly poolName: string;
  readonly pool: Ipv4PoolSpecInput;
  /** The claim's name: a machine's name, or `<cluster>-control-plane-endpoint`. */
  readonly owner: string;
}

interface KubeObject<Spec = unknown> {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string; creationTimestamp?: string; labels?: Record<string, string> };
  spec?: Spec;
  status?: { addressRef?: { name: string } };
}

const claimLabel = 'ipam.capstan.dev/claim';
const clusterLabel = 'cluster.x-k8s.io/cluster-name';
const common = { group: ipamGroup, version: ipamVersion } as const;

/**
 * Hands out pool addresses as IPAddressClaim/IPAddress objects in the management cluster. An
 * IPAddress is named after its address, so the apiserver refuses a second owner of one address
 * in a namespace however many workers allocate at once; across namespaces, an address held in
 * another namespace is never offered, and of two created at the same moment the younger one
 * gives way (see `firstHolder`). A claim binds to one address with an optimistic
 * (resourceVersion) update, so concurrent allocations for one owner agree on one address.
 */
export class IpAllocator {
  constructor(private readonly api: CustomObjectsApi) {}

  /** The owner's address: the one it already holds, or the lowest free one of the pool. */
  async allocate(request: IpRequest): Promise<StaticAddress> {
    const pool = Ipv4PoolSpec.parse(request.pool);
    const candidates = expandPool(pool);
    for (;;) {
      const claim = await this.getOrCreateClaim(request);
      const held = await this.heldAddress(request, claim);
      if (held) {
        const bound = await this.bind(request, claim, held, pool);
        if (bound) return bound;
        continue;
      }
      const taken = new Set((await this.listAddressesEverywhere()).map((a) => parseIpv4(a.spec?.address ?? '')));
      const free = candidates.filter((c) => !taken.has(c));
      const created = await this.createFirstFree(request, pool, free);
      if (created && !(await this.keepsAgainstOtherNamespaces(request, created))) continue;
      if (!created) {
        throw failure(
          ErrorType.IpPoolExhausted,
          `IP pool ${request.namespace}/${request.poolName} is exhausted: all ${candidates.length} addresses are in use ` +
            `(${request.owner} waits; it gets an address as soon as a machine releases one, or widen ipv4Config.addresses)`,
        );
      }
      const bound = await this.bind(request, claim, created, pool);
      if (bound) return bound;
    }
  }

  /** Holds one fixed address (e.g. a control-plane endpoint) for the owner; fails if another owner has it. */
  async reserve(request: IpRequest, address: string): Promise<StaticAddress> {
    const pool = Ipv4PoolSpec.parse(request.pool);
    const numeric = parseIpv4(address);
    if (numeric === undefined) throw failure(ErrorType.InvalidIpPool, `"${address}" is not an IPv4 address`);
    for (;;) {
      const claim = await this.getOrCreateClaim(request);
      const holders = await this.holdersOf(numeric);
      const mine = holders.find((h) => h.metadata?.namespace === request.namespace && h.spec?.claimRef.name === request.owner);
      const first = firstHolder(holders);
      if (first !== undefined && first !== mine) {
        const where = first.metadata?.namespace === request.namespace ? '' : ` in namespace ${first.metadata?.namespace ?? '?'}`;
        throw failure(
          ErrorType.IpAddressConflict,
          `${address} is already assigned to ${first.spec?.claimRef.name ?? 'another owner'}${where}; ${request.owner} cannot use it`,
        );
      }
      const created = mine ?? (await this.createFirstFree(request, pool, [numeric]));
      if (!created) continue; // taken between our read and our create: look at who took it
      if (!(await this.keepsAgainstOtherNamespaces(request, created))) continue; // the next look names the holder
      const bound = await this.bind(request, claim, created, pool);
      if (bound) return bound;
    }
  }

  /** Frees everything the owner holds; true when something was freed. */
  async release(namespace: string, owner: string): Promise<boolean> {
    const held = await this.listAddresses(namespace, `${claimLabel}=${owner}`);
    for (const address of held) await this.deleteIfExists(namespace, 'ipaddresses', address.metadata?.name ?? '');
    const claimDeleted = await this.deleteIfExists(namespace, 'ipaddressclaims', owner);
    return held.length > 0 || claimDeleted;
  }

  private async getOrCreateClaim(request: IpRequest): Promise<KubeObject> {
    const body = {
      apiVersion: `${ipamGroup}/${ipamVersion}`,
      kind: 'IPAddressClaim',
      metadata: { name: request.owner, labels: { [clusterLabel]: request.cluster } },
      spec: { poolRef: poolRef(request) },
    };
    try {
      return (await this.api.createNamespacedCustomObject({
        ...common,
        namespace: request.namespace,
        plural: 'ipaddressclaims',
        body,
      })) as KubeObject;
    } catch (error) {
      if (!isStatus(error, 409)) throw error;
      return (await this.api.getNamespacedCustomObject({
        ...common,
        namespace: request.namespace,
        plural: 'ipaddressclaims',
        name: request.owner,
      })) as KubeObject;
    }
  }

  // The claim's bound address, else one created for this owner by an attempt that died before binding.
  private async heldAddress(request: IpRequest, claim: KubeObject): Promise<KubeObject<IpAddressSpec> | undefined> {
    const bound = claim.status?.addressRef?.name;
    const byRef = bound ? await this.getAddress(request.namespace, bound) : undefined;
    if (byRef?.spec?.claimRef.name === request.owner) return byRef;
    const [orphan] = await this.listAddresses(request.namespace, `${claimLabel}=${request.owner}`);
    return orphan;
  }

  private async createFirstFree(
    request: IpRequest,
    pool: Ipv4PoolSpec,
    free: readonly number[],
  ): Promise<KubeObject<IpAddressSpec> | undefined> {
    for (const candidate of free) {
      const spec: IpAddressSpec = {
        address: formatIpv4(candidate),
        prefix: pool.prefix,
        ...(pool.gateway ? { gateway: pool.gateway } : {}),
        claimRef: { name: request.owner },
        poolRef: poolRef(request),
      };
      const body = {
        apiVersion: `${ipamGroup}/${ipamVersion}`,
        kind: 'IPAddress',
        metadata: { name: addressName(candidate), labels: { [clusterLabel]: request.cluster, [claimLabel]: request.owner } },
        spec,
      };
      try {
        return (await this.api.createNamespacedCustomObject({
          ...common,
          namespace: request.namespace,
          plural: 'ipaddresses',
          body,
        })) as KubeObject<IpAddressSpec>;
      } catch (error) {
        if (!isStatus(error, 409)) throw error; // 409: another owner got there first
      }
    }
    return undefined;
  }

  /** Records the address on the claim; undefined when the claim changed under us (retry). */
  private async bind(
    request: IpRequest,
    claim: KubeObject,
    address: KubeObject<IpAddressSpec>,
    pool: Ipv4PoolSpec,
  ): Promise<StaticAddress | undefined> {
    const name = address.metadata?.name ?? '';
    if (claim.status?.addressRef?.name !== name) {
      try {
        await this.api.replaceNamespacedCustomObjectStatus({
          ...common,
          namespace: request.namespace,
          plural: 'ipaddressclaims',
          name: request.owner,
          body: { ...claim, status: { ...claim.status, addressRef: { name } } },
        });
      } catch (error) {
        if (!isStatus(error, 409)) throw error;
        // A concurrent allocation for this owner bound first: give our extra address back.
        const winner = await this.getClaim(request);
        const winnerRef = winner?.status?.addressRef?.name;
        if (winnerRef && winnerRef !== name) await this.deleteIfExists(request.namespace, 'ipaddresses', name);
        return undefined;
      }
    }
    const spec = address.spec;
    if (!spec) return undefined;
    return { ip: spec.address, prefix: spec.prefix, ...(spec.gateway ? { gateway: spec.gateway } : {}), dns: pool.dnsServers };
  }

  private async getClaim(request: IpRequest): Promise<KubeObject | undefined> {
    return this.getOrUndefined(() =>
      this.api.getNamespacedCustomObject({ ...common, namespace: request.namespace, plural: 'ipaddressclaims', name: request.owner }),
    );
  }

  private async getAddress(namespace: string, name: string): Promise<KubeObject<IpAddressSpec> | undefined> {
    return this.getOrUndefined(() => this.api.getNamespacedCustomObject({ ...common, namespace, plural: 'ipaddresses', name }));
  }

  /**
   * Whether the address just created here stays ours: another namespace may have created the same
   * address at the same moment (names are unique only per namespace). Both sides see both objects
   * and agree on the first holder; the other one deletes its object and tries again.
   */
  private async keepsAgainstOtherNamespaces(request: IpRequest, created: KubeObject<IpAddressSpec>): Promise<boolean> {
    const numeric = parseIpv4(created.spec?.address ?? '');
    if (numeric === undefined) return true;
    const holders = await this.holdersOf(numeric);
    const first = firstHolder(holders);
    if (first === undefined || first.metadata?.namespace === request.namespace) return true;
    await this.deleteIfExists(request.namespace, 'ipaddresses', created.metadata?.name ?? '');
    return false;
  }

  /** Every IPAddress object for one address, in any namespace. */
  private async holdersOf(address: number): Promise<KubeObject<IpAddressSpec>[]> {
    const list = (await this.api.listClusterCustomObject({
      ...common,
      plural: 'ipaddresses',
      fieldSelector: `metadata.name=${addressName(address)}`,
    })) as { items: KubeObject<IpAddressSpec>[] };
    return list.items;
  }

  private async listAddressesEverywhere(): Promise<KubeObject<IpAddressSpec>[]> {
    const list = (await this.api.listClusterCustomObject({ ...common, plural: 'ipaddresses' })) as { items: KubeObject<IpAddressSpec>[] };
    return list.items;
  }

  private async listAddresses(namespace: string, labelSelector?: string): Promise<KubeObject<IpAddressSpec>[]> {
    const list = (await this.api.listNamespacedCustomObject({
      ...common,
      namespace,
      plural: 'ipaddresses',
      ...(labelSelector ? { labelSelector } : {}),
    })) as { items: KubeObject<IpAddressSpec>[] };
    return list.items;
  }

  private async deleteIfExists(namespace: string, plural: string, name: string): Promise<boolean> {
    try {
      await this.api.deleteNamespacedCustomObject({ ...common, namespace, plural, name });
      return true;
    } catch (error) {
      if (isStatus(error, 404)) return false;
      throw error;
    }
  }

  private async getOrUndefined<T>(read: () => Promise<unknown>): Promise<T | undefined> {
    try {
      return (await read()) as T;
    } catch (error) {
      if (isStatus(error, 404)) return undefined;
      throw error;
    }
  }
}

/** `ipv4-10-0-0-5`: one object name per address is what makes double allocation impossible. */
export function addressName(address: number): string {
  return `ipv4-${formatIpv4(address).replaceAll('.', '-')}`;
}

/**
 * Of several objects for one address, the one that keeps it: the one created first. IPAddress
 * objects are never updated, so their resourceVersion is the etcd revision that created them
 * (etcd backs every kube-apiserver): whoever created later sees the earlier object when it checks
 * and gives way, and whoever created first and already checked keeps its address. Creation
 * seconds then namespaces order them only where a resourceVersion is not a number.
 */
function firstHolder(holders: readonly KubeObject<IpAddressSpec>[]): KubeObject<IpAddressSpec> | undefined {
  const revision = (h: KubeObject<IpAddressSpec>): number => Number(h.metadata?.resourceVersion ?? Number.NaN);
  const created = (h: KubeObject<IpAddressSpec>): number => Date.parse(h.metadata?.creationTimestamp ?? '') || 0;
  return [...holders].sort((a, b) => {
    const [ra, rb] = [revision(a), revision(b)];
    if (Number.isSafeInteger(ra) && Number.isSafeInteger(rb) && ra !== rb) return ra - rb;
    if (created(a) !== created(b)) return created(a) - created(b);
    return (a.metadata?.namespace ?? '').localeCompare(b.metadata?.namespace ?? '');
  })[0];
}

function poolRef(request: IpRequest): IpAddressSpec['poolRef'] {
  return { apiGroup: 'infrastructure.cluster.x-k8s.io', kind: 'ProxmoxCluster', name: request.poolName };
}

function isStatus(error: unknown, code: number): boolean {
  return error instanceof ApiException && error.code === code;
}
