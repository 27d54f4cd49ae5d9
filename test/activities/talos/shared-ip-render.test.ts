// Every control plane of a cluster whose endpoint is not the user's own load balancer carries the
// endpoint as Talos' shared IP on its interface, whether Capstan drew it from the pool or the user
// chose it; workers never do, and a declared external load balancer turns it off.
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { MachineToCreate } from '../../../api/machine-operations.ts';
import { renderMachineConfig } from '../../../activities/talos/render-machine-config.ts';
import { createMachineInput, machineConfig } from '../../../plan/machine-spec.ts';
import { desired } from '../../plan/cluster-fixture.ts';
import { testBundle } from './talos-fixtures.ts';

const address = { ip: '10.0.0.21', prefix: 24, gateway: '10.0.0.1', dns: ['10.0.0.1'] };
const controlPlane: MachineToCreate = { name: 'demo-cp-abc12', role: 'control-plane', bootstrap: false };
const worker: MachineToCreate = { name: 'demo-md-0-abc12', role: 'worker', deployment: 'md-0', bootstrap: false };

type Interface = { interface: string; addresses: string[]; vip?: { ip: string } };
async function interfacesOf(cluster: ReturnType<typeof desired>, machine: MachineToCreate, endpointIp: string): Promise<Interface[]> {
  const input = createMachineInput(cluster, machine, endpointIp);
  const yaml = renderMachineConfig(machineConfig(input.config, machine.name, address, undefined), await testBundle()).yaml;
  const main = yaml.split(/^---$/m).map((doc) => parse(doc) as { machine?: { network?: { interfaces?: Interface[] } } })[0];
  return main?.machine?.network?.interfaces ?? [];
}

describe('the shared IP in rendered machine configs', () => {
  it('is the endpoint Capstan reserved from the pool, on every control plane', async () => {
    const cluster = desired();
    expect(cluster.network.controlPlaneEndpoint).toBeUndefined();
    expect(await interfacesOf(cluster, controlPlane, '10.0.0.10')).toEqual([
      expect.objectContaining({ interface: 'eth0', addresses: ['10.0.0.21/24'], vip: { ip: '10.0.0.10' } }),
    ]);
  });

  it('is the host the user gave, when no external load balancer is declared', async () => {
    const cluster = desired({
      network: {
        poolName: 'demo',
        ipv4Pool: { addresses: ['10.0.0.10-10.0.0.50'], prefix: 24 },
        controlPlaneEndpoint: { host: '10.0.0.5' },
      },
    });
    expect(await interfacesOf(cluster, controlPlane, '10.0.0.5')).toEqual([expect.objectContaining({ vip: { ip: '10.0.0.5' } })]);
  });

  it('is absent on workers', async () => {
    const [device] = await interfacesOf(desired(), worker, '10.0.0.10');
    expect(device).toBeDefined();
    expect(device?.vip).toBeUndefined();
  });

  it('is absent when the endpoint is the user-declared external load balancer', async () => {
    const cluster = desired({
      network: {
        poolName: 'demo',
        ipv4Pool: { addresses: ['10.0.0.10-10.0.0.50'], prefix: 24 },
        controlPlaneEndpoint: { host: '192.168.50.10', port: 443, externalLoadBalancer: true },
      },
    });
    const [device] = await interfacesOf(cluster, controlPlane, '192.168.50.10');
    expect(device).toMatchObject({ interface: 'eth0', addresses: ['10.0.0.21/24'] });
    expect(device?.vip).toBeUndefined();
    expect(createMachineInput(cluster, controlPlane, '192.168.50.10').config.controlPlaneEndpoint).toBe('https://192.168.50.10:443');
  });
});
