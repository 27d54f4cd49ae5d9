import { z } from 'zod';
import { defineCrd } from '../crd/define-crd.ts';
import { clusterNameLabel } from './annotations.ts';
import { Conditions } from './conditions.ts';
import { capiCategory, capiGroup, capiVersion } from './groups.ts';
import { LabelSelector, ObjectEnvelope, ObjectReference } from './meta.ts';
import { MetaConditions } from './v1beta2/meta.ts';

// Durations are short strings: the bound keeps the CEL rules on them cheap for the API server's cost estimate.
const goDuration = /^(0|(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+)$/;
const Duration = z.string().max(32).regex(goDuration, 'must be a duration like 90s or 10m');

/** CAPI's default nodeStartupTimeout, as its defaulting webhook writes it. */
export const defaultNodeStartupTimeout = '10m0s';
/** CAPI's default maxUnhealthy: remediation never stops for the number of unhealthy machines. */
export const defaultMaxUnhealthy = '100%';
/** `[1-3]`: CAPI's unhealthyRange. */
export const unhealthyRangePattern = /^\[[0-9]+-[0-9]+\]$/;

/** A Node condition that, held longer than `timeout`, makes a machine unhealthy (clusterv1.UnhealthyCondition). */
export const MhcUnhealthyCondition = z.object({
  type: z.string().min(1),
  status: z.string().min(1),
  timeout: Duration,
});

/** `cluster.x-k8s.io/v1beta1` MachineHealthCheck spec, with CAPI's fields and its webhook's checks as schema rules. */
export const MachineHealthCheckSpec = z
  .object({
    clusterName: z.string().min(1).max(63),
    /** Which of the cluster's Machines this check watches; must not be empty. */
    selector: LabelSelector.meta({
      'x-kubernetes-validations': [
        {
          rule: '(has(self.matchLabels) && size(self.matchLabels) > 0) || (has(self.matchExpressions) && size(self.matchExpressions) > 0)',
          message: 'must not be empty: an empty selector would select every Machine',
        },
      ],
    }),
    unhealthyConditions: z.array(MhcUnhealthyCondition).max(100).optional(),
    /** A count or a percentage of the targets: remediation stops while more are unhealthy. */
    maxUnhealthy: z
      .union([z.number().int(), z.string().max(16)])
      .default(defaultMaxUnhealthy)
      .meta({
        'x-kubernetes-validations': [
          { rule: "type(self) == int ? self >= 0 : self.matches('^[0-9]+%$')", message: 'must be a count or a percentage like 40%' },
        ],
      }),
    /** `[min-max]`: remediate only while the number of unhealthy targets is within it; overrides maxUnhealthy. */
    unhealthyRange: z
      .string()
      .max(32)
      .regex(unhealthyRangePattern, 'must be [min-max], e.g. [1-3]')
      .meta({
        'x-kubernetes-validations': [
          {
            rule: "!self.matches('^\\\\[[0-9]+-[0-9]+\\\\]$') || int(self.substring(1, self.indexOf('-'))) <= int(self.substring(self.indexOf('-') + 1, self.size() - 1))",
            message: 'must be [min-max] with min not above max, e.g. [1-3]',
          },
        ],
      })
      .optional(),
    /** How long a Machine may go without a Node; 0 turns the check off, anything else is at least 30s. */
    nodeStartupTimeout: Duration.default(defaultNodeStartupTimeout).meta({
      'x-kubernetes-validations': [
        {
          rule: "!self.matches('^(0|([0-9]+(\\\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+)$') || duration(self) == duration('0s') || duration(self) >= duration('30s')",
          message: 'must be 0 (no startup check) or at least 30s',
        },
      ],
    }),
    /** External remediation (clusterv1.MachineHealthCheckSpec.RemediationTemplate): Capstan refuses it, it remediates by itself. */
    remediationTemplate: ObjectReference.optional(),
  })
  .meta({
    'x-kubernetes-validations': [
      {
        rule: `!has(self.selector.matchLabels) || !('${clusterNameLabel}' in self.selector.matchLabels) || self.selector.matchLabels['${clusterNameLabel}'] == self.clusterName`,
        message: `selector.matchLabels[${clusterNameLabel}] must be spec.clusterName: a MachineHealthCheck watches one cluster's Machines`,
      },
    ],
  });
export type MachineHealthCheckSpec = z.infer<typeof MachineHealthCheckSpec>;

/** MachineHealthCheck status, as CAPI's controller reports it; Capstan's cluster workflow writes it after each evaluation. */
export const MachineHealthCheckStatus = z.object({
  /** How many Machines the check watches. */
  expectedMachines: z.number().int().min(0).optional(),
  currentHealthy: z.number().int().min(0).optional(),
  /** How many more Machines may be remediated before maxUnhealthy / unhealthyRange stops it. */
  remediationsAllowed: z.number().int().min(0).optional(),
  observedGeneration: z.number().int().optional(),
  /** The names of the Machines it watches. */
  targets: z.array(z.string()).optional(),
  /** RemediationAllowed (False TooManyUnhealthy over the limit), as in CAPI. */
  conditions: Conditions.optional(),
  /** CAPI v1beta1's preview of v1beta2's status: what v1beta2 readers see in `status.conditions`. */
  v1beta2: z.object({ conditions: MetaConditions.optional() }).optional(),
});
export type MachineHealthCheckStatus = z.infer<typeof MachineHealthCheckStatus>;

/** The object as the API server stores it (the CRD's schema). */
export const MachineHealthCheckResource = z.object({ spec: MachineHealthCheckSpec, status: MachineHealthCheckStatus.optional() });

/** A MachineHealthCheck as read from the API server or a manifest. */
export const MachineHealthCheck = MachineHealthCheckResource.extend(ObjectEnvelope);
export type MachineHealthCheck = z.infer<typeof MachineHealthCheck>;

/** The MachineHealthCheck CRD: `kubectl get mhc` reads like CAPI's. */
export const machineHealthCheckCrd = defineCrd(
  {
    group: capiGroup,
    version: capiVersion,
    kind: 'MachineHealthCheck',
    plural: 'machinehealthchecks',
    singular: 'machinehealthcheck',
    shortNames: ['mhc', 'mhcs'],
    categories: [capiCategory],
    printerColumns: [
      { name: 'Cluster', type: 'string', jsonPath: '.spec.clusterName', description: 'Cluster' },
      {
        name: 'ExpectedMachines',
        type: 'integer',
        jsonPath: '.status.expectedMachines',
        description: 'Number of machines currently monitored',
      },
      { name: 'MaxUnhealthy', type: 'string', jsonPath: '.spec.maxUnhealthy', description: 'Maximum number of unhealthy machines allowed' },
      { name: 'CurrentHealthy', type: 'integer', jsonPath: '.status.currentHealthy', description: 'Current observed healthy machines' },
      {
        name: 'Age',
        type: 'date',
        jsonPath: '.metadata.creationTimestamp',
        description: 'Time duration since creation of MachineHealthCheck',
      },
    ],
  },
  MachineHealthCheckResource,
);
