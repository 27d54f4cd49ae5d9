// Where a cluster's secrets live in the management cluster. The names follow CAPI and the Talos
// providers, so clusterctl and CAPI tooling find them; every layer builds them from here.
import type { ClusterRef } from './cluster-ref.ts';

/** One key of one Secret: what workflows and activities pass instead of the secret itself. */
export interface SecretKeyRef {
  readonly namespace: string;
  readonly name: string;
  readonly key: string;
}

/** CAPI's type for cluster secrets; clusterctl move and CAPI tooling recognise it. */
export const clusterSecretType = 'cluster.x-k8s.io/secret';

/** The labels every cluster secret carries (CAPI's cluster-name label). */
export function clusterSecretLabels(ref: ClusterRef): Record<string, string> {
  return { 'cluster.x-k8s.io/cluster-name': ref.name };
}

/** The admin talosconfig: `<cluster>-talosconfig`, key `talosconfig` (as the Talos CAPI providers name it). */
export function talosconfigSecret(ref: ClusterRef): SecretKeyRef {
  return { namespace: ref.namespace, name: `${ref.name}-talosconfig`, key: 'talosconfig' };
}

/** The admin kubeconfig: `<cluster>-kubeconfig`, key `value` (CAPI's convention). */
export function kubeconfigSecret(ref: ClusterRef): SecretKeyRef {
  return { namespace: ref.namespace, name: `${ref.name}-kubeconfig`, key: 'value' };
}

/** The cluster's Talos secrets bundle (talosctl's secrets.yaml): `<cluster>-talos-secrets`, key `bundle`. */
export function secretsBundleSecret(ref: ClusterRef): SecretKeyRef {
  return { namespace: ref.namespace, name: `${ref.name}-talos-secrets`, key: 'bundle' };
}

/** A machine's rendered machine config: `<machine>-bootstrap-data`, key `value` (CAPI bootstrap-data convention). */
export function machineConfigSecret(namespace: string, machine: string): SecretKeyRef {
  return { namespace, name: `${machine}-bootstrap-data`, key: 'value' };
}
