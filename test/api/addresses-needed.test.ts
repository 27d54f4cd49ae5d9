import { describe, expect, it } from 'vitest';
import { addressesNeeded } from '../../api/addresses-needed.ts';

describe('addressesNeeded', () => {
  it('counts every machine, the widest surge of one rollout, and an endpoint taken from the pool', () => {
    expect(
      addressesNeeded({
        controlPlane: { replicas: 3 },
        deployments: [
          { name: 'md-0', replicas: 10, strategy: { type: 'RollingUpdate', maxSurge: '25%' } },
          { name: 'md-1', replicas: 2, strategy: { type: 'InPlace' } },
        ],
        endpointFromPool: true,
      }),
    ).toEqual({ total: 19, parts: ['15 machines', '3 more while md-0 rolls out', '1 for the control-plane endpoint'] });
  });

  it('needs no surge when every rollout is in place or surges by 0', () => {
    expect(
      addressesNeeded({
        controlPlane: { replicas: 1, strategy: { type: 'InPlace' } },
        deployments: [{ name: 'md-0', replicas: 1, strategy: { type: 'RollingUpdate', maxSurge: 0, maxUnavailable: 1 } }],
        endpointFromPool: false,
      }),
    ).toEqual({ total: 2, parts: ['2 machines'] });
  });
});
