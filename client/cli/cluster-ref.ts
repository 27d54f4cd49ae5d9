import type { ClusterRef } from '../../api/cluster-ref.ts';

/** The `-n` part of a suggested command: empty for the default namespace. */
export const namespaceFlag = (ref: ClusterRef): string => (ref.namespace === 'default' ? '' : ` -n ${ref.namespace}`);
