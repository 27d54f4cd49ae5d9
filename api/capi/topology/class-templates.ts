import type { z } from 'zod';
import type { ClusterClass, MachineDeploymentClass } from '../cluster-class.ts';
import { bootstrapGroup, controlPlaneGroup, groupOf, infrastructureGroup } from '../groups.ts';
import { joinPath, parseAt, type IssueLog, type ObjectKey } from '../mapping/issues.ts';
import type { ObjectReference } from '../meta.ts';
import { ProxmoxClusterTemplate } from '../proxmox-cluster-template.ts';
import { ProxmoxMachineTemplate } from '../proxmox-machine-template.ts';
import { TalosConfigTemplate } from '../talos-config-template.ts';
import { TalosControlPlaneTemplate } from '../talos-control-plane-template.ts';
import type { TopologyObjects } from './topology-objects.ts';

/** A template the class names, validated, with the apiVersion and kind patches select it by. */
export interface ClassTemplate<T> {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly object: T;
}

/** The templates of one worker class. */
export interface WorkerClassTemplates {
  readonly definition: MachineDeploymentClass;
  readonly bootstrap: ClassTemplate<TalosConfigTemplate>;
  readonly infrastructure: ClassTemplate<ProxmoxMachineTemplate>;
}

/** Every template a ClusterClass names. */
export interface ClassTemplates {
  readonly infrastructure: ClassTemplate<ProxmoxClusterTemplate>;
  readonly controlPlane: ClassTemplate<TalosControlPlaneTemplate>;
  readonly controlPlaneMachine: ClassTemplate<ProxmoxMachineTemplate>;
  readonly workers: ReadonlyMap<string, WorkerClassTemplates>;
}

interface TemplateKind<S extends z.ZodType> {
  readonly kind: string;
  readonly group: string;
  readonly list: keyof TopologyObjects;
  readonly schema: S;
}

const kinds = {
  ProxmoxClusterTemplate: {
    kind: 'ProxmoxClusterTemplate',
    group: infrastructureGroup,
    list: 'proxmoxClusterTemplates',
    schema: ProxmoxClusterTemplate,
  },
  TalosControlPlaneTemplate: {
    kind: 'TalosControlPlaneTemplate',
    group: controlPlaneGroup,
    list: 'talosControlPlaneTemplates',
    schema: TalosControlPlaneTemplate,
  },
  ProxmoxMachineTemplate: {
    kind: 'ProxmoxMachineTemplate',
    group: infrastructureGroup,
    list: 'proxmoxMachineTemplates',
    schema: ProxmoxMachineTemplate,
  },
  TalosConfigTemplate: { kind: 'TalosConfigTemplate', group: bootstrapGroup, list: 'talosConfigTemplates', schema: TalosConfigTemplate },
} as const satisfies Record<string, TemplateKind<z.ZodType>>;

interface Named {
  readonly metadata?: { readonly name?: unknown; readonly namespace?: unknown };
}

/** The raw object `namespace/name` of a list (objects without a namespace count as `namespace`'s). */
export function rawObject(list: readonly unknown[], namespace: string, name: string): unknown {
  return list.find((o) => (o as Named | null)?.metadata?.name === name && ((o as Named).metadata?.namespace ?? namespace) === namespace);
}

function resolve<S extends z.ZodType>(
  objects: TopologyObjects,
  info: TemplateKind<S>,
  ref: ObjectReference | undefined,
  classKey: ObjectKey,
  path: string,
  log: IssueLog,
): ClassTemplate<z.output<S>> | undefined {
  if (ref === undefined) {
    log.errors.push({ object: classKey, path, message: `is required: it must name a ${info.kind}` });
    return undefined;
  }
  const refAt = (field: string): string => joinPath(path, 'ref', field);
  if (ref.kind !== undefined && ref.kind !== info.kind) {
    log.errors.push({
      object: classKey,
      path: refAt('kind'),
      message: `must be ${info.kind}, not ${ref.kind}: Capstan builds Talos clusters on Proxmox VE only`,
    });
    return undefined;
  }
  const apiVersion = ref.apiVersion ?? '';
  if (groupOf(apiVersion) !== info.group) {
    log.errors.push({
      object: classKey,
      path: refAt('apiVersion'),
      message: `must be in the API group ${info.group}, not ${apiVersion || 'empty'}`,
    });
    return undefined;
  }
  if (ref.namespace !== undefined && ref.namespace !== classKey.namespace) {
    log.errors.push({ object: classKey, path: refAt('namespace'), message: `must be the ClusterClass's namespace ${classKey.namespace}` });
    return undefined;
  }
  const raw = rawObject(objects[info.list], classKey.namespace, ref.name);
  if (raw === undefined) {
    log.errors.push({ object: classKey, path: refAt('name'), message: `${info.kind} ${classKey.namespace}/${ref.name} does not exist` });
    return undefined;
  }
  const key = { kind: info.kind, namespace: classKey.namespace, name: ref.name };
  const object = parseAt(info.schema, raw, key, '', log);
  return object === undefined ? undefined : { apiVersion, kind: info.kind, name: ref.name, object };
}

/** Follows the class's references to its templates; every missing or foreign one is an error naming its field. */
export function classTemplates(cc: ClusterClass, classKey: ObjectKey, objects: TopologyObjects, log: IssueLog): ClassTemplates | undefined {
  const spec = cc.spec;
  const infrastructure = resolve(objects, kinds.ProxmoxClusterTemplate, spec.infrastructure.ref, classKey, 'spec.infrastructure', log);
  const controlPlane = resolve(objects, kinds.TalosControlPlaneTemplate, spec.controlPlane.ref, classKey, 'spec.controlPlane', log);
  const controlPlaneMachine = resolve(
    objects,
    kinds.ProxmoxMachineTemplate,
    spec.controlPlane.machineInfrastructure?.ref,
    classKey,
    'spec.controlPlane.machineInfrastructure',
    log,
  );
  const workers = new Map<string, WorkerClassTemplates>();
  const errorsBefore = log.errors.length;
  (spec.workers?.machineDeployments ?? []).forEach((definition, i) => {
    const at = joinPath('spec.workers.machineDeployments', i);
    if (workers.has(definition.class)) {
      log.errors.push({ object: classKey, path: joinPath(at, 'class'), message: `${definition.class} is defined twice` });
      return;
    }
    const bootstrap = resolve(
      objects,
      kinds.TalosConfigTemplate,
      definition.template.bootstrap.ref,
      classKey,
      joinPath(at, 'template', 'bootstrap'),
      log,
    );
    const infra = resolve(
      objects,
      kinds.ProxmoxMachineTemplate,
      definition.template.infrastructure.ref,
      classKey,
      joinPath(at, 'template', 'infrastructure'),
      log,
    );
    if (bootstrap && infra) workers.set(definition.class, { definition, bootstrap, infrastructure: infra });
  });
  if (!infrastructure || !controlPlane || !controlPlaneMachine || log.errors.length > errorsBefore) return undefined;
  return { infrastructure, controlPlane, controlPlaneMachine, workers };
}
