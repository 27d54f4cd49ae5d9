import { describeIssue, objectsFromManifests, toDesiredCluster } from '../../../api/capi/to-desired-cluster.ts';
import { CliError } from '../cli-error.ts';
import type { CliIo } from '../context.ts';
import { flagOf, type FlavorName } from '../generate/cluster-flags.ts';
import { GenerateClusterOptions } from '../generate/cluster-options.ts';
import { collectValues, type ValueOrigin } from '../generate/collect-values.ts';
import { flavors } from '../generate/flavors.ts';
import { manifestsYaml } from '../generate/manifests-yaml.ts';
import type { GeneratedObject } from '../generate/plain-flavor.ts';

/** What `capstan generate cluster` was given. */
export interface GenerateClusterInput {
  readonly name: string;
  readonly namespace: string;
  readonly flavor: FlavorName;
  readonly externalLoadBalancer: boolean;
  /** The value flags as commander parsed them (strings, absent when not given). */
  readonly flags: Readonly<Record<string, unknown>>;
  readonly env: Readonly<Record<string, string | undefined>>;
}

const count = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;

const hint = 'capstan generate cluster --help lists every flag, its clusterctl variable and its default';

function label(key: string, origin: ValueOrigin | undefined): string {
  if (key === 'name') return 'the cluster name';
  if (key === 'namespace') return '--target-namespace';
  const entry = flagOf(key);
  if (!entry) return key;
  return origin === 'variable' && entry.variable ? `${entry.variable} (for ${entry.flag})` : entry.flag;
}

/** The cluster's objects and the options they came from, or a CliError naming every flag that is missing or wrong. */
export function generateCluster(input: GenerateClusterInput): { objects: GeneratedObject[]; options: GenerateClusterOptions } {
  const { values, origins, missing } = collectValues(input.flags, input.env);
  if (missing.length > 0)
    throw new CliError(`cannot generate cluster ${input.name}: ${missing.length === 1 ? 'a value is' : 'values are'} missing`, hint, {
      details: missing.map((entry) => `${entry.flag} or ${entry.variable ?? ''}: ${entry.description}`),
    });
  const raw = { ...values, name: input.name, namespace: input.namespace, externalLoadBalancer: input.externalLoadBalancer };
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
  // The options' checks are meant to leave the mapping nothing to say; if it does, that is a bug here.
  const mapped = toDesiredCluster({ namespace: input.namespace, name: input.name }, objectsFromManifests(objects, input.namespace));
  const issues = [...(mapped.ok ? [] : mapped.errors), ...mapped.warnings];
  if (issues.length > 0)
    throw new Error(`the generated manifests do not map cleanly (a bug in capstan generate): ${issues.map(describeIssue).join('; ')}`);
  return { objects, options: parsed.data };
}

/** `capstan generate cluster <name>`: prints the manifests for `kubectl apply -f -`. */
export function generateClusterCommand(io: Pick<CliIo, 'stdout'>, input: GenerateClusterInput): number {
  const { objects, options } = generateCluster(input);
  const header = [
    `Cluster ${input.namespace}/${input.name} from capstan generate cluster (flavor ${input.flavor}): Kubernetes ${options.versions.kubernetes}`,
    `on Talos ${options.versions.talos}, ${count(options.controlPlaneMachineCount, 'control plane')}, ${count(options.workerMachineCount, 'worker')}.`,
    `Apply it with kubectl apply -f <file>, then follow it with capstan watch ${input.name} --until-idle.`,
  ];
  io.stdout.write(manifestsYaml(header, objects));
  return 0;
}
