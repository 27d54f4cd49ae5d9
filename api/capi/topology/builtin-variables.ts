import type { Cluster } from '../cluster.ts';
import type { ClusterTopology, MachineDeploymentTopology } from '../cluster-topology.ts';

/**
 * CAPI's `builtin` variables as patches see them for one template. Capstan offers the ones whose
 * values do not depend on generated template names (those would be circular: a template's name
 * follows from its patched content): `builtin.controlPlane.machineTemplate.*` and
 * `builtin.machineDeployment.bootstrap/infrastructureRef` are absent, so patches reading them are
 * refused as "not set".
 */
export function clusterBuiltins(cluster: Cluster, namespace: string, topology: ClusterTopology): Record<string, unknown> {
  const network = cluster.spec.clusterNetwork;
  return {
    name: cluster.metadata.name,
    namespace,
    ...(cluster.metadata.uid ? { uid: cluster.metadata.uid } : {}),
    topology: { version: topology.version, class: topology.class, classNamespace: namespace },
    ...(network
      ? {
          network: {
            ...(network.serviceDomain ? { serviceDomain: network.serviceDomain } : {}),
            ...(network.services ? { services: network.services.cidrBlocks } : {}),
            ...(network.pods ? { pods: network.pods.cidrBlocks } : {}),
          },
        }
      : {}),
  };
}

/** `builtin.controlPlane`: its name, the topology's version and (when set) replicas. */
export function controlPlaneBuiltins(name: string, topology: ClusterTopology): Record<string, unknown> {
  const replicas = topology.controlPlane?.replicas;
  return { name, version: topology.version, ...(replicas !== undefined ? { replicas } : {}) };
}

/** `builtin.machineDeployment`: the generated name, the topology entry's name, class, version and (when set) replicas. */
export function machineDeploymentBuiltins(name: string, md: MachineDeploymentTopology, topology: ClusterTopology): Record<string, unknown> {
  return {
    name,
    topologyName: md.name,
    class: md.class,
    version: topology.version,
    ...(md.replicas !== undefined ? { replicas: md.replicas } : {}),
  };
}
