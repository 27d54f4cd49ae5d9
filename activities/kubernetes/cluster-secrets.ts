import type { SecretRef } from './secret-store.ts';

/** A workload cluster by its Cluster object in the management cluster. */
export interface ClusterRef {
  readonly namespace: string;
  readonly cluster: string;
}

/** CAPI's type for cluster secrets; clusterctl move and CAPI tooling recognise it. */
export const clusterSecretType = 'cluster.x-k8s.io/secret';

/** The labels every cluster secret carries (CAPI's cluster-name label). */
export function clusterSecretLabels(ref: ClusterRef): Record<string, string> {
  return { 'cluster.x-k8s.io/cluster-name': ref.cluster };
}

/** The admin talosconfig: `<cluster>-talosconfig`, key `talosconfig` (as the Talos CAPI providers name it). */
export function talosconfigSecret(ref: ClusterRef): SecretRef {
  return { namespace: ref.namespace, name: `${ref.cluster}-talosconfig`, key: 'talosconfig' };
}

/** The admin kubeconfig: `<cluster>-kubeconfig`, key `value` (CAPI's convention). */
export function kubeconfigSecret(ref: ClusterRef): SecretRef {
  return { namespace: ref.namespace, name: `${ref.cluster}-kubeconfig`, key: 'value' };
}

/** A machine's rendered machine config: `<machine>-bootstrap-data`, key `value` (CAPI bootstrap-data convention). */
export function machineConfigSecret(namespace: string, machine: string): SecretRef {
  return { namespace, name: `${machine}-bootstrap-data`, key: 'value' };
}
