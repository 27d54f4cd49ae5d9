import type { DeletePolicy, RolloutStrategy } from '../../desired-cluster.ts';
import type { MachineDeployment } from '../machine-deployment.ts';
import type { IntOrString } from '../meta.ts';
import type { TalosControlPlane } from '../talos-control-plane.ts';
import type { IssueLog, ObjectKey } from './issues.ts';
import { percentOf } from '../../int-or-percent.ts';

const onDeleteMessage =
  'OnDelete is not supported: Capstan replaces or upgrades machines itself; use RollingUpdate (new VMs) or InPlace (Talos upgrade in place)';

const isZero = (value: IntOrString): boolean => value === 0 || value === '0%';

/**
 * The control plane's strategy. CACPPT's RollingUpdate adds one machine before removing one
 * (`maxSurge: 1`) or removes first (`maxSurge: 0`); removing first from fewer than three members
 * loses etcd quorum, so that combination is refused.
 */
export function controlPlaneStrategy(
  tcp: TalosControlPlane,
  replicas: number,
  object: ObjectKey,
  log: IssueLog,
): RolloutStrategy | undefined {
  const strategy = tcp.spec.rolloutStrategy;
  const path = 'spec.rolloutStrategy';
  switch (strategy?.type ?? 'RollingUpdate') {
    case 'OnDelete':
      log.errors.push({ object, path: `${path}.type`, message: onDeleteMessage });
      return undefined;
    case 'InPlace':
      return { type: 'InPlace' };
    case 'RollingUpdate': {
      const maxSurge = strategy?.rollingUpdate?.maxSurge ?? 1;
      if (maxSurge !== 0 && maxSurge !== 1) {
        log.errors.push({
          object,
          path: `${path}.rollingUpdate.maxSurge`,
          message: `must be 0 or 1, not ${maxSurge}: control-plane machines are replaced one at a time`,
        });
        return undefined;
      }
      if (maxSurge === 0 && replicas < 3) {
        log.errors.push({
          object,
          path: `${path}.rollingUpdate.maxSurge`,
          message: `0 removes a control-plane machine before its replacement joins, which ${replicas} etcd member(s) cannot survive; use 1, or 3 or more replicas`,
        });
        return undefined;
      }
      return { type: 'RollingUpdate', maxSurge, maxUnavailable: 0 };
    }
  }
}

/** A MachineDeployment's strategy and delete policy, with CAPI's defaults (surge 1, unavailable 0, Random). */
export function deploymentStrategy(
  md: MachineDeployment,
  object: ObjectKey,
  log: IssueLog,
): { strategy: RolloutStrategy; deletePolicy: DeletePolicy } | undefined {
  const strategy = md.spec.strategy;
  const deletePolicy = strategy?.rollingUpdate?.deletePolicy ?? 'Random';
  switch (strategy?.type ?? 'RollingUpdate') {
    case 'OnDelete':
      log.errors.push({ object, path: 'spec.strategy.type', message: onDeleteMessage });
      return undefined;
    case 'InPlace':
      return { strategy: { type: 'InPlace' }, deletePolicy };
    case 'RollingUpdate': {
      const maxSurge = strategy?.rollingUpdate?.maxSurge ?? 1;
      const maxUnavailable = strategy?.rollingUpdate?.maxUnavailable ?? 0;
      if (typeof maxUnavailable === 'string' && /^\d+%$/.test(maxUnavailable) && (percentOf(maxUnavailable) ?? 0) > 100) {
        log.errors.push({
          object,
          path: 'spec.strategy.rollingUpdate.maxUnavailable',
          message: `must be at most 100%, not ${maxUnavailable}: no more machines than there are can be unavailable`,
        });
        return undefined;
      }
      if (isZero(maxSurge) && isZero(maxUnavailable)) {
        log.errors.push({
          object,
          path: 'spec.strategy.rollingUpdate',
          message: 'maxSurge and maxUnavailable cannot both be 0: a rollout could neither add nor remove a machine',
        });
        return undefined;
      }
      return { strategy: { type: 'RollingUpdate', maxSurge, maxUnavailable }, deletePolicy };
    }
  }
}
