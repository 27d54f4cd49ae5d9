import { controlPlaneEndpointAnnotation } from '../../../api/capi/annotations.ts';
import type { JsonPatch } from '../../../api/capi/cluster-class.ts';
import type { GenerateClusterOptions } from './cluster-options.ts';
import type { GeneratedObject } from './generated-object.ts';
import { bootstrap, capi, controlPlane, infrastructure, machineTemplate, podCidr, serviceCidr } from './plain-flavor.ts';

/** The class's one worker class, and the topology MachineDeployment every generated Cluster gets. */
export const workerClass = 'default-worker';
export const topologyDeploymentName = 'md-0';

const ipv4 = { type: 'string', format: 'ipv4' };

/** The worker VM shape a Cluster may choose; the flags' values are the class's default. */
function workerMachineValue(o: GenerateClusterOptions) {
  return { numSockets: o.numSockets, numCores: o.numCores, memoryMiB: o.memoryMib, diskGb: o.bootVolumeSize };
}

/**
 * The knobs a Cluster of the class sets: what differs per cluster (endpoint, addresses) is
 * required; what a fleet usually shares (DNS, Talos version, worker size) defaults to the flags'.
 */
function variables(o: GenerateClusterOptions) {
  const required = (name: string, schema: Record<string, unknown>) => ({ name, required: true, schema: { openAPIV3Schema: schema } });
  const optional = (name: string, schema: Record<string, unknown>) => ({ name, required: false, schema: { openAPIV3Schema: schema } });
  return [
    required('controlPlaneEndpoint', {
      type: 'object',
      required: ['host'],
      properties: { host: ipv4, port: { type: 'integer', minimum: 1, maximum: 65535, default: o.controlPlaneEndpointPort } },
    }),
    required('ipv4Pool', {
      type: 'object',
      required: ['addresses', 'prefix', 'gateway'],
      properties: {
        addresses: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
        prefix: { type: 'integer', minimum: 1, maximum: 32 },
        gateway: ipv4,
      },
    }),
    optional('dnsServers', { type: 'array', minItems: 1, items: ipv4, default: o.dnsServers }),
    optional('talosVersion', { type: 'string', pattern: '^v\\d+\\.\\d+\\.\\d+$', default: o.versions.talos }),
    optional('workerMachine', {
      type: 'object',
      required: ['numSockets', 'numCores', 'memoryMiB', 'diskGb'],
      properties: {
        numSockets: { type: 'integer', minimum: 1 },
        numCores: { type: 'integer', minimum: 1 },
        memoryMiB: { type: 'integer', minimum: 1024, multipleOf: 8 },
        diskGb: { type: 'integer', minimum: 10 },
      },
      default: workerMachineValue(o),
    }),
  ];
}

const fromVariable = (op: 'add' | 'replace', path: string, variable: string): JsonPatch => ({ op, path, valueFrom: { variable } });

/** Where each variable lands: CAPI's inline JSON patches, one per template they change. */
function patches() {
  const spec = '/spec/template/spec';
  return [
    {
      name: 'cluster-network',
      definitions: [
        {
          selector: { apiVersion: infrastructure, kind: 'ProxmoxClusterTemplate', matchResources: { infrastructureCluster: true } },
          jsonPatches: [
            fromVariable('add', `${spec}/controlPlaneEndpoint`, 'controlPlaneEndpoint'),
            fromVariable('add', `${spec}/ipv4Config`, 'ipv4Pool'),
            fromVariable('replace', `${spec}/dnsServers`, 'dnsServers'),
          ],
        },
      ],
    },
    {
      name: 'talos-version',
      definitions: [
        {
          selector: { apiVersion: controlPlane, kind: 'TalosControlPlaneTemplate', matchResources: { controlPlane: true } },
          jsonPatches: [fromVariable('replace', `${spec}/controlPlaneConfig/controlplane/talosVersion`, 'talosVersion')],
        },
      ],
    },
    {
      name: 'worker-machine',
      definitions: [
        {
          selector: {
            apiVersion: infrastructure,
            kind: 'ProxmoxMachineTemplate',
            matchResources: { machineDeploymentClass: { names: [workerClass] } },
          },
          jsonPatches: [
            fromVariable('replace', `${spec}/numSockets`, 'workerMachine.numSockets'),
            fromVariable('replace', `${spec}/numCores`, 'workerMachine.numCores'),
            fromVariable('replace', `${spec}/memoryMiB`, 'workerMachine.memoryMiB'),
            fromVariable('replace', `${spec}/disks/bootVolume/sizeGb`, 'workerMachine.diskGb'),
          ],
        },
      ],
    },
  ];
}

/** The ClusterClass and its templates: what every Cluster of the class shares (Proxmox placement, VM template, control-plane VM). */
export function renderClusterClass(o: GenerateClusterOptions): GeneratedObject[] {
  const { className, namespace } = o;
  const meta = (name: string) => ({ name, namespace });
  const controlPlaneName = `${className}-control-plane`;
  const workerName = `${className}-worker`;
  return [
    {
      apiVersion: capi,
      kind: 'ClusterClass',
      metadata: meta(className),
      spec: {
        infrastructure: { ref: { apiVersion: infrastructure, kind: 'ProxmoxClusterTemplate', name: className } },
        controlPlane: {
          ref: { apiVersion: controlPlane, kind: 'TalosControlPlaneTemplate', name: controlPlaneName },
          machineInfrastructure: { ref: { apiVersion: infrastructure, kind: 'ProxmoxMachineTemplate', name: controlPlaneName } },
        },
        workers: {
          machineDeployments: [
            {
              class: workerClass,
              template: {
                bootstrap: { ref: { apiVersion: bootstrap, kind: 'TalosConfigTemplate', name: workerName } },
                infrastructure: { ref: { apiVersion: infrastructure, kind: 'ProxmoxMachineTemplate', name: workerName } },
              },
              ...(o.nodeDrainTimeout === undefined ? {} : { nodeDrainTimeout: o.nodeDrainTimeout }),
              strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
            },
          ],
        },
        variables: variables(o),
        patches: patches(),
      },
    },
    {
      apiVersion: infrastructure,
      kind: 'ProxmoxClusterTemplate',
      metadata: meta(className),
      spec: {
        template: {
          // A load balancer of the user's is the class's network design, so every Cluster of it shares the annotation.
          ...(o.externalLoadBalancer ? { metadata: { annotations: { [controlPlaneEndpointAnnotation]: 'external-load-balancer' } } } : {}),
          // dnsServers is required by the kind; the patch replaces it with the Cluster's variable.
          spec: { allowedNodes: o.allowedNodes, dnsServers: o.dnsServers },
        },
      },
    },
    {
      apiVersion: controlPlane,
      kind: 'TalosControlPlaneTemplate',
      metadata: meta(controlPlaneName),
      spec: {
        template: {
          spec: {
            controlPlaneConfig: { controlplane: { generateType: 'controlplane', talosVersion: o.versions.talos } },
            rolloutStrategy: { type: 'InPlace' },
          },
        },
      },
    },
    machineTemplate(o, controlPlaneName),
    machineTemplate(o, workerName),
    {
      apiVersion: bootstrap,
      kind: 'TalosConfigTemplate',
      metadata: meta(workerName),
      // No talosVersion: workers run the control plane's, so the talosVersion variable upgrades the cluster.
      spec: { template: { spec: { generateType: 'worker' } } },
    },
  ];
}

/** A Cluster of the class: its version, counts and the values of the class's variables. */
export function renderTopologyClusterOnly(o: GenerateClusterOptions): GeneratedObject {
  return {
    apiVersion: capi,
    kind: 'Cluster',
    metadata: { name: o.name, namespace: o.namespace },
    spec: {
      clusterNetwork: { pods: { cidrBlocks: [podCidr] }, services: { cidrBlocks: [serviceCidr] } },
      topology: {
        class: o.className,
        version: o.versions.kubernetes,
        controlPlane: { replicas: o.controlPlaneMachineCount },
        workers: { machineDeployments: [{ class: workerClass, name: topologyDeploymentName, replicas: o.workerMachineCount }] },
        variables: [
          { name: 'controlPlaneEndpoint', value: { host: o.controlPlaneEndpointIp, port: o.controlPlaneEndpointPort } },
          { name: 'ipv4Pool', value: { addresses: o.nodeIpRanges, prefix: o.ipPrefix, gateway: o.gateway } },
          { name: 'dnsServers', value: o.dnsServers },
          { name: 'talosVersion', value: o.versions.talos },
          { name: 'workerMachine', value: workerMachineValue(o) },
        ],
      },
    },
  };
}

/**
 * The `topology` flavor: a ClusterClass for Talos on Proxmox VE with its templates, variables and
 * patches, then a Cluster made from it. Capstan's controller generates the ProxmoxCluster,
 * TalosControlPlane and MachineDeployment from them, as CAPI's topology controller does. Pure.
 */
export function renderTopologyCluster(o: GenerateClusterOptions): GeneratedObject[] {
  return [...renderClusterClass(o), renderTopologyClusterOnly(o)];
}
