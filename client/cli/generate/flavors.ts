import type { FlavorName } from './cluster-flags.ts';
import type { GenerateClusterOptions } from './cluster-options.ts';
import type { GeneratedObject } from './generated-object.ts';
import { renderPlainCluster } from './plain-flavor.ts';
import { renderTopologyCluster } from './topology-flavor.ts';

/** The flavors `capstan generate cluster --flavor` offers, each a pure renderer of the same options. */
export const flavors: Readonly<Record<FlavorName, (options: GenerateClusterOptions) => GeneratedObject[]>> = {
  plain: renderPlainCluster,
  topology: renderTopologyCluster,
};
