import type { CoreV1Api } from '@kubernetes/client-node';
import { classifyKubernetesError } from './kubernetes-errors.ts';
import { isNotFound } from '../../runtime/kubernetes-api-errors.ts';

/** Deletes the Node object; one already gone is success with `deleted: false`. */
export async function deleteNode(core: CoreV1Api, name: string): Promise<{ readonly deleted: boolean }> {
  try {
    await core.deleteNode({ name });
    return { deleted: true };
  } catch (error) {
    if (isNotFound(error)) return { deleted: false };
    throw classifyKubernetesError(error, `deleting node ${name}`);
  }
}
