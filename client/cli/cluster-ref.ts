/** The cluster a command is about: its Cluster object's namespace and name. */
export interface ClusterRef {
  readonly namespace: string;
  readonly name: string;
}

/** `namespace/name`, as messages name a cluster. */
export const refText = (ref: ClusterRef): string => `${ref.namespace}/${ref.name}`;

/** The `-n` part of a suggested command: empty for the default namespace. */
export const namespaceFlag = (ref: ClusterRef): string => (ref.namespace === 'default' ? '' : ` -n ${ref.namespace}`);
