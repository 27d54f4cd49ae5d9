import { clusterNameLabel, controlPlaneEndpointAnnotation } from '../../../api/capi/annotations.ts';
import {
  bootstrapGroup,
  bootstrapVersion,
  capiGroup,
  capiVersion,
  controlPlaneGroup,
  controlPlaneVersion,
  infrastructureGroup,
  infrastructureVersion,
} from '../../../api/capi/groups.ts';
import type { ProxmoxMachineTemplate } from '../../../api/capi/proxmox-machine-template.ts';
import { workerDeploymentSuffix, type GenerateClusterOptions } from './cluster-options.ts';
import type { GeneratedObject, Manifest } from './generated-object.ts';

export type { GeneratedObject } from './generated-object.ts';

export const capi = `${capiGroup}/${capiVersion}`;
export const controlPlane = `${controlPlaneGroup}/${controlPlaneVersion}`;
export const bootstrap = `${bootstrapGroup}/${bootstrapVersion}`;
export const infrastructure = `${infrastructureGroup}/${infrastructureVersion}`;

// Talos' own defaults, written out so `kubectl get cluster -o yaml` shows what the cluster uses.
export const podCidr = '10.244.0.0/16';
export const serviceCidr = '10.96.0.0/12';

/** A ProxmoxMachineTemplate of the flags' VM shape: both flavors' control planes and workers use it. */
export function machineTemplate(o: GenerateClusterOptions, name: string): Manifest<typeof ProxmoxMachineTemplate> {
  return {
    apiVersion: infrastructure,
    kind: 'ProxmoxMachineTemplate',
    metadata: { name, namespace: o.namespace },
    spec: {
      template: {
        spec: {
          sourceNode: o.sourceNode,
          templateID: o.templateVmid,
          full: true,
          numSockets: o.numSockets,
          numCores: o.numCores,
          memoryMiB: o.memoryMib,
          disks: { bootVolume: { disk: o.bootVolumeDevice, sizeGb: o.bootVolumeSize } },
          network: { default: { bridge: o.bridge } },
        },
      },
    },
  };
}

/**
 * The `plain` flavor: every object written out, as CAPMOX's and CACPPT's default templates are —
 * a Cluster, its ProxmoxCluster, a TalosControlPlane upgraded in place (Talos-native) and one
 * MachineDeployment of workers replaced one at a time. Pure: options in, objects out.
 */
export function renderPlainCluster(o: GenerateClusterOptions): GeneratedObject[] {
  const { name, namespace } = o;
  const controlPlaneName = `${name}-control-plane`;
  const workersName = `${name}-workers`;
  const deploymentName = `${name}${workerDeploymentSuffix}`;
  const meta = (objectName: string) => ({ name: objectName, namespace });
  const clusterLabel = { [clusterNameLabel]: name };
  return [
    {
      apiVersion: capi,
      kind: 'Cluster',
      metadata: meta(name),
      spec: {
        clusterNetwork: { pods: { cidrBlocks: [podCidr] }, services: { cidrBlocks: [serviceCidr] } },
        controlPlaneRef: { apiVersion: controlPlane, kind: 'TalosControlPlane', name: controlPlaneName },
        infrastructureRef: { apiVersion: infrastructure, kind: 'ProxmoxCluster', name },
      },
    },
    {
      apiVersion: infrastructure,
      kind: 'ProxmoxCluster',
      metadata: o.externalLoadBalancer
        ? { ...meta(name), annotations: { [controlPlaneEndpointAnnotation]: 'external-load-balancer' } }
        : meta(name),
      spec: {
        allowedNodes: o.allowedNodes,
        controlPlaneEndpoint: { host: o.controlPlaneEndpointIp, port: o.controlPlaneEndpointPort },
        ipv4Config: { addresses: o.nodeIpRanges, prefix: o.ipPrefix, gateway: o.gateway },
        dnsServers: o.dnsServers,
      },
    },
    machineTemplate(o, controlPlaneName),
    {
      apiVersion: controlPlane,
      kind: 'TalosControlPlane',
      metadata: meta(controlPlaneName),
      spec: {
        version: o.versions.kubernetes,
        replicas: o.controlPlaneMachineCount,
        infrastructureTemplate: { apiVersion: infrastructure, kind: 'ProxmoxMachineTemplate', name: controlPlaneName },
        controlPlaneConfig: { controlplane: { generateType: 'controlplane', talosVersion: o.versions.talos } },
        rolloutStrategy: { type: 'InPlace' },
      },
    },
    machineTemplate(o, workersName),
    {
      apiVersion: bootstrap,
      kind: 'TalosConfigTemplate',
      metadata: meta(workersName),
      // No talosVersion: workers run the control plane's, so one patch of it upgrades the cluster.
      spec: { template: { spec: { generateType: 'worker' } } },
    },
    {
      apiVersion: capi,
      kind: 'MachineDeployment',
      metadata: { ...meta(deploymentName), labels: clusterLabel },
      spec: {
        clusterName: name,
        replicas: o.workerMachineCount,
        selector: { matchLabels: clusterLabel },
        template: {
          spec: {
            clusterName: name,
            ...(o.nodeDrainTimeout === undefined ? {} : { nodeDrainTimeout: o.nodeDrainTimeout }),
            bootstrap: { configRef: { apiVersion: bootstrap, kind: 'TalosConfigTemplate', name: workersName } },
            infrastructureRef: { apiVersion: infrastructure, kind: 'ProxmoxMachineTemplate', name: workersName },
          },
        },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      },
    },
  ];
}
