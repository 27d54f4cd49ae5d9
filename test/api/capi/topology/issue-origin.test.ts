// A topology Cluster's issues, raised by the mapping on the objects generated for it, are named
// where the user wrote their cause: the Cluster's spec.topology, or the class.
import { describe, expect, it } from 'vitest';
import { describeIssue, type MappingIssue } from '../../../../api/capi/mapping/issues.ts';
import { generateTopology, type GeneratedTopology } from '../../../../api/capi/topology/generate.ts';
import { issuesAtTheirOrigin } from '../../../../api/capi/topology/issue-origin.ts';
import { classManifests, documentNamed, topologyObjects } from './class-fixture.ts';

function generatedFor(cluster: string): GeneratedTopology {
  const documents = classManifests();
  const result = generateTopology(documentNamed(documents, 'Cluster', cluster), topologyObjects(documents));
  if (!result.ok) throw new Error(result.errors.map(describeIssue).join('\n'));
  return result.generated;
}

const nameOf = (object: Record<string, unknown>): string => (object['metadata'] as { name: string }).name;

describe('issues of generated objects, named at their origin', () => {
  const generated = generatedFor('alpha');
  const namespace = 'default';
  const cluster = { kind: 'Cluster', namespace, name: 'alpha' };
  const controlPlane = { kind: 'TalosControlPlane', namespace, name: nameOf(generated.talosControlPlane) };
  const firstDeployment = generated.machineDeployments[0];
  if (firstDeployment === undefined) throw new Error('the fixture has a MachineDeployment');
  const deployment = { kind: 'MachineDeployment', namespace, name: nameOf(firstDeployment.machineDeployment) };
  const at = (issues: MappingIssue[]) => issuesAtTheirOrigin(issues, cluster, 'talos-proxmox', generated).map(describeIssue);

  it('names the topology field for the version and the replica counts the generator copies', () => {
    expect(
      at([
        { object: controlPlane, path: 'spec.version', message: 'Talos v1.11.5 runs Kubernetes v1.29 to v1.34, not v1.35.0' },
        { object: controlPlane, path: 'spec.replicas', message: 'must be odd' },
        { object: deployment, path: 'spec.replicas', message: 'is too many' },
        { object: deployment, path: 'spec.template.spec.version', message: 'skews' },
      ]),
    ).toEqual([
      'Cluster default/alpha spec.topology.version: Talos v1.11.5 runs Kubernetes v1.29 to v1.34, not v1.35.0',
      'Cluster default/alpha spec.topology.controlPlane.replicas: must be odd',
      'Cluster default/alpha spec.topology.workers.machineDeployments[0].replicas: is too many',
      'Cluster default/alpha spec.topology.version: skews',
    ]);
  });

  it('says a generated object came from the class when its cause lies in the templates or patches', () => {
    const [issue] = at([{ object: controlPlane, path: 'spec.controlPlaneConfig.controlplane.configPatches[0]', message: 'is not valid' }]);
    expect(issue).toBe(
      `TalosControlPlane default/${controlPlane.name} spec.controlPlaneConfig.controlplane.configPatches[0]: is not valid (generated for spec.topology from ClusterClass talos-proxmox: fix its templates or patches)`,
    );
  });

  it('leaves issues on objects the user wrote as they are', () => {
    const written = { object: { kind: 'MachineHealthCheck', namespace, name: 'alpha-workers' }, path: 'spec.maxUnhealthy', message: 'bad' };
    expect(at([written])).toEqual(['MachineHealthCheck default/alpha-workers spec.maxUnhealthy: bad']);
  });
});
