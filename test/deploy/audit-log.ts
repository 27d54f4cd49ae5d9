// Reading kube-apiserver's audit log (JSON lines, audit.k8s.io/v1 Events): who asked for what,
// and whether RBAC allowed it; and matching those requests against the RBAC rules granted.
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const auditEventSchema = z.object({
  stage: z.string(),
  verb: z.string(),
  requestURI: z.string(),
  user: z.object({ username: z.string() }),
  objectRef: z
    .object({
      resource: z.string().optional(),
      subresource: z.string().optional(),
      namespace: z.string().optional(),
      apiGroup: z.string().optional(),
      name: z.string().optional(),
    })
    .optional(),
  responseStatus: z.object({ code: z.number().optional() }).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});

/** One request as the audit log records it. */
export type AuditEvent = z.infer<typeof auditEventSchema>;

/** The audit policy that logs every request of these users at Metadata level, and nothing else. */
export function auditPolicy(users: readonly string[]): string {
  return JSON.stringify({
    apiVersion: 'audit.k8s.io/v1',
    kind: 'Policy',
    omitStages: ['RequestReceived'],
    rules: [{ level: 'Metadata', users }, { level: 'None' }],
  });
}

/** Every event in the log file. */
export function readAuditLog(file: string): AuditEvent[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => auditEventSchema.parse(JSON.parse(line)));
}

/** What RBAC decided: `forbid` is a request the user's roles did not allow. */
export const isForbidden = (event: AuditEvent): boolean => event.annotations?.['authorization.k8s.io/decision'] === 'forbid';

/** A request in RBAC's terms: `verb group/resource[/subresource]` (namespace when namespaced). */
export interface ResourceRequest {
  readonly verb: string;
  readonly apiGroup: string;
  /** `resource` or `resource/subresource`, as RBAC rules name it. */
  readonly resource: string;
  readonly namespace?: string;
}

/** The resource requests among the events (non-resource URLs such as /version and /apis are left out). */
export function resourceRequests(events: readonly AuditEvent[]): ResourceRequest[] {
  return events.flatMap((event) => {
    const ref = event.objectRef;
    if (!ref?.resource) return [];
    return [
      {
        verb: event.verb,
        apiGroup: ref.apiGroup ?? '',
        resource: ref.subresource ? `${ref.resource}/${ref.subresource}` : ref.resource,
        ...(ref.namespace ? { namespace: ref.namespace } : {}),
      },
    ];
  });
}

/** One PolicyRule of a Role or ClusterRole, and where it applies (a Role: its namespace only). */
export interface GrantedRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
  readonly namespace?: string;
}

/** One verb on one resource that a rule grants: the unit the test wants each request to justify. */
export interface Grant {
  readonly verb: string;
  readonly apiGroup: string;
  readonly resource: string;
  readonly namespace?: string;
}

/** Each (group, resource, verb) a set of rules grants. */
export function grantsOf(rules: readonly GrantedRule[]): Grant[] {
  return rules.flatMap((rule) =>
    rule.apiGroups.flatMap((apiGroup) =>
      rule.resources.flatMap((resource) =>
        rule.verbs.map((verb) => ({ verb, apiGroup, resource, ...(rule.namespace ? { namespace: rule.namespace } : {}) })),
      ),
    ),
  );
}

/** Whether a request is what this grant allows. */
export function grantCovers(grant: Grant, request: ResourceRequest): boolean {
  const matches = (granted: string, asked: string): boolean => granted === '*' || granted === asked;
  return (
    matches(grant.verb, request.verb) &&
    matches(grant.apiGroup, request.apiGroup) &&
    matches(grant.resource, request.resource) &&
    (grant.namespace === undefined || grant.namespace === request.namespace)
  );
}

/** `verb group/resource` (`in namespace` for a Role's grant), for messages and tables. */
export const describeGrant = (grant: Grant | ResourceRequest): string =>
  `${grant.verb} ${grant.apiGroup === '' ? 'core' : grant.apiGroup}/${grant.resource}${'namespace' in grant && grant.namespace ? ` in ${grant.namespace}` : ''}`;
