import { applyPatch, type Operation } from 'fast-json-patch/commonjs/core.js';
import type { ClusterClassPatch, JsonPatch, PatchSelector } from '../cluster-class.ts';
import { joinPath, type IssueLog, type ObjectKey } from '../mapping/issues.ts';
import { renderedValue, renderTemplate, templateSyntaxRefusal } from './go-template.ts';

/** Which slot of the class a template fills: CAPI's selector `matchResources` speak of these. */
export type TemplateRole =
  | 'infrastructureCluster'
  | 'controlPlane'
  | 'controlPlaneMachineInfrastructure'
  | 'machineDeploymentBootstrap'
  | 'machineDeploymentInfrastructure';

/** One template of one Cluster, before and after patching. */
export interface PatchTarget {
  readonly role: TemplateRole;
  /** The worker class, for the MachineDeployment roles. */
  readonly machineDeploymentClass?: string;
  /** How issues name the template: `the control plane's TalosControlPlaneTemplate talos-cp`. */
  readonly description: string;
  /** The template object (apiVersion, kind, spec); patched copies are returned, this is not changed. */
  readonly object: Readonly<Record<string, unknown>>;
  /** The variables patches may read for this template: the Cluster's (with the MachineDeployment's overrides) and `builtin`. */
  readonly variables: Readonly<Record<string, unknown>>;
}

const supportedOps = new Set(['add', 'replace', 'remove']);

function classNameMatches(pattern: string, name: string): boolean {
  if (pattern === '*' || pattern === name) return true;
  if (pattern.startsWith('*') && name.endsWith(pattern.slice(1))) return true;
  return pattern.endsWith('*') && name.startsWith(pattern.slice(0, -1));
}

/** CAPI's selector: the template's apiVersion and kind, and one of the slots `matchResources` names. */
export function selectorMatches(selector: PatchSelector, target: PatchTarget): boolean {
  if (selector.apiVersion !== target.object.apiVersion || selector.kind !== target.object.kind) return false;
  const match = selector.matchResources;
  if (match.infrastructureCluster === true && target.role === 'infrastructureCluster') return true;
  if (match.controlPlane === true && (target.role === 'controlPlane' || target.role === 'controlPlaneMachineInfrastructure')) return true;
  const mdClass = target.machineDeploymentClass;
  if (
    match.machineDeploymentClass &&
    mdClass !== undefined &&
    (target.role === 'machineDeploymentBootstrap' || target.role === 'machineDeploymentInfrastructure')
  )
    return (match.machineDeploymentClass.names ?? []).some((pattern) => classNameMatches(pattern, mdClass));
  return false;
}

/**
 * Checks what does not depend on a Cluster: runtime extensions, MachinePool selectors, operations
 * other than add/replace/remove, paths outside `/spec/`, value sources set twice or not at all,
 * templates outside the subset. Every refusal names its field in the ClusterClass.
 */
export function checkPatches(patches: readonly ClusterClassPatch[], classKey: ObjectKey, log: IssueLog): boolean {
  const before = log.errors.length;
  const refuse = (path: string, message: string): void => void log.errors.push({ object: classKey, path, message });
  patches.forEach((patch, i) => {
    const at = joinPath('spec.patches', i);
    if (patch.external !== undefined)
      refuse(joinPath(at, 'external'), 'runtime-extension patches are not supported by Capstan: write the patch inline as definitions');
    if (patch.enabledIf !== undefined) {
      const refusal = templateSyntaxRefusal(patch.enabledIf);
      if (refusal) refuse(joinPath(at, 'enabledIf'), refusal.refused);
    }
    (patch.definitions ?? []).forEach((definition, j) => {
      const defAt = joinPath(at, 'definitions', j);
      if (definition.selector.matchResources.machinePoolClass !== undefined)
        refuse(joinPath(defAt, 'selector', 'matchResources', 'machinePoolClass'), 'MachinePools are not supported by Capstan');
      definition.jsonPatches.forEach((jsonPatch, k) => {
        checkJsonPatch(jsonPatch, joinPath(defAt, 'jsonPatches', k), refuse);
      });
    });
  });
  return log.errors.length === before;
}

function checkJsonPatch(patch: JsonPatch, at: string, refuse: (path: string, message: string) => void): void {
  if (!supportedOps.has(patch.op)) refuse(joinPath(at, 'op'), `must be add, replace or remove, not ${patch.op}`);
  if (!patch.path.startsWith('/spec/')) refuse(joinPath(at, 'path'), 'must start with /spec/: patches change templates\u2019 specs only');
  const from = patch.valueFrom;
  if (patch.op === 'remove') {
    if (patch.value !== undefined || from !== undefined) refuse(at, 'remove takes neither value nor valueFrom');
    return;
  }
  if (patch.value !== undefined && from !== undefined) refuse(at, 'must set value or valueFrom, not both');
  else if (patch.value === undefined && from === undefined) refuse(at, 'must set value or valueFrom');
  if (from === undefined) return;
  if (from.variable !== undefined && from.template !== undefined)
    refuse(joinPath(at, 'valueFrom'), 'must set variable or template, not both');
  else if (from.variable === undefined && from.template === undefined) refuse(joinPath(at, 'valueFrom'), 'must set variable or template');
  if (from.variable !== undefined && !/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(from.variable))
    refuse(joinPath(at, 'valueFrom', 'variable'), 'must be a variable name, dotted into object fields (list indexes are not supported)');
  if (from.template !== undefined) {
    const refusal = templateSyntaxRefusal(from.template);
    if (refusal) refuse(joinPath(at, 'valueFrom', 'template'), refusal.refused);
  }
}

/** `controlPlane.cores` → the value of field `cores` of variable `controlPlane`; undefined when any step is missing. */
export function variableValue(variables: Readonly<Record<string, unknown>>, dotted: string): unknown {
  let node: unknown = variables;
  for (const key of dotted.split('.')) {
    if (node === null || typeof node !== 'object' || Array.isArray(node) || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

type Outcome<T> = { readonly value: T } | { readonly problem: string; readonly path: string };

function patchValue(patch: JsonPatch, variables: Readonly<Record<string, unknown>>, at: string): Outcome<unknown> {
  if (patch.value !== undefined) return { value: patch.value };
  const variable = patch.valueFrom?.variable;
  if (variable !== undefined) {
    const value = variableValue(variables, variable);
    if (value === undefined) return { problem: `${variable} is not set`, path: joinPath(at, 'valueFrom', 'variable') };
    return { value: structuredClone(value) };
  }
  const rendered = renderTemplate(patch.valueFrom?.template ?? '', variables);
  if (typeof rendered !== 'string') return { problem: rendered.refused, path: joinPath(at, 'valueFrom', 'template') };
  try {
    return { value: renderedValue(rendered) };
  } catch (error) {
    return {
      problem: `renders ${JSON.stringify(rendered)}, which is not YAML: ${(error as Error).message}`,
      path: joinPath(at, 'valueFrom', 'template'),
    };
  }
}

/** CAPI enables a patch when its `enabledIf` renders to YAML `true`. */
function enabled(patch: ClusterClassPatch, variables: Readonly<Record<string, unknown>>): Outcome<boolean> {
  if (patch.enabledIf === undefined) return { value: true };
  const rendered = renderTemplate(patch.enabledIf, variables, 'go');
  if (typeof rendered !== 'string') return { problem: rendered.refused, path: 'enabledIf' };
  try {
    return { value: renderedValue(rendered) === true };
  } catch {
    return { value: false };
  }
}

/**
 * Applies the class's inline patches, in order, to the templates of one Cluster, as CAPI's topology
 * controller does. Returns the patched templates in `targets`' order, or undefined after logging
 * (against the ClusterClass field, naming the template) every patch that cannot be computed or applied.
 * `checkPatches` must have passed.
 */
export function applyPatches(
  patches: readonly ClusterClassPatch[],
  targets: readonly PatchTarget[],
  classKey: ObjectKey,
  log: IssueLog,
): Record<string, unknown>[] | undefined {
  const before = log.errors.length;
  const documents = targets.map((t) => structuredClone(t.object) as Record<string, unknown>);
  patches.forEach((patch, i) => {
    const at = joinPath('spec.patches', i);
    targets.forEach((target, t) => {
      const definitions = (patch.definitions ?? []).map((d, j) => ({ d, j })).filter(({ d }) => selectorMatches(d.selector, target));
      if (definitions.length === 0) return;
      const on = enabled(patch, target.variables);
      if ('problem' in on) {
        log.errors.push({ object: classKey, path: joinPath(at, on.path), message: `for ${target.description}: ${on.problem}` });
        return;
      }
      if (!on.value) return;
      for (const { d, j } of definitions) {
        d.jsonPatches.forEach((jsonPatch, k) => {
          const opAt = joinPath(at, 'definitions', j, 'jsonPatches', k);
          let operation: Operation;
          if (jsonPatch.op === 'remove') operation = { op: 'remove', path: jsonPatch.path };
          else {
            const value = patchValue(jsonPatch, target.variables, opAt);
            if ('problem' in value) {
              log.errors.push({ object: classKey, path: value.path, message: `for ${target.description}: ${value.problem}` });
              return;
            }
            operation = { op: jsonPatch.op as 'add' | 'replace', path: jsonPatch.path, value: value.value };
          }
          try {
            applyPatch(documents[t], [operation], true, true);
          } catch (error) {
            log.errors.push({
              object: classKey,
              path: joinPath(opAt, 'path'),
              message: `cannot be applied to ${target.description}: ${patchFailure(error as Error)}`,
            });
          }
        });
      }
    });
  });
  return log.errors.length === before ? documents : undefined;
}

// fast-json-patch's error names (JsonPatchError.name), said the way a class author fixes them.
const failures: Record<string, string> = {
  OPERATION_PATH_CANNOT_ADD: 'its parent does not exist in the template (add creates the last step of a path only)',
  OPERATION_PATH_UNRESOLVABLE: 'it does not exist in the template',
  OPERATION_PATH_ILLEGAL_ARRAY_INDEX: 'it indexes a list with something other than a number or -',
  OPERATION_VALUE_OUT_OF_BOUNDS: 'the list index is past its end',
};

function patchFailure(error: Error): string {
  return failures[error.name] ?? error.message.split('\n')[0] ?? error.message;
}
