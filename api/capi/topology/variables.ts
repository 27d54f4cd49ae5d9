import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { ClusterClassVariable } from '../cluster-class.ts';
import type { ClusterTopology, ClusterVariable } from '../cluster-topology.ts';
import { joinPath, type IssueLog, type ObjectKey } from '../mapping/issues.ts';
import { checkedFormats, toJsonSchema } from './openapi-schema.ts';

/** Variable name → value, as patches read them (`builtin` is added per template by the patch engine). */
export type VariableValues = Readonly<Record<string, unknown>>;

/** The variables of one Cluster: its own, and per topology MachineDeployment (name → values with its overrides). */
export interface ResolvedVariables {
  readonly cluster: VariableValues;
  readonly machineDeployments: ReadonlyMap<string, VariableValues>;
}

// ajv-formats is CommonJS: its default export arrives as the module object under NodeNext.
const addFormats = addFormatsModule as unknown as (ajv: Ajv, formats: string[]) => Ajv;
// One instance: compiling is pure, and its cache keeps a class's schemas compiled across calls.
const ajv = addFormats(new Ajv({ allErrors: true, strict: false, useDefaults: true }), [...checkedFormats]);

const reservedName = 'builtin';

interface CompiledVariable {
  readonly definition: ClusterClassVariable;
  readonly validate: ValidateFunction;
  readonly defaultValue: unknown;
  /** Where the schema is written in the ClusterClass, for issues about its default. */
  readonly schemaPath: string;
}

/**
 * Compiles each variable of the class; errors name the variable's schema field. Returns undefined
 * when any schema is refused, so no value is judged by a schema Capstan does not fully understand.
 */
export function compileVariables(
  definitions: readonly ClusterClassVariable[],
  classKey: ObjectKey,
  log: IssueLog,
): ReadonlyMap<string, CompiledVariable> | undefined {
  const compiled = new Map<string, CompiledVariable>();
  const errorsBefore = log.errors.length;
  definitions.forEach((definition, i) => {
    const at = joinPath('spec.variables', i);
    if (definition.name === reservedName || definition.name.includes('.')) {
      log.errors.push({
        object: classKey,
        path: joinPath(at, 'name'),
        message: `must not be ${reservedName} nor contain a dot: patches address variables by dotted paths`,
      });
      return;
    }
    if (compiled.has(definition.name)) {
      log.errors.push({ object: classKey, path: joinPath(at, 'name'), message: `${definition.name} is defined twice` });
      return;
    }
    const schemaPath = joinPath(at, 'schema', 'openAPIV3Schema');
    const schema = toJsonSchema(definition.schema.openAPIV3Schema, classKey, schemaPath, log);
    if (!schema) {
      return;
    }
    try {
      compiled.set(definition.name, { definition, validate: ajv.compile(schema), defaultValue: schema.default, schemaPath });
    } catch (error) {
      log.errors.push({ object: classKey, path: schemaPath, message: `is not a valid schema: ${(error as Error).message}` });
    }
  });
  return log.errors.length === errorsBefore ? compiled : undefined;
}

/** `/a/0/b` (ajv's instancePath, a JSON pointer) → segments `a`, 0, `b`. */
function pointerSegments(pointer: string): PropertyKey[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function describeSchemaError(error: ErrorObject, base: string): { path: string; message: string } {
  const at = joinPath(base, ...pointerSegments(error.instancePath));
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required') return { path: joinPath(at, String(params.missingProperty)), message: 'is required' };
  if (error.keyword === 'additionalProperties')
    return { path: joinPath(at, String(params.additionalProperty)), message: "is not a field of the variable's schema" };
  if (error.keyword === 'enum')
    return { path: at, message: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
  return { path: at, message: error.message ?? `fails ${error.keyword}` };
}

/** Checks one value; defaults inside it are filled in as the API server's defaulting would. */
function checkValue(variable: CompiledVariable, value: unknown, object: ObjectKey, path: string, log: IssueLog): unknown {
  const copy: unknown = structuredClone(value);
  if (variable.validate(copy)) return copy;
  for (const error of variable.validate.errors ?? []) log.errors.push({ object, ...describeSchemaError(error, path) });
  return undefined;
}

/** Values written in one list (`spec.topology.variables` or a MachineDeployment's overrides), checked. */
function valuesOf(
  written: readonly ClusterVariable[],
  compiled: ReadonlyMap<string, CompiledVariable>,
  className: string,
  object: ObjectKey,
  path: string,
  log: IssueLog,
): { values: Map<string, unknown>; named: Set<string> } {
  const values = new Map<string, unknown>();
  // Names written, valid or not: an invalid value is reported once, not also as missing.
  const named = new Set<string>();
  const checked = new Set<string>();
  written.forEach((variable, i) => {
    const at = joinPath(path, i);
    named.add(variable.name);
    if (variable.definitionFrom !== undefined && variable.definitionFrom !== '') {
      log.errors.push({
        object,
        path: joinPath(at, 'definitionFrom'),
        message: 'is not supported by Capstan: variables come from the ClusterClass only (Capstan runs no runtime extensions)',
      });
      return;
    }
    const definition = compiled.get(variable.name);
    if (!definition) {
      log.errors.push({ object, path: joinPath(at, 'name'), message: `${variable.name} is not a variable of ClusterClass ${className}` });
      return;
    }
    if (checked.has(variable.name)) {
      log.errors.push({ object, path: joinPath(at, 'name'), message: `${variable.name} is set twice` });
      return;
    }
    checked.add(variable.name);
    const value = checkValue(definition, variable.value, object, joinPath(at, 'value'), log);
    if (value !== undefined) values.set(variable.name, value);
  });
  return { values, named };
}

/**
 * The Cluster's variable values checked against its ClusterClass: unknown names, values failing
 * their schema and missing required variables are errors naming the field; unset variables with a
 * schema default get it, as CAPI's defaulting webhook gives it. Overrides of each topology
 * MachineDeployment replace the Cluster's values for that MachineDeployment.
 */
export function resolveVariables(
  definitions: readonly ClusterClassVariable[],
  classKey: ObjectKey,
  topology: ClusterTopology,
  clusterKey: ObjectKey,
  log: IssueLog,
): ResolvedVariables | undefined {
  const compiled = compileVariables(definitions, classKey, log);
  if (!compiled) return undefined;
  const before = log.errors.length;
  const className = `${classKey.namespace}/${classKey.name}`;
  const { values: written, named } = valuesOf(topology.variables ?? [], compiled, className, clusterKey, 'spec.topology.variables', log);
  const cluster: Record<string, unknown> = {};
  for (const [name, variable] of compiled) {
    if (written.has(name)) cluster[name] = written.get(name);
    else if (named.has(name)) continue;
    else if (variable.defaultValue !== undefined)
      cluster[name] = checkValue(variable, variable.defaultValue, classKey, joinPath(variable.schemaPath, 'default'), log);
    else if (variable.definition.required)
      log.errors.push({
        object: clusterKey,
        path: 'spec.topology.variables',
        message: `must set ${name}: ClusterClass ${className} requires it`,
      });
  }
  const machineDeployments = new Map<string, VariableValues>();
  (topology.workers?.machineDeployments ?? []).forEach((md, i) => {
    const path = joinPath('spec.topology.workers.machineDeployments', i, 'variables', 'overrides');
    const { values: overrides } = valuesOf(md.variables?.overrides ?? [], compiled, className, clusterKey, path, log);
    machineDeployments.set(md.name, { ...cluster, ...Object.fromEntries(overrides) });
  });
  return log.errors.length === before ? { cluster, machineDeployments } : undefined;
}
