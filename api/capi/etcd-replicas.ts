import { z } from 'zod';

/**
 * A control plane's size: an odd number of etcd members, 1 to 7. An enum, not a CEL rule, so the
 * API server names the value it refuses ("Unsupported value: 2").
 */
export const EtcdReplicas = z
  .number()
  .int()
  .min(1)
  .max(7)
  .meta({ enum: [1, 3, 5, 7] });
