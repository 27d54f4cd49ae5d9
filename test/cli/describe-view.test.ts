// `capstan describe cluster` rendered from fixed ClusterProgress answers and CAPI objects: the
// tree and its columns, each source alone, and a blocked step with the run to retry.
import { describe, expect, it } from 'vitest';
import type { WorkflowView } from '../../client/cli/read/cluster-workflow.ts';
import { palette } from '../../client/cli/render/colors.ts';
import { describeText } from '../../client/cli/render/describe-text.ts';
import { describeTree, type DescribeInput } from '../../client/cli/render/describe-tree.ts';
import { clusterCellsFromProgress } from '../../client/cli/render/status-cells.ts';
import { watchFrame } from '../../client/cli/render/watch-frame.ts';
import { blockedProgress, condition, idleProgress, kappaCrs, machine, now, ref } from './describe-fixtures.ts';

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
      'NAME                              READY  SEVERITY  REASON  SINCE  VERSION  TALOS    MESSAGE',
      'Cluster/kappa                     True                            v1.33.4  v1.11.5',
      '├─ControlPlane                    True                            v1.33.4  v1.11.5',
      '│ └─Machine/kappa-cp-a1           True                            v1.33.4  v1.11.5',
      '└─Workers',
      '  └─MachineDeployment/kappa-md-0  True                            v1.33.4  v1.11.5',
      '    ├─Machine/kappa-md-0-b2       True                            v1.33.4  v1.11.5',
      '    └─Machine/kappa-md-0-c3       True                            v1.33.4  v1.11.5',
      '',
      'Workflow   cluster/default/kappa · Idle · generation 1 · 1 operation',
      'Recent     provision default/kappa: 1 control-plane machine, 2 workers (Succeeded)',
    ]);
  });

  it('draws the objects alone and says the workflow has not started', () => {
    expect(text({ crs: kappaCrs({ status: false }) }, absent)).toEqual([
      'NAME                                                    READY    SEVERITY  REASON  SINCE  VERSION  TALOS  MESSAGE',
      'Cluster/kappa                                           Unknown                                           no status written yet',
      '├─ControlPlane - TalosControlPlane/kappa-control-plane  Unknown                           v1.33.4         no status written yet',
      '└─Workers',
      '  └─MachineDeployment/kappa-md-0                        Unknown                           v1.33.4         no status written yet',
      '',
      'Workflow   not started: there is no cluster workflow cluster/default/kappa yet',
      "           the Capstan controller starts it once the Cluster's spec is valid (its conditions say why not)",
    ]);
  });

  it('takes conditions from the objects, a pending version change from spec and status, and a blocked step from the workflow', () => {
    const lines = text({ crs: kappaCrs({ status: true, version: 'v1.34.2' }), progress: blockedProgress() }, running(blockedProgress()));
    expect(lines.slice(0, 8)).toEqual([
      'NAME                                                    READY  SEVERITY  REASON              SINCE  VERSION          TALOS    MESSAGE',
      'Cluster/kappa                                           True                                 10m    v1.33.4          v1.11.5',
      '├─ControlPlane - TalosControlPlane/kappa-control-plane  True                                 11m    v1.33.4→v1.34.2  v1.11.5',
      '│ └─Machine/kappa-cp-a1                                 True                                 13m    v1.33.4          v1.11.5',
      '└─Workers',
      '  └─MachineDeployment/kappa-md-0                        False  Warning   WaitingForMachines  30s    v1.33.4→v1.34.2  v1.11.5  not Ready: kappa-md-0-c3',
      '    ├─Machine/kappa-md-0-b2                             True                                 10m    v1.33.4          v1.11.5',
      '    └─Machine/kappa-md-0-c3                             False  Error     StepFailed          45s    v1.33.4          v1.11.5  blocked at drain node: PodDisruptionBudget default/guard-budget allows no disruption of pod default/guard-budget',
    ]);
    expect(lines.slice(9)).toEqual([
      'Workflow   cluster/default/kappa · Blocked · generation 3 · 3 operations',
      'Operation  scale kappa-md-0 3 → 2: step 1/1 delete kappa-md-0-c3',
      '           scale-machine-deployment cluster/default/kappa/scale-machine-deployment/3',
      'Blocked    drain node: DrainBlockedByPdb since 45s',
      '           PodDisruptionBudget default/guard-budget allows no disruption of pod default/guard-budget',
      '           run cluster/default/kappa/machine/kappa-md-0-c3/delete',
      '           fix the cause, then capstan retry kappa',
      '           or end the operation: capstan abort kappa --reason "<why>"',
      'Recent     provision default/kappa: 1 control-plane machine, 2 workers (Succeeded)',
    ]);
  });

  it('lists every condition under its object with --show-conditions', () => {
    const lines = text({ crs: kappaCrs(), progress: idleProgress(), showConditions: true }, running());
    expect(lines[2]).toBe('├─InfrastructureReady                                   True                                 15m');
    expect(lines[3]).toBe('├─RollingOut                                            False  Info      NotRollingOut       10m');
  });

  it('shows machines the workflow is building before their objects exist, with what they are doing', () => {
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
    const lines = text({ crs: kappaCrs(), progress: building }, running(building));
    expect(lines.find((l) => l.includes('kappa-md-0-d4'))).toMatch(
      /^ {4}└─Machine\/kappa-md-0-d4 +False +Info +Provisioning +create machine: clone VM \(3\/11\)$/,
    );
    expect(lines).toContain('Operation  scale kappa-md-0 2 → 3: step 1/1 create 1 machine in kappa-md-0');
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
      'Delete     requested: the cluster is deleted once the blocked operation is retried or aborted',
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
