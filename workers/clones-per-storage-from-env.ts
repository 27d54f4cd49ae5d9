/** Clones at once per Proxmox storage across every worker when CAPSTAN_CLONES_PER_STORAGE is unset. */
export const defaultClonesPerStorage = 2;

/**
 * Reads CAPSTAN_CLONES_PER_STORAGE: how many clones run at once on one Proxmox storage across
 * every worker of the namespace. Unset or empty: 2. Anything but a whole number of at least 1
 * stops the worker with an error that says what to set.
 */
export function clonesPerStorageFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const text = (env['CAPSTAN_CLONES_PER_STORAGE'] ?? '').trim();
  if (text === '') return defaultClonesPerStorage;
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new Error(
      `CAPSTAN_CLONES_PER_STORAGE=${text}: use a whole number of at least 1, the clones at once on one Proxmox storage across all workers (default ${defaultClonesPerStorage})`,
    );
  }
  return value;
}
