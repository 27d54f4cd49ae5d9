import type { CliContext } from '../context.ts';
import { clusterNames, readClusterCrs } from '../read/cluster-objects.ts';
import { readClusterWorkflow } from '../read/cluster-workflow.ts';
import { unknownClusterError } from '../read/unknown-cluster.ts';
import { palette } from '../render/colors.ts';
import { describeText } from '../render/describe-text.ts';
import { describeTree } from '../render/describe-tree.ts';

/** Flags of `capstan describe cluster`. */
export interface DescribeOptions {
  readonly output?: 'text' | 'json' | undefined;
  readonly showConditions?: boolean | undefined;
}

/**
 * `capstan describe cluster <name>`: the Cluster's objects and what its workflow reports, as one
 * tree plus the running operation, blocked steps and why a cluster is held. Either source alone
 * is enough (objects not created yet, or a workflow not started yet).
 */
export async function describeCluster(ctx: CliContext, name: string, options: DescribeOptions = {}): Promise<number> {
  const ref = { namespace: ctx.namespace, name };
  const workflow = await readClusterWorkflow(await ctx.clients.temporal(), ref);
  const kube = await ctx.clients.kube();
  const crs = await readClusterCrs(kube, ref);
  if (!crs && workflow.state === 'absent') throw unknownClusterError(ref, await clusterNames(kube, ref.namespace));
  if (options.output === 'json') {
    ctx.io.stdout.write(`${JSON.stringify({ cluster: ref, objects: crs ?? null, workflow }, null, 2)}\n`);
    return 0;
  }
  const progress = workflow.state === 'running' ? workflow.progress : undefined;
  const tree = describeTree({ ref, crs, progress, showConditions: options.showConditions ?? false });
  ctx.io.stdout.write(describeText(ref, tree, workflow, ctx.io.now(), palette(ctx.io.color)));
  return 0;
}
