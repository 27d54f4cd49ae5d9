import type { FlavorName } from './cluster-flags.ts';
import type { GenerateClusterOptions } from './cluster-options.ts';
import { renderPlainCluster, type GeneratedObject } from './plain-flavor.ts';

/**
 * The flavors `capstan generate cluster --flavor` offers, each a pure renderer of the same
 * options. A ClusterClass-based `topology` flavor joins here once Capstan serves ClusterClass.
 */
export const flavors: Readonly<Record<FlavorName, (options: GenerateClusterOptions) => GeneratedObject[]>> = {
  plain: renderPlainCluster,
};
