import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import type { StaticAddress } from '../../api/proxmox.ts';
import { IpAllocator, type IpRequest } from './ip-allocator.ts';

/** IPAM activities over the management cluster, where address claims live beside the CRs. */
export function createIpamActivities(managementCluster: KubeConfig) {
  const allocator = new IpAllocator(managementCluster.makeApiClient(CustomObjectsApi));
  return {
    /** The owner's address from the pool; retryable IpPoolExhausted while none is free. */
    ipamAllocate: (request: IpRequest): Promise<StaticAddress> => allocator.allocate(request),
    /** Holds a fixed address (a control-plane endpoint) so the pool never hands it out. */
    ipamReserve: (request: IpRequest, address: string): Promise<StaticAddress> => allocator.reserve(request, address),
    /** Frees the owner's address; releasing twice is fine. */
    ipamRelease: (request: Pick<IpRequest, 'namespace' | 'owner'>): Promise<boolean> => allocator.release(request.namespace, request.owner),
  };
}
