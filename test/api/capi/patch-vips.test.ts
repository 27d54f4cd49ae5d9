import { describe, expect, it } from 'vitest';
import { describeIssue, objectsFromManifests, toDesiredCluster } from '../../../api/capi/to-desired-cluster.ts';
import { at, demoManifests, manifest, type Manifest } from './manifests.ts';

const controlPlane = (d: Manifest[]) => at(manifest(d, 'TalosControlPlane', 'demo-control-plane'), 'spec.controlPlaneConfig.controlplane');
const proxmox = (d: Manifest[]) => manifest(d, 'ProxmoxCluster', 'demo');

/** The demo (endpoint 10.10.10.5) with one more control-plane patch; its issues that mention a VIP. */
function vipIssues(edit: (documents: Manifest[]) => void): { errors: string[]; warnings: string[] } {
  const documents = demoManifests();
  edit(documents);
  const result = toDesiredCluster({ namespace: 'default', name: 'demo' }, objectsFromManifests(documents));
  const aboutVip = (issues: readonly Parameters<typeof describeIssue>[0][]) => issues.map(describeIssue).filter((m) => m.includes('VIP'));
  return { errors: result.ok ? [] : aboutVip(result.errors), warnings: aboutVip(result.warnings) };
}

const strategicVip = (ip: string) => (d: Manifest[]) => {
  (controlPlane(d)['strategicPatches'] as string[]).push(
    `machine:\n  network:\n    interfaces:\n      - interface: eth0\n        vip:\n          ip: ${ip}\n`,
  );
};

describe('a Talos VIP in a control-plane patch', () => {
  it('is redundant when it is the endpoint: a warning, the cluster maps', () => {
    expect(vipIssues(strategicVip('10.10.10.5'))).toEqual({
      errors: [],
      warnings: [
        'TalosControlPlane default/demo-control-plane spec.controlPlaneConfig.controlplane.strategicPatches[1]: sets the Talos VIP 10.10.10.5, which Capstan already adds to every control plane (the control-plane endpoint): the patch can go',
      ],
    });
  });

  it('is refused when it is another address: the control planes would announce two', () => {
    const { errors } = vipIssues((d) => {
      (controlPlane(d)['configPatches'] as unknown[]).push({
        op: 'add',
        path: '/machine/network/interfaces',
        value: [{ interface: 'eth0', dhcp: false, vip: { ip: '10.10.10.9' } }],
      });
    });
    expect(errors).toEqual([
      'TalosControlPlane default/demo-control-plane spec.controlPlaneConfig.controlplane.configPatches[2]: sets the Talos VIP 10.10.10.9, but the control planes already share the endpoint 10.10.10.5 as their VIP: drop the VIP from the patch, or declare capstan.dev/control-plane-endpoint: external-load-balancer if 10.10.10.5 is a load balancer of yours',
    ]);
  });

  it('is refused when the endpoint comes from the pool, saying to make it the endpoint', () => {
    const { errors } = vipIssues((d) => {
      strategicVip('10.10.10.9')(d);
      delete at(proxmox(d), 'spec')['controlPlaneEndpoint'];
    });
    expect(errors).toEqual([
      "TalosControlPlane default/demo-control-plane spec.controlPlaneConfig.controlplane.strategicPatches[1]: sets the Talos VIP 10.10.10.9, but the endpoint comes from the pool and Capstan announces that as the VIP: set the ProxmoxCluster's spec.controlPlaneEndpoint.host to 10.10.10.9 and drop the VIP from the patch",
    ]);
  });

  it("is the user's business behind a load balancer of their own", () => {
    expect(
      vipIssues((d) => {
        strategicVip('10.10.10.9')(d);
        proxmox(d).metadata.annotations = { 'capstan.dev/control-plane-endpoint': 'external-load-balancer' };
      }),
    ).toEqual({ errors: [], warnings: [] });
  });
});
