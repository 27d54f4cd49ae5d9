import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { describeIssue, objectsFromManifests, toDesiredCluster, type ClusterObjects } from '../../../api/capi/to-desired-cluster.ts';
import { clusterProgressQuery, planQuery } from '../../../api/cluster-messages.ts';
import type { DesiredCluster } from '../../../api/desired-cluster.ts';
import { planCluster } from '../../../plan/cluster-plan.ts';
import { CliError, oneLine } from '../cli-error.ts';
import { namespaceFlag } from '../cluster-ref.ts';
import type { CliContext } from '../context.ts';
import { clusterNames, readMappingObjects } from '../read/cluster-objects.ts';
import { ask, lookupClusterWorkflow } from '../read/cluster-workflow.ts';
import { unknownClusterError } from '../read/unknown-cluster.ts';
import { palette } from '../render/colors.ts';
import { operationText } from '../render/status-cells.ts';
import { planText } from '../render/plan-text.ts';
import { readPastRuns } from '../read/past-runs.ts';
import { actionEstimates, type ActionEstimates } from '../../../plan/duration-estimate.ts';
import type { ClusterPlan } from '../../../api/cluster-plan.ts';
import type { ClusterRef } from '../../../api/cluster-ref.ts';
import { clusterKey } from '../../../api/cluster-ref.ts';

/** Flags of `capstan plan`. */
export interface PlanOptions {
  /** Plan the manifests in this file instead of the objects in the management cluster. */
  readonly filename?: string | undefined;
  readonly output?: 'text' | 'json' | undefined;
}

function manifestsFrom(path: string, namespace: string): ClusterObjects {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CliError(
      `cannot read ${path}: ${oneLine(error)}`,
      'pass the YAML file with the Cluster and its objects, as for kubectl apply -f',
    );
  }
  const documents = parseAllDocuments(text);
  const broken = documents.find((d) => d.errors.length > 0);
  if (broken) throw new CliError(`${path} is not valid YAML: ${oneLine(broken.errors[0]?.message)}`);
  return objectsFromManifests(
    documents.map((d) => d.toJS() as unknown),
    namespace,
  );
}

/** The spec the objects map to; a spec that does not map is an error listing every problem. */
function mapSpec(ref: ClusterRef, objects: ClusterObjects, where: string): { desired: DesiredCluster; warnings: string[] } {
  const mapped = toDesiredCluster(ref, objects);
  if (mapped.ok) return { desired: mapped.desired, warnings: mapped.warnings.map(describeIssue) };
  const count = mapped.errors.length;
  throw new CliError(
    `the spec of ${clusterKey(ref)} in ${where} is not valid (${count} problem${count === 1 ? '' : 's'})`,
    'fix the fields named above; the controller reports the same problems as an InvalidSpec condition',
    {
      details: mapped.errors.map(describeIssue),
    },
  );
}

const hasCluster = (objects: ClusterObjects, name: string): boolean =>
  objects.clusters.some((c) => (c as { metadata?: { name?: unknown } }).metadata?.name === name);

/**
 * `capstan plan <name>`: the ordered steps the current spec would cause, without running them.
 * The spec is the Cluster's objects (or a file's manifests) mapped as the controller maps them,
 * planned by the cluster workflow against what it observes; before the workflow exists, against
 * an empty cluster. A refused plan prints its reason and exits 1.
 */
export async function planClusterCommand(ctx: CliContext, name: string, options: PlanOptions = {}): Promise<number> {
  const ref = { namespace: ctx.namespace, name };
  const temporal = await ctx.clients.temporal();
  const workflow = await lookupClusterWorkflow(temporal, ref);
  let objects: ClusterObjects | undefined;
  let where: string;
  if (options.filename !== undefined) {
    objects = manifestsFrom(options.filename, ref.namespace);
    where = options.filename;
    if (!hasCluster(objects, name))
      throw new CliError(`${options.filename} has no Cluster ${name}`, 'the file must hold the Cluster and the objects it references');
  } else {
    const kube = await ctx.clients.kube();
    objects = await readMappingObjects(kube, ref);
    where = `namespace ${ref.namespace}`;
    if (!hasCluster(objects, name)) {
      if (workflow.state === 'absent') throw unknownClusterError(ref, await clusterNames(kube, ref.namespace));
      objects = undefined;
    }
  }
  const spec = objects ? mapSpec(ref, objects, where) : undefined;
  const source = spec
    ? (options.filename ?? `the Cluster objects (generation ${spec.desired.generation})`)
    : 'the spec the cluster workflow has (no Cluster object)';
  const notes: string[] = [];
  let plan: ClusterPlan;
  if (workflow.state === 'running') {
    plan = await ask(temporal, workflow, planQuery, ...(spec ? [spec.desired] : []));
    const running = (await ask(temporal, workflow, clusterProgressQuery)).operation;
    if (running && plan.ok && plan.operation !== 'none')
      notes.push(`an operation is running now (${operationText(running)}); this plan follows what it has done so far`);
  } else if (workflow.state === 'closed') {
    throw new CliError(
      `the cluster workflow ${workflow.workflowId} has ended (${workflow.status.toLowerCase()}): nothing plans for ${clusterKey(ref)}`,
      `capstan describe cluster ${name}${namespaceFlag(ref)} shows what is left`,
    );
  } else if (spec) {
    // No workflow yet: its first plan is against a cluster with nothing built.
    plan = planCluster({ desired: spec.desired, observed: { machines: [], bootstrapped: false } });
    notes.push('the cluster workflow has not started yet; this is what it would do first');
  } else {
    throw unknownClusterError(ref, undefined);
  }
  if (options.output === 'json') {
    ctx.io.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
    return plan.ok ? 0 : 1;
  }
  let estimates: ActionEstimates | undefined;
  if (plan.ok && (plan.machineChanges?.length ?? 0) > 0) {
    // Timed on this cluster's own past machine runs when Temporal lists some; otherwise the defaults, said so.
    const past = await readPastRuns(temporal, ref);
    if (!past.ok) notes.push(`${past.reason}; the durations are Capstan's default estimates`);
    estimates = actionEstimates(past.ok ? past.runs : undefined);
  }
  ctx.io.stdout.write(planText({ ref, plan, source, notes, warnings: spec?.warnings ?? [], estimates }, palette(ctx.io.color)));
  return plan.ok ? 0 : 1;
}
