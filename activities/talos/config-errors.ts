import { ApplicationFailure } from '@temporalio/common';
import { ErrorType, nonRetryableErrorTypes } from '../../api/errors.ts';

/** Which patch failed: its list, its index and, for RFC 6902, the operation and path. */
export interface PatchLocation {
  readonly list: 'strategicPatches' | 'configPatches';
  readonly index: number;
  /** `replace /machine/install/disk` for an RFC 6902 operation. */
  readonly operation?: string;
}

/** Names a patch the way errors and status conditions show it: `configPatches[2] (replace /a/b)`. */
export function describePatch(location: PatchLocation): string {
  const name = `${location.list}[${location.index}]`;
  return location.operation ? `${name} (${location.operation})` : name;
}

// Like activities/failure.ts, but with structured details a status condition can show.
function detailedFailure(type: ErrorType, message: string, details: unknown[]): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: nonRetryableErrorTypes.includes(type), details });
}

/** A patch that does not parse or apply: retrying the same spec fails the same way. */
export function invalidConfigPatch(location: PatchLocation, reason: string, path?: string): ApplicationFailure {
  const at = path !== undefined && location.operation === undefined ? ` at ${path || '/'}` : '';
  return detailedFailure(ErrorType.InvalidConfigPatch, `${describePatch(location)}${at}: ${reason}`, [{ ...location, path, reason }]);
}

/** A failure of one of the Talos config types, with the problems listed in the message. */
export function talosConfigFailure(type: ErrorType, message: string, problems: readonly string[] = []): ApplicationFailure {
  return detailedFailure(type, problems.length ? `${message}: ${problems.join('; ')}` : message, problems.length ? [{ problems }] : []);
}

/** Zod issues as `machine.install.disk: expected string` lines, paths joined the way YAML reads. */
export function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string[] {
  return issues.map((issue) => {
    const path = issue.path.map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`)).join('');
    return path ? `${path}: ${issue.message}` : issue.message;
  });
}
