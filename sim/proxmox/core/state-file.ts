// Atomic persistence: write a temp file next to the target, then rename over it, so a
// crash mid-write never leaves a torn state file behind.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { simStateSchema } from './state.ts';
import type { SimState } from './state.ts';

/** Reads and validates a state file; `undefined` when it does not exist yet. */
export function loadStateFile(path: string): SimState | undefined {
  if (!existsSync(path)) return undefined;
  const parsed = simStateSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new Error(`proxmox sim: state file ${path} is not valid: ${parsed.error.message}`);
  return parsed.data;
}

/** Writes the state atomically (temp file + rename). */
export function saveStateFile(path: string, state: SimState): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.tmp-${process.pid}`;
  writeFileSync(temp, `${JSON.stringify(state, null, 1)}\n`);
  renameSync(temp, path);
}
