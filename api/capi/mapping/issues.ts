import type { z } from 'zod';

/** The object an issue is about, named as operators name it: `TalosControlPlane default/demo-cp`. */
export interface ObjectKey {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

/** One problem (or unsupported field) of a cluster's manifests, pinned to the field that causes it. */
export interface MappingIssue {
  readonly object: ObjectKey;
  /** Field path in the object as written in YAML, `spec.template.spec.numCores`; empty for the whole object. */
  readonly path: string;
  readonly message: string;
}

/** `TalosControlPlane default/demo-cp spec.replicas: must be odd ...`: what status conditions and Events show. */
export function describeIssue(issue: MappingIssue): string {
  const { kind, namespace, name } = issue.object;
  return `${kind} ${namespace}/${name}${issue.path ? ` ${issue.path}` : ''}: ${issue.message}`;
}

/** Errors (the cluster cannot be mapped) and warnings (it can, but something written is ignored). */
export interface IssueLog {
  readonly errors: MappingIssue[];
  readonly warnings: MappingIssue[];
}

/** An empty log. */
export function newIssueLog(): IssueLog {
  return { errors: [], warnings: [] };
}

/** `spec`, `template`, 0 → `spec.template[0]`: paths the way `kubectl explain` and YAML readers think of them. */
export function joinPath(base: string, ...segments: readonly PropertyKey[]): string {
  let path = base;
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else path += path === '' ? String(segment) : `.${String(segment)}`;
  }
  return path;
}

/**
 * Parses `value` with `schema`, logging each problem at its field under `path` of `object`.
 * Returns the parsed value, or undefined when it does not fit.
 */
export function parseAt<S extends z.ZodType>(
  schema: S,
  value: unknown,
  object: ObjectKey,
  path: string,
  log: IssueLog,
): z.output<S> | undefined {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const missing = issue.code === 'invalid_type' && issue.input === undefined;
    log.errors.push({ object, path: joinPath(path, ...issue.path), message: missing ? 'is required' : issue.message });
  }
  return undefined;
}

/** Issues once each: objects shared by several others (one template for every MachineDeployment) would repeat theirs. */
export function uniqueIssues(issues: readonly MappingIssue[]): MappingIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const text = describeIssue(issue);
    if (seen.has(text)) return false;
    seen.add(text);
    return true;
  });
}
