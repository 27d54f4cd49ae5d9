// `capstan plan` output: numbered steps in order, nothing to do, a refusal with its reason.
import { describe, expect, it } from 'vitest';
import { palette } from '../../client/cli/render/colors.ts';
import { planText, type PlanView } from '../../client/cli/render/plan-text.ts';
import type { ClusterPlan } from '../../api/cluster-plan.ts';

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
