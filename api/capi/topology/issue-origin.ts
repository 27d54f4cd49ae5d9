// The mapping judges a topology Cluster by the objects generated for it, so its issues name those
// objects, which the user never wrote. This points each one back at what the user did write.
import type { MappingIssue, ObjectKey } from '../mapping/issues.ts';
import type { GeneratedTopology } from './generate.ts';
import type { Json } from './generated-objects.ts';

/**
 * The issues with their cause where the user wrote it: a field the generator copies straight from
 * `spec.topology` (the version, the replica counts) is named there on the Cluster; any other
 * issue on a generated object keeps that object and says it came from the class, whose templates
 * or patches are where to fix it. Issues on objects the user wrote stay as they are.
 */
export function issuesAtTheirOrigin(
  issues: readonly MappingIssue[],
  cluster: ObjectKey,
  className: string,
  generated: GeneratedTopology,
): MappingIssue[] {
  const named = (object: Json) => {
    const metadata = object['metadata'] as { name?: string } | undefined;
    return { kind: String(object['kind']), name: metadata?.name ?? '' };
  };
  const controlPlane = named(generated.talosControlPlane);
  const deployments = generated.machineDeployments.map((md) => named(md.machineDeployment));
  const generatedObjects = generated.objects.map(named);
  const same = (key: ObjectKey, object: { kind: string; name: string }) =>
    key.namespace === cluster.namespace && key.kind === object.kind && key.name === object.name;
  const onTopology = (path: string, issue: MappingIssue): MappingIssue => ({ object: cluster, path, message: issue.message });

  return issues.map((issue) => {
    if (same(issue.object, controlPlane)) {
      if (issue.path === 'spec.version') return onTopology('spec.topology.version', issue);
      if (issue.path === 'spec.replicas') return onTopology('spec.topology.controlPlane.replicas', issue);
    }
    const index = deployments.findIndex((md) => same(issue.object, md));
    if (index >= 0) {
      if (issue.path === 'spec.template.spec.version') return onTopology('spec.topology.version', issue);
      if (issue.path === 'spec.replicas') return onTopology(`spec.topology.workers.machineDeployments[${index}].replicas`, issue);
    }
    if (generatedObjects.some((object) => same(issue.object, object))) {
      return {
        ...issue,
        message: `${issue.message} (generated for spec.topology from ClusterClass ${className}: fix its templates or patches)`,
      };
    }
    return issue;
  });
}
