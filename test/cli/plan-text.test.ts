// `capstan plan` output: numbered steps in order, nothing to do, a refusal with its reason.
import { describe, expect, it } from 'vitest';
import { palette } from '../../client/cli/render/colors.ts';
import { planText, type PlanView } from '../../client/cli/render/plan-text.ts';
import type { ClusterPlan } from '../../api/cluster-plan.ts';
import { actionEstimates } from '../../plan/duration-estimate.ts';

const ref = { namespace: 'default', name: 'kappa' };
const view = (plan: ClusterPlan, extra: Partial<PlanView> = {}): string[] =>
  planText({ ref, plan, source: 'the Cluster objects (generation 2)', notes: [], warnings: [], ...extra }, palette(false))
    .trimEnd()
    .split('\n');

describe('plan text', () => {
  it('numbers the steps in the order they would run', () => {
    const steps = ['take an etcd snapshot', 'upgrade control plane to v1.34.2', 'upgrade workers kappa-md-0 to v1.34.2'];
    const plan = {
      ok: true,
      operation: 'upgrade',
      summary: 'upgrade Kubernetes v1.33.4 → v1.34.2',
      steps,
      from: { kubernetes: 'v1.33.4', talos: 'v1.11.5' },
      to: { kubernetes: 'v1.34.2', talos: 'v1.11.5' },
      hops: [],
    } as ClusterPlan;
    expect(view(plan, { notes: ['an operation is running now'] })).toEqual([
      'Plan for default/kappa from the Cluster objects (generation 2):',
      'upgrade: upgrade Kubernetes v1.33.4 → v1.34.2',
      '  1. take an etcd snapshot',
      '  2. upgrade control plane to v1.34.2',
      '  3. upgrade workers kappa-md-0 to v1.34.2',
      'note: an operation is running now',
    ]);
  });

  it('shows per machine what happens, from → to, and the expected duration with where each figure comes from', () => {
    const from = { kubernetes: 'v1.32.9', talos: 'v1.10.7' };
    const to = { kubernetes: 'v1.35.0', talos: 'v1.12.0' };
    const plan = {
      ok: true,
      operation: 'upgrade',
      summary: 'upgrade Kubernetes v1.32.9 → v1.35.0, Talos v1.10.7 → v1.12.0',
      steps: ['take an etcd snapshot', 'upgrade control plane to v1.33.5', 'upgrade Talos to v1.11.5', 'upgrade workers md-0 to v1.35.0'],
      from,
      to,
      hops: [],
      machineChanges: [
        { name: 'kappa-cp-1', role: 'control-plane', replaced: false, from, to, actions: ['upgrade-kubernetes', 'upgrade-talos'] },
        { name: 'kappa-md-0-a', role: 'worker', deployment: 'md-0', replaced: true, from, to, actions: ['replace'] },
        {
          name: 'kappa-md-0-b',
          role: 'worker',
          deployment: 'md-0',
          replaced: true,
          from: { ...from, talos: 'v1.12.0' },
          to,
          actions: ['replace', 'replace'],
        },
      ],
      stages: [
        { description: 'take an etcd snapshot', action: 'snapshot-etcd', machines: [], parallel: 1 },
        { description: 'upgrade control plane to v1.33.5', action: 'upgrade-kubernetes', machines: ['kappa-cp-1'], parallel: 1 },
        { description: 'upgrade Talos to v1.11.5: control plane', action: 'upgrade-talos', machines: ['kappa-cp-1'], parallel: 1 },
        { description: 'upgrade workers md-0', action: 'replace', machines: ['kappa-md-0-a', 'kappa-md-0-b'], parallel: 1 },
      ],
    } as ClusterPlan;
    const estimates = actionEstimates({ createMachine: [200, 260, 240], deleteMachine: [60] });
    expect(view(plan, { estimates }).slice(6)).toEqual([
      'Machines:',
      '  MACHINE       GROUP          CHANGE       KUBERNETES         TALOS                EXPECTED',
      '  kappa-cp-1    control plane  in place     v1.32.9 → v1.35.0  v1.10.7 → v1.12.0    ~7m',
      '  kappa-md-0-a  md-0           replaced     v1.32.9 → v1.35.0  v1.10.7 → v1.12.0    ~5m',
      '  kappa-md-0-b  md-0           replaced 2×  v1.32.9 → v1.35.0  v1.12.0 (unchanged)  ~10m',
      'Expected duration: ~18m, its stages one after another',
      '  measured on this cluster: replacement ~5m (median of 3 past create-machine runs and 1 delete-machine run of this cluster)',
      "  Capstan's default estimates: etcd snapshot ~30s, in-place Kubernetes upgrade ~2m, in-place Talos upgrade ~5m",
    ]);
    // Without estimates (a plan with no workflow to time it against) the table has no durations.
    expect(view(plan).slice(6, 8)).toEqual(['Machines:', '  MACHINE       GROUP          CHANGE       KUBERNETES         TALOS']);
  });

  it('says when there is nothing to do', () => {
    expect(view({ ok: true, operation: 'none', summary: 'nothing to do', steps: [] })[1]).toBe(
      'nothing to do: the cluster matches this spec',
    );
  });

  it('gives a refusal with its reason, and warnings about ignored fields', () => {
    expect(
      view(
        { ok: false, operation: 'upgrade', reason: 'Talos v1.11.5 supports Kubernetes v1.29 to v1.34, not v1.35.0' },
        { warnings: ['MachineDeployment default/kappa-md-0 spec.paused is ignored'] },
      ),
    ).toEqual([
      'Plan for default/kappa from the Cluster objects (generation 2):',
      'refused upgrade: Talos v1.11.5 supports Kubernetes v1.29 to v1.34, not v1.35.0',
      'warning: MachineDeployment default/kappa-md-0 spec.paused is ignored',
    ]);
  });
});
