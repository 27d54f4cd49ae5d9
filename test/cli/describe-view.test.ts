// `capstan describe cluster` rendered from fixed ClusterProgress answers and CAPI objects: the
// tree and its columns, each source alone, and a blocked step with the run to retry.
import { describe, expect, it } from 'vitest';
import type { WorkflowView } from '../../client/cli/read/cluster-workflow.ts';
import { palette } from '../../client/cli/render/colors.ts';
import { describeText } from '../../client/cli/render/describe-text.ts';
import { describeTree, type DescribeInput } from '../../client/cli/render/describe-tree.ts';
import { clusterCellsFromProgress } from '../../client/cli/render/status-cells.ts';
import { watchFrame } from '../../client/cli/render/watch-frame.ts';
import {
  blockedProgress,
  condition,
  healthCheck,
  idleProgress,
  kappaCrs,
  machine,
  machineSet,
  now,
  ref,
  setMachine,
} from './describe-fixtures.ts';

const running = (progress = idleProgress()): WorkflowView => ({
  state: 'running',
  workflowId: 'cluster/default/kappa',
  taskQueue: 'lifecycle',
  progress,
});
const absent: WorkflowView = { state: 'absent', workflowId: 'cluster/default/kappa' };
const text = (input: Omit<DescribeInput, 'ref'>, workflow: WorkflowView): string[] =>
  describeText(ref, describeTree({ ref, ...input }), workflow, now, palette(false))
    .trimEnd()
    .split('\n');

describe('describe cluster', () => {
  it('draws the tree from the workflow alone when no objects exist yet', () => {
    expect(text({ progress: idleProgress() }, running())).toEqual([
      'NAME                              READY  SEVERITY  REASON  SINCE  VERSION  TALOS    VM         MESSAGE',
      'Cluster/kappa                     True                            v1.33.4  v1.11.5',
      '├─ControlPlane                    True                            v1.33.4  v1.11.5',
      '│ └─Machine/kappa-cp-a1           True                            v1.33.4  v1.11.5  pve1/1001',
      '└─Workers',
      '  └─MachineDeployment/kappa-md-0  True                            v1.33.4  v1.11.5',
      '    ├─Machine/kappa-md-0-b2       True                            v1.33.4  v1.11.5  pve1/1002',
      '    └─Machine/kappa-md-0-c3       True                            v1.33.4  v1.11.5  pve1/1003',
      '',
      'Workflow   cluster/default/kappa · Idle · generation 1 · 1 operation',
      'Recent     provision default/kappa: 1 control-plane machine, 2 workers (Succeeded)',
    ]);
  });

  it('draws the objects alone and says the workflow has not started', () => {
    expect(text({ crs: kappaCrs({ status: false }) }, absent)).toEqual([
      'NAME                                                    READY    SEVERITY  REASON  SINCE  VERSION  TALOS  VM  MESSAGE',
      'Cluster/kappa                                           Unknown                                               no status written yet',
      '├─ControlPlane - TalosControlPlane/kappa-control-plane  Unknown                           v1.33.4             no status written yet',
      '└─Workers',
      '  └─MachineDeployment/kappa-md-0                        Unknown                           v1.33.4             no status written yet',
      '',
      'Workflow   not started: there is no cluster workflow cluster/default/kappa yet',
      "           the Capstan controller starts it once the Cluster's spec is valid (its conditions say why not)",
    ]);
  });

  it('takes conditions from the objects, a pending version change from spec and status, and a blocked step from the workflow', () => {
    const lines = text({ crs: kappaCrs({ status: true, version: 'v1.34.2' }), progress: blockedProgress() }, running(blockedProgress()));
    expect(lines.slice(0, 8)).toEqual([
      'NAME                                                    READY  SEVERITY  REASON              SINCE  VERSION          TALOS    VM         MESSAGE',
      'Cluster/kappa                                           True                                 10m    v1.33.4          v1.11.5',
      '├─ControlPlane - TalosControlPlane/kappa-control-plane  True                                 11m    v1.33.4→v1.34.2  v1.11.5',
      '│ └─Machine/kappa-cp-a1                                 True                                 13m    v1.33.4          v1.11.5  pve1/1001',
      '└─Workers',
      '  └─MachineDeployment/kappa-md-0                        False  Warning   WaitingForMachines  30s    v1.33.4→v1.34.2  v1.11.5             not Ready: kappa-md-0-c3',
      '    ├─Machine/kappa-md-0-b2                             True                                 10m    v1.33.4          v1.11.5  pve1/1002',
      '    └─Machine/kappa-md-0-c3                             False  Error     StepFailed          45s    v1.33.4          v1.11.5  pve1/1003  blocked at drain node: PodDisruptionBudget default/guard-budget allows no disruption of pod default/guard-budget',
    ]);
    expect(lines.slice(9)).toEqual([
      'Workflow   cluster/default/kappa · Blocked · generation 3 · 3 operations',
      'Operation  scale kappa-md-0 3 → 2: step 1/1 delete kappa-md-0-c3',
      '           scale-machine-deployment cluster/default/kappa/scale-machine-deployment/3',
      'Blocked    drain node: DrainBlockedByPdb since 45s',
      '           PodDisruptionBudget default/guard-budget allows no disruption of pod default/guard-budget',
      '           run cluster/default/kappa/machine/kappa-md-0-c3/delete',
      '           fix the cause, then capstan retry kappa',
      '           or correct the spec (kubectl apply or patch): it replaces the blocked operation',
      '           or end the operation: capstan abort kappa --reason "<why>"',
      'Recent     provision default/kappa: 1 control-plane machine, 2 workers (Succeeded)',
    ]);
  });

  it('lists every condition under its object with --show-conditions', () => {
    const lines = text({ crs: kappaCrs(), progress: idleProgress(), showConditions: true }, running());
    expect(lines[2]).toBe('├─InfrastructureReady                                   True                                 15m');
    expect(lines[3]).toBe('├─RollingOut                                            False  Info      NotRollingOut       10m');
  });

  it('shows what the workflow does to a machine whose Machine is recorded but not observed yet', () => {
    const building = idleProgress({
      phase: 'Running',
      operation: {
        workflowId: 'cluster/default/kappa/scale-machine-deployment/2',
        kind: 'scale-machine-deployment',
        summary: 'scale kappa-md-0 2 → 3',
        step: 1,
        steps: 1,
        currentStep: 'create 1 machine in kappa-md-0',
      },
      machines: [
        ...idleProgress().machines,
        machine('kappa-md-0-d4', {
          phase: 'Provisioning',
          ready: false,
          kubernetesVersion: '',
          talosVersion: '',
          activity: 'create machine: clone VM (3/11)',
        }),
      ],
    });
    const crs = kappaCrs();
    // The intent, written before the VM is cloned: no status yet.
    const intent = { ...crs.machines[1]!, metadata: { ...crs.machines[1]!.metadata, name: 'kappa-md-0-d4' }, status: undefined };
    const lines = text({ crs: { ...crs, machines: [...crs.machines, intent] }, progress: building }, running(building));
    expect(lines.find((l) => l.includes('kappa-md-0-d4'))).toMatch(
      /^ {4}└─Machine\/kappa-md-0-d4 +False +Info +Provisioning +v1\.33\.4 +pve1\/1004 +create machine: clone VM \(3\/11\)$/,
    );
    expect(lines).toContain('Operation  scale kappa-md-0 2 → 3: step 1/1 create 1 machine in kappa-md-0');
  });

  it("draws the recorded Machines only, once there are any: a machine the workflow reports without one is not the inventory's", () => {
    const progress = idleProgress({ machines: [...idleProgress().machines, machine('kappa-md-0-z9')] });
    expect(text({ crs: kappaCrs(), progress }, running(progress)).some((l) => l.includes('kappa-md-0-z9'))).toBe(false);
    expect(text({ progress }, running(progress)).some((l) => l.includes('kappa-md-0-z9'))).toBe(true);
  });

  it('draws MachineSets between a MachineDeployment and its Machines, old and new during a rollout, with where each VM runs', () => {
    const base = kappaCrs({ status: true, version: 'v1.34.2' });
    const ready = (seconds: number) => condition('Ready', 'True', seconds);
    const crs = {
      ...base,
      machineSets: [machineSet('kappa-md-0-7f3c1', 2, 2, 'v1.34.2'), machineSet('kappa-md-0-a91e0', 1, 1)],
      machines: [
        base.machines[0]!,
        setMachine('kappa-md-0-b2', 'kappa-md-0-a91e0', [ready(650)]),
        setMachine('kappa-md-0-e5', 'kappa-md-0-7f3c1', [ready(120)], 'v1.34.2'),
        setMachine(
          'kappa-md-0-f6',
          'kappa-md-0-7f3c1',
          [
            condition('InfrastructureReady', 'True', 200),
            condition('NodeReady', 'False', 40, { reason: 'NodeNotReady', message: 'kubelet stopped posting node status' }),
            condition('Ready', 'False', 40, { reason: 'NotReady' }),
            condition('Deleting', 'False', 200, { reason: 'NotDeleting' }),
          ],
          'v1.34.2',
        ),
      ],
    };
    const progress = idleProgress({
      phase: 'Running',
      machines: [
        ...idleProgress().machines,
        machine('kappa-md-0-f6', { kubernetesVersion: 'v1.34.2', activity: 'create machine: wait for node Ready (9/11)' }),
      ],
    });
    const lines = text({ crs, progress }, running(progress));
    expect(lines.slice(0, 11)).toEqual([
      'NAME                                                    READY  SEVERITY  REASON              SINCE  VERSION          TALOS    VM         MESSAGE',
      'Cluster/kappa                                           True                                 10m    v1.33.4          v1.11.5',
      '├─ControlPlane - TalosControlPlane/kappa-control-plane  True                                 11m    v1.33.4→v1.34.2  v1.11.5',
      '│ └─Machine/kappa-cp-a1                                 True                                 13m    v1.33.4          v1.11.5  pve1/1001',
      '└─Workers',
      '  └─MachineDeployment/kappa-md-0                        False  Warning   WaitingForMachines  30s    v1.33.4→v1.34.2  v1.11.5             not Ready: kappa-md-0-c3',
      '    ├─MachineSet/kappa-md-0-a91e0                       True                                        v1.33.4          v1.11.5',
      '    │ └─Machine/kappa-md-0-b2                           True                                 10m    v1.33.4          v1.11.5  pve2/2002',
      '    └─MachineSet/kappa-md-0-7f3c1                       False  Info      WaitingForMachines         v1.34.2          v1.11.5             1/2 machines ready',
      '      ├─Machine/kappa-md-0-e5                           True                                 2m     v1.34.2          v1.11.5  pve2/2005',
      '      └─Machine/kappa-md-0-f6                           False            NodeNotReady        40s    v1.34.2          v1.11.5  pve2/2006  kubelet stopped posting node status · create machine: wait for node Ready (9/11)',
    ]);
  });

  it("shows the cluster's MachineHealthChecks: expected and healthy machines, and whether remediation is allowed", () => {
    const crs = {
      ...kappaCrs(),
      machineHealthChecks: [
        healthCheck('kappa-workers', {
          expectedMachines: 2,
          currentHealthy: 0,
          remediationsAllowed: 0,
          conditions: [
            condition('RemediationAllowed', 'False', 60, {
              severity: 'Warning',
              reason: 'TooManyUnhealthy',
              message:
                'Remediation is not allowed, the number of not started or unhealthy machines exceeds maxUnhealthy (total: 2, unhealthy: 2, maxUnhealthy: 40%)',
            }),
          ],
        }),
        healthCheck('kappa-new'),
      ],
    };
    const progress = idleProgress({
      healthChecks: [
        {
          name: 'kappa-workers',
          expectedMachines: 2,
          currentHealthy: 0,
          remediationAllowed: false,
          unhealthy: [
            { machine: 'kappa-md-0-b2', reason: 'UnhealthyNode', message: 'Ready=Unknown for 5m' },
            { machine: 'kappa-md-0-c3', reason: 'NodeStartupTimeout', message: 'no Node after 10m' },
          ],
        },
        { name: 'kappa-new', expectedMachines: 1, currentHealthy: 1, remediationAllowed: true, unhealthy: [] },
      ],
    });
    const lines = text({ crs, progress }, running(progress));
    const at = lines.indexOf(lines.find((l) => l.startsWith('└─MachineHealthChecks')) ?? '');
    expect(lines.slice(at, at + 3).map((l) => l.replace(/ +/g, ' '))).toEqual([
      '└─MachineHealthChecks',
      ' ├─MachineHealthCheck/kappa-new True 1/1 healthy · remediation allowed',
      ' └─MachineHealthCheck/kappa-workers False Warning TooManyUnhealthy 60s 0/2 healthy · remediation not allowed: Remediation is not allowed, the number of not started or unhealthy machines exceeds maxUnhealthy (total: 2, unhealthy: 2, maxUnhealthy: 40%) · unhealthy: kappa-md-0-b2 UnhealthyNode, kappa-md-0-c3 NodeStartupTimeout',
    ]);
    // Objects alone (no workflow yet): the check is there, its status not yet.
    expect(text({ crs: { ...kappaCrs(), machineHealthChecks: [healthCheck('kappa-new')] } }, absent)).toContain(
      '  └─MachineHealthCheck/kappa-new                        Unknown                                                             no status written yet',
    );
  });

  it("derives a MachineDeployment's row from its machines until the controller writes conditions", () => {
    const crs = kappaCrs({ status: false });
    const scalingDown = idleProgress({ machines: [...idleProgress().machines, machine('kappa-md-0-d4')] });
    const rows = text({ crs, progress: scalingDown }, running(scalingDown));
    expect(rows.find((l) => l.includes('MachineDeployment/'))).toMatch(
      /MachineDeployment\/kappa-md-0 +False +Info +ScalingDown +v1\.33\.4 +v1\.11\.5 +3 → 2 machines, 3 ready$/,
    );
    const waiting = idleProgress({
      machines: idleProgress().machines.map((m) => (m.name === 'kappa-md-0-b2' ? { ...m, ready: false } : m)),
    });
    expect(text({ crs, progress: waiting }, running(waiting)).find((l) => l.includes('MachineDeployment/'))).toMatch(
      /False +Info +WaitingForMachines .* 1\/2 machines ready$/,
    );
  });

  it('says why a held cluster waits, and that a requested delete waits for the operation', () => {
    const held = idleProgress({ phase: 'Held', held: 'aborted: the guard pod must stay until Monday', controlPlaneEndpoint: '127.0.88.5' });
    expect(text({ progress: held }, running(held))).toContain('Endpoint   127.0.88.5');
    expect(text({ progress: held }, running(held)).slice(-3)).toEqual([
      'Held       aborted: the guard pod must stay until Monday',
      '           a new spec goes on (kubectl apply or patch); capstan plan kappa shows what the current one would do',
      'Recent     provision default/kappa: 1 control-plane machine, 2 workers (Succeeded)',
    ]);
    const deleting = { ...blockedProgress(), deleteRequested: true };
    expect(text({ progress: deleting }, running(deleting))).toContain(
      'Delete     requested: the cluster is deleted once the running operation ends at its next safe point',
    );
  });

  it('names an ended workflow', () => {
    expect(
      text(
        { crs: kappaCrs() },
        { state: 'closed', workflowId: 'cluster/default/kappa', status: 'TERMINATED', closeTime: '2025-06-01T11:55:00Z' },
      ).at(-1),
    ).toBe('Workflow   cluster/default/kappa terminated 5m ago');
  });

  it.each([
    ['Idle and Ready', idleProgress(), { ready: 'True', reason: '' }],
    [
      'a machine not Ready',
      idleProgress({ machines: [machine('kappa-cp-a1', { ready: false })] }),
      { ready: 'False', reason: 'WaitingForMachines', message: 'not Ready: kappa-cp-a1' },
    ],
    ['Blocked', blockedProgress(), { ready: 'False', severity: 'Error', reason: 'StepFailed' }],
    ['Held', idleProgress({ phase: 'Held', held: 'refused' }), { ready: 'False', severity: 'Warning', reason: 'Held', message: 'refused' }],
    [
      'provisioning',
      idleProgress({
        phase: 'Running',
        machines: [],
        operation: {
          workflowId: 'w',
          kind: 'provision',
          summary: 'provision default/kappa',
          step: 2,
          steps: 9,
          currentStep: 'create control-plane machines',
        },
      }),
      {
        ready: 'False',
        severity: 'Info',
        reason: 'Provisioning',
        message: 'provision default/kappa: step 2/9 create control-plane machines',
      },
    ],
  ])('derives the Cluster row from the workflow when %s', (_, progress, expected) => {
    expect(clusterCellsFromProgress(progress)).toMatchObject(expected);
  });

  it("prefers the object's Ready condition over what the workflow says", () => {
    const crs = kappaCrs();
    const withCondition = {
      ...crs,
      cluster: {
        ...crs.cluster,
        status: { conditions: [condition('Ready', 'False', 90, { severity: 'Warning', reason: 'Held', message: 'from the controller' })] },
      },
    };
    const row = describeTree({ ref, crs: withCondition, progress: idleProgress() }).value;
    expect(row).toMatchObject({ ready: 'False', reason: 'Held', message: 'from the controller' });
  });
});

describe('watch frame', () => {
  it('shows the phase, a progress bar, the blocked run and every machine with its activity', () => {
    const lines = watchFrame(ref, blockedProgress(), now, palette(false)).trimEnd().split('\n');
    expect(lines.slice(0, 2)).toEqual([
      'Cluster default/kappa · Blocked · generation 3 · 3 operations',
      'Progress   [████████████████████] 1/1',
    ]);
    expect(lines).toContain('           run cluster/default/kappa/machine/kappa-md-0-c3/delete');
    expect(lines.slice(-4)).toEqual([
      'MACHINE        ROLE           DEPLOYMENT  PHASE     READY  KUBERNETES  TALOS    ADDRESS      VM         ACTIVITY',
      'kappa-cp-a1    control-plane              Running   True   v1.33.4     v1.11.5  127.0.88.10  pve1/1001',
      'kappa-md-0-b2  worker         kappa-md-0  Running   True   v1.33.4     v1.11.5  127.0.88.11  pve1/1002',
      'kappa-md-0-c3  worker         kappa-md-0  Deleting  True   v1.33.4     v1.11.5  127.0.88.12  pve1/1003  delete machine: drain node (2/6), Blocked',
    ]);
  });
});
