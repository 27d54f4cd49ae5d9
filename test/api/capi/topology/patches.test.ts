import { describe, expect, it } from 'vitest';
import type { ClusterClassPatch, JsonPatch, PatchSelector } from '../../../../api/capi/cluster-class.ts';
import { describeIssue, newIssueLog } from '../../../../api/capi/mapping/issues.ts';
import { goFloat, renderTemplate } from '../../../../api/capi/topology/go-template.ts';
import { applyPatches, checkPatches, type PatchTarget } from '../../../../api/capi/topology/patches.ts';

const classKey = { kind: 'ClusterClass', namespace: 'default', name: 'talos' };
const infra = 'infrastructure.cluster.x-k8s.io/v1alpha1';

const variables = {
  cores: 4,
  endpoint: { host: '10.0.0.5', port: 6443 },
  vlanOn: true,
  vlanOff: false,
  builtin: {
    cluster: { name: 'alpha', namespace: 'default', topology: { version: 'v1.33.4', class: 'talos' } },
  },
};

const targets: PatchTarget[] = [
  {
    role: 'infrastructureCluster',
    description: 'the ProxmoxClusterTemplate talos',
    object: { apiVersion: infra, kind: 'ProxmoxClusterTemplate', spec: { template: { spec: { dnsServers: ['1.1.1.1'] } } } },
    variables,
  },
  {
    role: 'controlPlane',
    description: 'the TalosControlPlaneTemplate talos-cp',
    object: { apiVersion: 'controlplane.cluster.x-k8s.io/v1alpha3', kind: 'TalosControlPlaneTemplate', spec: { template: { spec: {} } } },
    variables: { ...variables, builtin: { ...variables.builtin, controlPlane: { name: 'alpha-x', version: 'v1.33.4', replicas: 3 } } },
  },
  {
    role: 'controlPlaneMachineInfrastructure',
    description: "the control plane's ProxmoxMachineTemplate talos-cp",
    object: { apiVersion: infra, kind: 'ProxmoxMachineTemplate', spec: { template: { spec: { numCores: 2 } } } },
    variables: { ...variables, builtin: { ...variables.builtin, controlPlane: { name: 'alpha-x', version: 'v1.33.4', replicas: 3 } } },
  },
  ...['default-worker', 'gpu-worker'].map((mdClass): PatchTarget => ({
    role: 'machineDeploymentInfrastructure',
    machineDeploymentClass: mdClass,
    description: `the ProxmoxMachineTemplate of ${mdClass}`,
    object: { apiVersion: infra, kind: 'ProxmoxMachineTemplate', spec: { template: { spec: { numCores: 2, tags: ['a', 'b'] } } } },
    variables: {
      ...variables,
      builtin: {
        ...variables.builtin,
        machineDeployment: { name: `alpha-${mdClass}-abcde`, class: mdClass, topologyName: 'md-0', version: 'v1.33.4', replicas: 2 },
      },
    },
  })),
];

const cpSelector: PatchSelector = { apiVersion: infra, kind: 'ProxmoxMachineTemplate', matchResources: { controlPlane: true } };

function patch(jsonPatches: JsonPatch[], selector: PatchSelector = cpSelector, extra: Partial<ClusterClassPatch> = {}): ClusterClassPatch {
  return { name: 'p', definitions: [{ selector, jsonPatches }], ...extra };
}

/** The patched specs (`spec.template.spec`) of every target, or the errors. */
function run(patches: ClusterClassPatch[]): { specs?: unknown[]; errors: string[] } {
  const log = newIssueLog();
  if (!checkPatches(patches, classKey, log)) return { errors: log.errors.map(describeIssue) };
  const patched = applyPatches(patches, targets, classKey, log);
  return {
    ...(patched ? { specs: patched.map((p) => (p.spec as { template: { spec: unknown } }).template.spec) } : {}),
    errors: log.errors.map(describeIssue),
  };
}

const cpMachine = (patches: ClusterClassPatch[]): unknown => {
  const { specs, errors } = run(patches);
  expect(errors).toEqual([]);
  return specs?.[2];
};

describe('ClusterClass inline patches', () => {
  it.each([
    ['add a value', [{ op: 'add', path: '/spec/template/spec/memoryMiB', value: 4096 }], { numCores: 2, memoryMiB: 4096 }],
    ['replace a value', [{ op: 'replace', path: '/spec/template/spec/numCores', value: 8 }], { numCores: 8 }],
    ['remove a field', [{ op: 'remove', path: '/spec/template/spec/numCores' }], {}],
    ['add from a variable', [{ op: 'add', path: '/spec/template/spec/numCores', valueFrom: { variable: 'cores' } }], { numCores: 4 }],
    [
      'add from a field of an object variable',
      [{ op: 'add', path: '/spec/template/spec/target', valueFrom: { variable: 'endpoint.host' } }],
      { numCores: 2, target: '10.0.0.5' },
    ],
    [
      'add a whole object variable',
      [{ op: 'add', path: '/spec/template/spec/endpoint', valueFrom: { variable: 'endpoint' } }],
      { numCores: 2, endpoint: { host: '10.0.0.5', port: 6443 } },
    ],
    [
      'add builtin variables',
      [
        { op: 'add', path: '/spec/template/spec/description', valueFrom: { variable: 'builtin.cluster.name' } },
        { op: 'add', path: '/spec/template/spec/pool', valueFrom: { variable: 'builtin.cluster.namespace' } },
        { op: 'add', path: '/spec/template/spec/snapName', valueFrom: { variable: 'builtin.controlPlane.version' } },
        { op: 'replace', path: '/spec/template/spec/numCores', valueFrom: { variable: 'builtin.controlPlane.replicas' } },
        { op: 'add', path: '/spec/template/spec/target', valueFrom: { variable: 'builtin.controlPlane.name' } },
        { op: 'add', path: '/spec/template/spec/storage', valueFrom: { variable: 'builtin.cluster.topology.class' } },
      ],
      { numCores: 3, description: 'alpha', pool: 'default', snapName: 'v1.33.4', target: 'alpha-x', storage: 'talos' },
    ],
    [
      'add a rendered template, read as YAML',
      [
        {
          op: 'add',
          path: '/spec/template/spec/description',
          valueFrom: { template: '{{ .builtin.cluster.name }}-{{ .cores }} on {{ .endpoint.host }}' },
        },
        { op: 'replace', path: '/spec/template/spec/numCores', valueFrom: { template: '{{ .cores }}' } },
        { op: 'add', path: '/spec/template/spec/tags', valueFrom: { template: '[{{ .builtin.cluster.topology.version }}, x]' } },
        { op: 'add', path: '/spec/template/spec/full', valueFrom: { template: '{{- .vlanOn -}}' } },
      ],
      { numCores: 4, description: 'alpha-4 on 10.0.0.5', tags: ['v1.33.4', 'x'], full: true },
    ],
  ] as [string, JsonPatch[], unknown][])('can %s', (_, jsonPatches, expected) => {
    expect(cpMachine([patch(jsonPatches)])).toEqual(expected);
  });

  it('applies patches in order, each seeing the one before', () => {
    const patches = [
      patch([{ op: 'add', path: '/spec/template/spec/tags', value: ['x'] }]),
      patch([{ op: 'add', path: '/spec/template/spec/tags/-', value: 'y' }]),
    ];
    expect(cpMachine(patches)).toEqual({ numCores: 2, tags: ['x', 'y'] });
  });

  it('selects templates by apiVersion, kind and slot, as CAPI does', () => {
    const set = (selector: PatchSelector): ClusterClassPatch =>
      patch([{ op: 'add', path: '/spec/template/spec/hit', value: true }], selector);
    const hits = (selector: PatchSelector): number[] =>
      (run([set(selector)]).specs ?? []).flatMap((spec, i) => ((spec as { hit?: boolean }).hit ? [i] : []));
    expect(hits({ apiVersion: infra, kind: 'ProxmoxClusterTemplate', matchResources: { infrastructureCluster: true } })).toEqual([0]);
    expect(
      hits({
        apiVersion: 'controlplane.cluster.x-k8s.io/v1alpha3',
        kind: 'TalosControlPlaneTemplate',
        matchResources: { controlPlane: true },
      }),
    ).toEqual([1]);
    // controlPlane also matches the control plane's machine template, and only it among ProxmoxMachineTemplates.
    expect(hits(cpSelector)).toEqual([2]);
    const md = (names: string[]): PatchSelector => ({
      apiVersion: infra,
      kind: 'ProxmoxMachineTemplate',
      matchResources: { machineDeploymentClass: { names } },
    });
    expect(hits(md(['default-worker']))).toEqual([3]);
    expect(hits(md(['*']))).toEqual([3, 4]);
    expect(hits(md(['gpu-*']))).toEqual([4]);
    expect(hits(md(['*-worker']))).toEqual([3, 4]);
    expect(hits(md(['other']))).toEqual([]);
    // The wrong apiVersion matches nothing, even in the right slot.
    expect(
      hits({
        apiVersion: 'infrastructure.cluster.x-k8s.io/v1alpha2',
        kind: 'ProxmoxMachineTemplate',
        matchResources: { controlPlane: true },
      }),
    ).toEqual([]);
  });

  it('reads builtin.machineDeployment for worker templates', () => {
    const { specs, errors } = run([
      patch(
        [
          {
            op: 'add',
            path: '/spec/template/spec/description',
            valueFrom: {
              template:
                '{{ .builtin.machineDeployment.name }}/{{ .builtin.machineDeployment.topologyName }}/{{ .builtin.machineDeployment.class }}',
            },
          },
          { op: 'replace', path: '/spec/template/spec/numCores', valueFrom: { variable: 'builtin.machineDeployment.replicas' } },
          { op: 'add', path: '/spec/template/spec/snapName', valueFrom: { variable: 'builtin.machineDeployment.version' } },
        ],
        { apiVersion: infra, kind: 'ProxmoxMachineTemplate', matchResources: { machineDeploymentClass: { names: ['gpu-worker'] } } },
      ),
    ]);
    expect(errors).toEqual([]);
    expect(specs?.[4]).toEqual({
      numCores: 2,
      tags: ['a', 'b'],
      description: 'alpha-gpu-worker-abcde/md-0/gpu-worker',
      snapName: 'v1.33.4',
    });
  });

  it.each([
    ['{{ .vlanOn }}', 3],
    ['{{ .vlanOff }}', 2],
    ['true', 3],
    ['{{ .notSet }}', 2],
    ['{{ .cores }}', 2],
  ])('enables a patch when enabledIf %s renders true', (enabledIf, cores) => {
    expect(cpMachine([patch([{ op: 'replace', path: '/spec/template/spec/numCores', value: 3 }], cpSelector, { enabledIf })])).toEqual({
      numCores: cores,
    });
  });

  it.each([
    [
      'an operation other than add, replace and remove',
      patch([{ op: 'move', path: '/spec/template/spec/a', value: 1 }]),
      'ClusterClass default/talos spec.patches[0].definitions[0].jsonPatches[0].op: must be add, replace or remove, not move',
    ],
    [
      'a path outside spec',
      patch([{ op: 'add', path: '/metadata/labels/x', value: 'y' }]),
      'ClusterClass default/talos spec.patches[0].definitions[0].jsonPatches[0].path: must start with /spec/: patches change templates’ specs only',
    ],
    [
      'both value and valueFrom',
      patch([{ op: 'add', path: '/spec/a', value: 1, valueFrom: { variable: 'cores' } }]),
      'ClusterClass default/talos spec.patches[0].definitions[0].jsonPatches[0]: must set value or valueFrom, not both',
    ],
    [
      'neither value nor valueFrom',
      patch([{ op: 'replace', path: '/spec/a' }]),
      'ClusterClass default/talos spec.patches[0].definitions[0].jsonPatches[0]: must set value or valueFrom',
    ],
    [
      'a template pipeline',
      patch([{ op: 'add', path: '/spec/a', valueFrom: { template: '{{ .cores | printf "%d" }}' } }]),
      'ClusterClass default/talos spec.patches[0].definitions[0].jsonPatches[0].valueFrom.template: {{ .cores | printf "%d" }} is not supported by Capstan: only {{ .variable }} and {{ .builtin.cluster.name }}-style interpolation is',
    ],
    [
      'a template function',
      patch([{ op: 'add', path: '/spec/a', valueFrom: { template: '{{ upper .builtin.cluster.name }}' } }]),
      'ClusterClass default/talos spec.patches[0].definitions[0].jsonPatches[0].valueFrom.template: {{ upper .builtin.cluster.name }} is not supported by Capstan: only {{ .variable }} and {{ .builtin.cluster.name }}-style interpolation is',
    ],
    [
      'template control structures',
      patch([{ op: 'add', path: '/spec/a', valueFrom: { template: '{{ if .vlanOn }}x{{ end }}' } }]),
      'ClusterClass default/talos spec.patches[0].definitions[0].jsonPatches[0].valueFrom.template: {{ if .vlanOn }} is not supported by Capstan: only {{ .variable }} and {{ .builtin.cluster.name }}-style interpolation is',
    ],
    [
      'an enabledIf with an expression',
      patch([{ op: 'add', path: '/spec/a', value: 1 }], cpSelector, { enabledIf: '{{ eq .cores 4 }}' }),
      'ClusterClass default/talos spec.patches[0].enabledIf: {{ eq .cores 4 }} is not supported by Capstan: only {{ .variable }} and {{ .builtin.cluster.name }}-style interpolation is',
    ],
    [
      'runtime-extension patches',
      { name: 'ext', external: { generateExtension: 'gen.my-extension' } },
      'ClusterClass default/talos spec.patches[0].external: runtime-extension patches are not supported by Capstan: write the patch inline as definitions',
    ],
    [
      'MachinePool selectors',
      patch([{ op: 'add', path: '/spec/a', value: 1 }], {
        apiVersion: infra,
        kind: 'X',
        matchResources: { machinePoolClass: { names: ['a'] } },
      }),
      'ClusterClass default/talos spec.patches[0].definitions[0].selector.matchResources.machinePoolClass: MachinePools are not supported by Capstan',
    ],
    [
      'list indexes in variable paths',
      patch([{ op: 'add', path: '/spec/a', valueFrom: { variable: 'list[0]' } }]),
      'ClusterClass default/talos spec.patches[0].definitions[0].jsonPatches[0].valueFrom.variable: must be a variable name, dotted into object fields (list indexes are not supported)',
    ],
  ] as [string, ClusterClassPatch, string][])('refuses %s, naming the field', (_, p, expected) => {
    expect(run([p]).errors).toEqual([expected]);
  });

  it.each([
    [
      'a variable that is not set',
      { op: 'add', path: '/spec/template/spec/a', valueFrom: { variable: 'missing.field' } },
      "ClusterClass default/talos spec.patches[0].definitions[0].jsonPatches[0].valueFrom.variable: for the control plane's ProxmoxMachineTemplate talos-cp: missing.field is not set",
    ],
    [
      'a builtin Capstan does not offer',
      { op: 'add', path: '/spec/template/spec/a', valueFrom: { variable: 'builtin.controlPlane.machineTemplate.infrastructureRef.name' } },
      "ClusterClass default/talos spec.patches[0].definitions[0].jsonPatches[0].valueFrom.variable: for the control plane's ProxmoxMachineTemplate talos-cp: builtin.controlPlane.machineTemplate.infrastructureRef.name is not set",
    ],
    [
      'a template printing an unset variable',
      { op: 'add', path: '/spec/template/spec/a', valueFrom: { template: 'x-{{ .nothing }}' } },
      "ClusterClass default/talos spec.patches[0].definitions[0].jsonPatches[0].valueFrom.template: for the control plane's ProxmoxMachineTemplate talos-cp: {{ .nothing }} names no variable that is set",
    ],
    [
      'a template printing an object',
      { op: 'add', path: '/spec/template/spec/a', valueFrom: { template: '{{ .endpoint }}' } },
      "ClusterClass default/talos spec.patches[0].definitions[0].jsonPatches[0].valueFrom.template: for the control plane's ProxmoxMachineTemplate talos-cp: {{ .endpoint }} is an object or a list, which a Go template prints in Go's own syntax; use valueFrom.variable to copy it",
    ],
    [
      'a path whose parent does not exist',
      { op: 'add', path: '/spec/template/spec/network/default/vlan', value: 30 },
      "ClusterClass default/talos spec.patches[0].definitions[0].jsonPatches[0].path: cannot be applied to the control plane's ProxmoxMachineTemplate talos-cp: its parent does not exist in the template (add creates the last step of a path only)",
    ],
    [
      'removing what is not there',
      { op: 'remove', path: '/spec/template/spec/memoryMiB' },
      "ClusterClass default/talos spec.patches[0].definitions[0].jsonPatches[0].path: cannot be applied to the control plane's ProxmoxMachineTemplate talos-cp: it does not exist in the template",
    ],
  ] as [string, JsonPatch, string][])('reports %s for the template it was applied to', (_, jsonPatch, expected) => {
    const { specs, errors } = run([patch([jsonPatch])]);
    expect(specs).toBeUndefined();
    expect(errors).toEqual([expected]);
  });

  it('leaves the class templates unchanged', () => {
    run([patch([{ op: 'replace', path: '/spec/template/spec/numCores', value: 9 }])]);
    expect(targets[2]?.object).toEqual({
      apiVersion: infra,
      kind: 'ProxmoxMachineTemplate',
      spec: { template: { spec: { numCores: 2 } } },
    });
  });
});

describe('Go template subset', () => {
  it.each([
    [0, '0'],
    [3, '3'],
    [2.5, '2.5'],
    [-7, '-7'],
    [100000, '100000'],
    [1000000, '1e+06'],
    [1048576, '1.048576e+06'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
  ])('prints the number %s as Go prints a float64 (%s)', (value, expected) => {
    expect(goFloat(value)).toBe(expected);
    expect(renderTemplate('{{ .n }}', { n: value })).toBe(expected);
  });

  it('trims whitespace where the markers ask, as Go does', () => {
    expect(renderTemplate('a  {{- .x -}}  b', { x: 'X' })).toBe('aXb');
    expect(renderTemplate('a {{ .x }} b', { x: 'X' })).toBe('a X b');
  });

  it('prints <no value> for an unset variable only where asked to behave as Go does', () => {
    expect(renderTemplate('{{ .x }}', {}, 'go')).toBe('<no value>');
    expect(renderTemplate('{{ .x }}', {})).toEqual({ refused: '{{ .x }} names no variable that is set' });
  });
});
