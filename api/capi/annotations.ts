/** CAPI's pause switch: a Cluster carrying it is left alone, as `spec.paused: true`. */
export const pausedAnnotation = 'cluster.x-k8s.io/paused';

/** Labels CAPI puts on the objects of a cluster; Capstan sets them on the Machines it owns. */
export const clusterNameLabel = 'cluster.x-k8s.io/cluster-name';
export const controlPlaneLabel = 'cluster.x-k8s.io/control-plane';
export const deploymentNameLabel = 'cluster.x-k8s.io/deployment-name';

/**
 * On a Cluster: the name of a ConfigMap in its namespace whose `catalog.yaml` replaces the
 * default version catalog (see default-version-catalog.ts).
 */
export const versionCatalogAnnotation = 'capstan.dev/version-catalog';
/** The data key of that ConfigMap. */
export const versionCatalogKey = 'catalog.yaml';

/**
 * On a TalosControlPlane: the exact Talos version to install (`v1.11.5`). CABPT's `talosVersion`
 * names the config contract and may be a bare minor (`v1.11`); this pins the patch release.
 */
export const talosVersionAnnotation = 'capstan.dev/talos-version';

/**
 * On a MachineDeployment or TalosControlPlane: what happens when a drain is still held after
 * nodeDrainTimeout — `block` (the default: the step blocks naming the PodDisruptionBudget, and an
 * operator retries, aborts or fixes the budget) or `proceed` (the machine is deleted or upgraded
 * without finishing its drain, as Cluster API does).
 */
export const drainTimeoutActionAnnotation = 'capstan.dev/drain-timeout-action';

/** On a TalosControlPlane: the Image Factory schematic ID whose installer every machine uses. */
export const talosSchematicAnnotation = 'capstan.dev/talos-schematic';

/**
 * On a Cluster: how often its workflow observes the infrastructure when nothing else happens (a
 * duration, `30s`, `2m`; at least 5s; 60s when absent). Shorter shows changes sooner and costs
 * more activities and history.
 */
export const observeIntervalAnnotation = 'capstan.dev/observe-interval';

/**
 * On a Cluster: how long a VM carrying the cluster's owner marker but recorded by no Machine may
 * stay before it is destroyed (a duration, `10m`; 10m when absent). Such a VM is adopted when a
 * Machine's intent matches it.
 */
export const strayVmGraceAnnotation = 'capstan.dev/stray-vm-grace';

/**
 * On a Cluster or its ProxmoxCluster: who answers at the control-plane endpoint. `talos-vip` (the
 * default) makes every control plane carry the endpoint as Talos' shared IP
 * (`machine.network.interfaces[].vip`), so the address must lie in the machines' subnet;
 * `external-load-balancer` declares a load balancer of the user's own at
 * `spec.controlPlaneEndpoint`, forwarding to every control plane's port 6443, and no VIP is set.
 */
export const controlPlaneEndpointAnnotation = 'capstan.dev/control-plane-endpoint';

/**
 * On a Cluster: how often etcd is snapshotted besides before every control-plane change (a
 * duration, `6h`; 6h when absent; `0` = only before changes; at least 5m otherwise).
 */
export const etcdBackupIntervalAnnotation = 'capstan.dev/etcd-backup-interval';
/** On a Cluster: how many of the newest snapshots retention keeps (a number ≥ 1; 10 when absent). */
export const etcdBackupKeepAnnotation = 'capstan.dev/etcd-backup-keep';
/** On a Cluster: retention also keeps every snapshot younger than this (a duration; 24h when absent). */
export const etcdBackupMaxAgeAnnotation = 'capstan.dev/etcd-backup-max-age';
/**
 * On a Cluster: the Secret in its namespace naming the S3-compatible bucket its snapshots go to
 * (keys in api/etcd-snapshots.ts). Absent: the worker's snapshot folder, which a pod loses.
 */
export const etcdBackupSecretAnnotation = 'capstan.dev/etcd-backup-secret';

/** On every object CAPI's topology controller generates from a ClusterClass (value empty). */
export const topologyOwnedLabel = 'topology.cluster.x-k8s.io/owned';
/** On a generated MachineDeployment and its templates: the name of its entry in `spec.topology.workers.machineDeployments`. */
export const topologyDeploymentNameLabel = 'topology.cluster.x-k8s.io/deployment-name';
/** On an object cloned from a template: which template (name, and `Kind.group`). */
export const clonedFromNameAnnotation = 'cluster.x-k8s.io/cloned-from-name';
export const clonedFromGroupKindAnnotation = 'cluster.x-k8s.io/cloned-from-groupkind';
