import { clusterFlags, type ClusterFlag, type RawClusterValues } from './cluster-flags.ts';

/** Where a value came from, so an error about it says what to change. */
export type ValueOrigin = 'flag' | 'variable' | 'default';

/** The raw values, where each came from, and the required ones nobody gave. */
export interface CollectedValues {
  readonly values: RawClusterValues;
  readonly origins: Readonly<Record<string, ValueOrigin>>;
  readonly missing: readonly ClusterFlag[];
}

/**
 * Each flag's value: the command line's, else its clusterctl variable's (what CAPMOX users already
 * export), else the built-in default. An empty variable counts as unset, as clusterctl treats it.
 */
export function collectValues(
  flags: Readonly<Record<string, unknown>>,
  env: Readonly<Record<string, string | undefined>>,
): CollectedValues {
  const values: Record<string, string> = {};
  const origins: Record<string, ValueOrigin> = {};
  const missing: ClusterFlag[] = [];
  for (const entry of clusterFlags) {
    const given = flags[entry.key];
    const fromVariable = entry.variable === undefined ? undefined : env[entry.variable];
    if (typeof given === 'string') {
      values[entry.key] = given;
      origins[entry.key] = 'flag';
    } else if (fromVariable !== undefined && fromVariable.trim() !== '') {
      values[entry.key] = fromVariable;
      origins[entry.key] = 'variable';
    } else if (entry.fallback !== undefined) {
      values[entry.key] = entry.fallback;
      origins[entry.key] = 'default';
    } else if (entry.required === true) missing.push(entry);
  }
  return { values, origins, missing };
}
