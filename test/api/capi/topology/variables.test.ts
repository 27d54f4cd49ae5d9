import { describe, expect, it } from 'vitest';
import type { ClusterClassVariable } from '../../../../api/capi/cluster-class.ts';
import type { ClusterTopology } from '../../../../api/capi/cluster-topology.ts';
import { describeIssue, newIssueLog } from '../../../../api/capi/mapping/issues.ts';
import { resolveVariables, type ResolvedVariables } from '../../../../api/capi/topology/variables.ts';

const classKey = { kind: 'ClusterClass', namespace: 'default', name: 'talos' };
const clusterKey = { kind: 'Cluster', namespace: 'default', name: 'alpha' };

const definitions: ClusterClassVariable[] = [
  { name: 'cores', required: false, schema: { openAPIV3Schema: { type: 'integer', minimum: 1, maximum: 5, default: 2 } } },
  {
    name: 'endpoint',
    required: true,
    schema: {
      openAPIV3Schema: {
        type: 'object',
        required: ['host'],
        properties: { host: { type: 'string', format: 'ipv4' }, port: { type: 'integer', default: 6443 } },
      },
    },
  },
  { name: 'mode', required: false, schema: { openAPIV3Schema: { type: 'string', enum: ['fast', 'safe'] } } },
  { name: 'ratio', required: false, schema: { openAPIV3Schema: { type: 'number', maximum: 1, exclusiveMaximum: true } } },
  { name: 'note', required: false, schema: { openAPIV3Schema: { type: 'string', nullable: true, maxLength: 8 } } },
  { name: 'extra', required: false, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } },
  { name: 'surge', required: false, schema: { openAPIV3Schema: { 'x-kubernetes-int-or-string': true } } },
];

function topology(variables: { name: string; value: unknown }[], overrides?: { name: string; value: unknown }[]): ClusterTopology {
  return {
    class: 'talos',
    version: 'v1.33.4',
    variables,
    workers: { machineDeployments: [{ class: 'worker', name: 'md-0', ...(overrides ? { variables: { overrides } } : {}) }] },
  };
}

function resolved(
  t: ClusterTopology,
  defs = definitions,
): { variables: ResolvedVariables | undefined; errors: string[]; warnings: string[] } {
  const log = newIssueLog();
  const variables = resolveVariables(defs, classKey, t, clusterKey, log);
  return { variables, errors: log.errors.map(describeIssue), warnings: log.warnings.map(describeIssue) };
}

const endpoint = { name: 'endpoint', value: { host: '10.0.0.5' } };

describe('ClusterClass variables', () => {
  it('checks values, fills in schema defaults and applies a MachineDeployment’s overrides', () => {
    const { variables, errors } = resolved(
      topology(
        [
          endpoint,
          { name: 'mode', value: 'safe' },
          { name: 'ratio', value: 0.5 },
          { name: 'note', value: null },
          { name: 'extra', value: { any: { thing: 1 } } },
          { name: 'surge', value: '25%' },
        ],
        [{ name: 'cores', value: 4 }],
      ),
    );
    expect(errors).toEqual([]);
    expect(variables?.cluster).toEqual({
      cores: 2,
      endpoint: { host: '10.0.0.5', port: 6443 },
      mode: 'safe',
      ratio: 0.5,
      note: null,
      extra: { any: { thing: 1 } },
      surge: '25%',
    });
    expect(variables?.machineDeployments.get('md-0')).toMatchObject({ cores: 4, mode: 'safe' });
  });

  it.each([
    [
      'a required variable is missing',
      topology([]),
      ['Cluster default/alpha spec.topology.variables: must set endpoint: ClusterClass default/talos requires it'],
    ],
    [
      'a variable the class does not define',
      topology([endpoint, { name: 'colour', value: 'red' }]),
      ['Cluster default/alpha spec.topology.variables[1].name: colour is not a variable of ClusterClass default/talos'],
    ],
    [
      'a value above its maximum',
      topology([endpoint, { name: 'cores', value: 9 }]),
      ['Cluster default/alpha spec.topology.variables[1].value: must be <= 5'],
    ],
    [
      'a value of the wrong type',
      topology([endpoint, { name: 'cores', value: 'two' }]),
      ['Cluster default/alpha spec.topology.variables[1].value: must be integer'],
    ],
    [
      'a value outside its enum',
      topology([endpoint, { name: 'mode', value: 'reckless' }]),
      ['Cluster default/alpha spec.topology.variables[1].value: must be one of "fast", "safe"'],
    ],
    [
      'an exclusive maximum reached',
      topology([endpoint, { name: 'ratio', value: 1 }]),
      ['Cluster default/alpha spec.topology.variables[1].value: must be < 1'],
    ],
    [
      'a format violated inside an object',
      topology([{ name: 'endpoint', value: { host: 'not-an-ip' } }]),
      ['Cluster default/alpha spec.topology.variables[0].value.host: must match format "ipv4"'],
    ],
    [
      'a required field of an object missing',
      topology([{ name: 'endpoint', value: { port: 6443 } }]),
      ['Cluster default/alpha spec.topology.variables[0].value.host: is required'],
    ],
    [
      'a field the object schema does not declare',
      topology([{ name: 'endpoint', value: { host: '10.0.0.5', scheme: 'https' } }]),
      ["Cluster default/alpha spec.topology.variables[0].value.scheme: is not a field of the variable's schema"],
    ],
    [
      'a variable set twice',
      topology([endpoint, endpoint]),
      ['Cluster default/alpha spec.topology.variables[1].name: endpoint is set twice'],
    ],
    [
      'an override failing the schema',
      topology([endpoint], [{ name: 'cores', value: 0 }]),
      ['Cluster default/alpha spec.topology.workers.machineDeployments[0].variables.overrides[0].value: must be >= 1'],
    ],
    [
      'an override of an unknown variable',
      topology([endpoint], [{ name: 'size', value: 1 }]),
      [
        'Cluster default/alpha spec.topology.workers.machineDeployments[0].variables.overrides[0].name: size is not a variable of ClusterClass default/talos',
      ],
    ],
    [
      'a too long string',
      topology([endpoint, { name: 'note', value: 'far too long' }]),
      ['Cluster default/alpha spec.topology.variables[1].value: must NOT have more than 8 characters'],
    ],
  ])('refuses %s', (_, t, expected) => {
    const { variables, errors } = resolved(t);
    expect(variables).toBeUndefined();
    expect(errors).toEqual(expected);
  });

  it('refuses variables discovered from runtime extensions', () => {
    const t = topology([{ ...endpoint, definitionFrom: 'ext' } as never]);
    expect(resolved(t).errors).toEqual([
      'Cluster default/alpha spec.topology.variables[0].definitionFrom: is not supported by Capstan: variables come from the ClusterClass only (Capstan runs no runtime extensions)',
    ]);
  });

  it.each([
    [
      'CEL rules',
      { type: 'string', 'x-kubernetes-validations': [{ rule: 'self.size() > 1' }] },
      'ClusterClass default/talos spec.variables[0].schema.openAPIV3Schema.x-kubernetes-validations: CEL validation rules are not supported by Capstan; express the rule with schema keywords',
    ],
    [
      'keywords outside the Kubernetes subset',
      { type: 'object', properties: { a: { type: 'string', $ref: '#/x' } } },
      'ClusterClass default/talos spec.variables[0].schema.openAPIV3Schema.properties.a.$ref: $ref is not supported in a variable schema by Capstan',
    ],
  ])('refuses a class whose schema uses %s', (_, schema, expected) => {
    const defs: ClusterClassVariable[] = [{ name: 'v', required: false, schema: { openAPIV3Schema: schema } }];
    expect(resolved(topology([]), defs).errors).toEqual([expected]);
  });

  it('refuses the reserved name builtin and a default its own schema rejects', () => {
    const defs: ClusterClassVariable[] = [
      { name: 'builtin', required: false, schema: { openAPIV3Schema: { type: 'string' } } },
      { name: 'n', required: false, schema: { openAPIV3Schema: { type: 'integer', maximum: 3, default: 4 } } },
    ];
    expect(resolved(topology([]), defs).errors).toEqual([
      'ClusterClass default/talos spec.variables[0].name: must not be builtin nor contain a dot: patches address variables by dotted paths',
    ]);
    expect(resolved(topology([]), defs.slice(1)).errors).toEqual([
      'ClusterClass default/talos spec.variables[0].schema.openAPIV3Schema.default: must be <= 3',
    ]);
  });

  it('warns about formats it does not check instead of pretending to', () => {
    const defs: ClusterClassVariable[] = [{ name: 'url', required: false, schema: { openAPIV3Schema: { type: 'string', format: 'uri' } } }];
    const { errors, warnings, variables } = resolved(topology([{ name: 'url', value: 'anything' }]), defs);
    expect(errors).toEqual([]);
    expect(variables?.cluster).toEqual({ url: 'anything' });
    expect(warnings).toEqual([
      'ClusterClass default/talos spec.variables[0].schema.openAPIV3Schema.format: uri is not checked by Capstan: values are accepted without it',
    ]);
  });
});
