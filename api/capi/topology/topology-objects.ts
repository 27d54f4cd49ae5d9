/**
 * What the topology generator reads, per kind, as the controller's informer caches hold it: raw
 * JSON, validated by the generator so a bad field becomes an issue naming it. The template lists
 * hold both the class's templates and the ones generated earlier (their content decides whether a
 * MachineDeployment keeps its template or rotates to a new one).
 */
export interface TopologyObjects {
  readonly clusterClasses: readonly unknown[];
  readonly proxmoxClusterTemplates: readonly unknown[];
  readonly talosControlPlaneTemplates: readonly unknown[];
  readonly proxmoxMachineTemplates: readonly unknown[];
  readonly talosConfigTemplates: readonly unknown[];
  /** Generated earlier: found through the Cluster's references and CAPI's topology labels, so names stay stable. */
  readonly proxmoxClusters: readonly unknown[];
  readonly talosControlPlanes: readonly unknown[];
  readonly machineDeployments: readonly unknown[];
}
