import { CliError } from '../cli-error.ts';
import type { CliIo } from '../context.ts';
import { flagOf, type FlavorName } from '../generate/cluster-flags.ts';
import { GenerateClusterOptions } from '../generate/cluster-options.ts';
import { collectValues, type ValueOrigin } from '../generate/collect-values.ts';
import { flavors } from '../generate/flavors.ts';
import type { GeneratedObject } from '../generate/generated-object.ts';
import { generatedIssues, issuesText } from '../generate/map-generated.ts';
import { manifestsYaml } from '../generate/manifests-yaml.ts';

/** What `capstan generate cluster` was given. */
export interface GenerateClusterInput {
  readonly name: string;
  readonly namespace: string;
  readonly flavor: FlavorName;
  readonly externalLoadBalancer: boolean;
  /** The topology flavor's ClusterClass. */
  readonly className: string;
  /** Print the topology flavor's Cluster alone, for a class already applied. */
  readonly clusterOnly: boolean;
  /** The value flags as commander parsed them (strings, absent when not given). */
  readonly flags: Readonly<Record<string, unknown>>;
  readonly env: Readonly<Record<string, string | undefined>>;
}

const count = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;

const hint = 'capstan generate cluster --help lists every flag, its clusterctl variable and its default';

function label(key: string, origin: ValueOrigin | undefined): string {
  if (key === 'name') return 'the cluster name';
  if (key === 'namespace') return '--target-namespace';
  if (key === 'className') return '--class-name';
  const entry = flagOf(key);
  if (!entry) return key;
  return origin === 'variable' && entry.variable ? `${entry.variable} (for ${entry.flag})` : entry.flag;
}

/** The cluster's objects and the options they came from, or a CliError naming every flag that is missing or wrong. */
export function generateCluster(input: GenerateClusterInput): { objects: GeneratedObject[]; options: GenerateClusterOptions } {
  if (input.clusterOnly && input.flavor !== 'topology')
    throw new CliError(`cannot generate cluster ${input.name}: --cluster-only prints a Cluster of a ClusterClass`, 'add --flavor topology');
  const { values, origins, missing } = collectValues(input.flags, input.env);
  if (missing.length > 0)
    throw new CliError(`cannot generate cluster ${input.name}: ${missing.length === 1 ? 'a value is' : 'values are'} missing`, hint, {
      details: missing.map((entry) => `${entry.flag} or ${entry.variable ?? ''}: ${entry.description}`),
    });
  const raw = {
    ...values,
    name: input.name,
    namespace: input.namespace,
    className: input.className,
    externalLoadBalancer: input.externalLoadBalancer,
  };
  const parsed = GenerateClusterOptions.safeParse(raw);
  if (!parsed.success) {
    const details = new Set(
      parsed.error.issues.map((issue) => {
        const key = String(issue.path[0] ?? '');
        const given = (raw as Record<string, unknown>)[key];
        return `${label(key, origins[key])}${given === undefined ? '' : ` ${JSON.stringify(given)}`}: ${issue.message}`;
      }),
    );
    throw new CliError(`cannot generate cluster ${input.name}: ${details.size === 1 ? 'a value is' : 'values are'} invalid`, hint, {
      details: [...details],
    });
  }
  const objects = flavors[input.flavor](parsed.data);
  // The options' checks are meant to leave the mapping (and the topology generator) nothing to say; if they do, that is a bug here.
  const issues = generatedIssues(objects, input.namespace, input.name);
  if (issues.length > 0) throw new Error(`the generated manifests do not map cleanly (a bug in capstan generate): ${issuesText(issues)}`);
  // Checked with its class, printed without it: the class applied before is meant to be this one.
  return { objects: input.clusterOnly ? objects.filter((o) => o.kind === 'Cluster') : objects, options: parsed.data };
}

/** `capstan generate cluster <name>`: prints the manifests for `kubectl apply -f -`. */
export function generateClusterCommand(io: Pick<CliIo, 'stdout'>, input: GenerateClusterInput): number {
  const { objects, options } = generateCluster(input);
  const classLine =
    input.flavor !== 'topology'
      ? []
      : input.clusterOnly
        ? [
            `Made from ClusterClass ${input.namespace}/${options.className}, which must exist (capstan generate cluster --flavor topology prints it).`,
          ]
        : [`Made from ClusterClass ${input.namespace}/${options.className}, printed first; a Cluster of it alone: add --cluster-only.`];
  const header = [
    `Cluster ${input.namespace}/${input.name} from capstan generate cluster (flavor ${input.flavor}): Kubernetes ${options.versions.kubernetes}`,
    `on Talos ${options.versions.talos}, ${count(options.controlPlaneMachineCount, 'control plane')}, ${count(options.workerMachineCount, 'worker')}.`,
    ...classLine,
    `Apply it with kubectl apply -f <file>, then follow it with capstan watch ${input.name} --until-idle.`,
  ];
  io.stdout.write(manifestsYaml(header, objects));
  return 0;
}
