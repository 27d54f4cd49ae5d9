// The RBAC a ServiceAccount gets from the built manifests: the rules of every ClusterRole bound to
// it cluster-wide, and of every Role bound to it in the Role's namespace.
import type { GrantedRule } from './audit-log.ts';
import type { BuiltObject } from './kustomize.ts';

interface Binding {
  readonly roleRef: { readonly kind: string; readonly name: string };
  readonly subjects?: readonly { readonly kind: string; readonly name: string; readonly namespace?: string }[];
}
interface RoleObject {
  readonly rules?: readonly { readonly apiGroups?: string[]; readonly resources?: string[]; readonly verbs: string[] }[];
}

/** Every rule `namespace/name` holds through the bindings among `objects`. */
export function rulesOfServiceAccount(objects: readonly BuiltObject[], serviceAccount: { namespace: string; name: string }): GrantedRule[] {
  const find = (kind: string, name: string, namespace?: string): RoleObject | undefined =>
    objects.find((o) => o.kind === kind && o.metadata.name === name && (namespace === undefined || o.metadata.namespace === namespace)) as
      RoleObject | undefined;
  const bound = (object: BuiltObject): boolean =>
    ((object as unknown as Binding).subjects ?? []).some(
      (s) => s.kind === 'ServiceAccount' && s.name === serviceAccount.name && s.namespace === serviceAccount.namespace,
    );
  return objects.flatMap((object) => {
    if ((object.kind !== 'ClusterRoleBinding' && object.kind !== 'RoleBinding') || !bound(object)) return [];
    const { roleRef } = object as unknown as Binding;
    const namespace = object.kind === 'RoleBinding' ? object.metadata.namespace : undefined;
    const role = find(roleRef.kind, roleRef.name, roleRef.kind === 'Role' ? namespace : undefined);
    if (!role) throw new Error(`${object.kind} ${object.metadata.name} names ${roleRef.kind} ${roleRef.name}, which the manifests lack`);
    return (role.rules ?? []).map((rule) => ({
      apiGroups: rule.apiGroups ?? [],
      resources: rule.resources ?? [],
      verbs: rule.verbs,
      ...(namespace ? { namespace } : {}),
    }));
  });
}
