import { PatchStrategy, setHeaderOptions, type CoreV1Api } from '@kubernetes/client-node';
import { classifyKubernetesError } from './kubernetes-errors.ts';
import { isNotFound } from '../../runtime/kubernetes-api-errors.ts';

/**
 * Sets `spec.unschedulable` as `kubectl cordon`/`uncordon` do. Returns false when the Node does
 * not exist (nothing to cordon), so repeating either is harmless.
 */
export async function setUnschedulable(core: CoreV1Api, name: string, unschedulable: boolean): Promise<boolean> {
  try {
    await core.patchNode(
      { name, body: { spec: { unschedulable: unschedulable ? true : null } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw classifyKubernetesError(error, `${unschedulable ? 'cordoning' : 'uncordoning'} node ${name}`);
  }
}
