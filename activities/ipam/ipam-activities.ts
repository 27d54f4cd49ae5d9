import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { ApplicationFailure } from '@temporalio/common';
import type { StaticAddress } from '../../api/proxmox.ts';
import { classifyKubernetesError } from '../kubernetes/kubernetes-errors.ts';
import { IpAllocator, type IpRequest } from './ip-allocator.ts';

/** A Kubernetes error reaches the workflow as a typed failure with one sentence, never a raw ApiException dump. */
async function classified<T>(context: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ApplicationFailure) throw error;
    throw classifyKubernetesError(error, context);
  }
}

/** IPAM activities over the management cluster, where address claims live beside the CRs. */
export function createIpamActivities(managementCluster: KubeConfig) {
  const allocator = new IpAllocator(managementCluster.makeApiClient(CustomObjectsApi));
  const claim = (request: Pick<IpRequest, 'namespace' | 'owner'>): string => `the address claim ${request.namespace}/${request.owner}`;
  return {
    /** The owner's address from the pool; retryable IpPoolExhausted while none is free. */
    ipamAllocate: (request: IpRequest): Promise<StaticAddress> =>
      classified(`allocating ${claim(request)}`, () => allocator.allocate(request)),
    /** Holds a fixed address (a control-plane endpoint) so the pool never hands it out. */
    ipamReserve: (request: IpRequest, address: string): Promise<StaticAddress> =>
      classified(`reserving ${address} for ${claim(request)}`, () => allocator.reserve(request, address)),
    /** Frees the owner's address; releasing twice is fine. */
    ipamRelease: (request: Pick<IpRequest, 'namespace' | 'owner'>): Promise<boolean> =>
      classified(`releasing ${claim(request)}`, () => allocator.release(request.namespace, request.owner)),
  };
}
