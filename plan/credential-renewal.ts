// When Capstan renews a client certificate and when it warns about a CA: pure, so the policy is
// read and tested in one place.
//
// Policy: a client certificate (talosconfig, admin kubeconfig; one year by default) is renewed
// once less than a third of its validity is left, or 30 days, whichever comes earlier — for a
// one-year certificate after about eight months, four months before it expires. The renewal check
// runs when the earliest certificate falls due, and at least every 30 days (so a Secret replaced by
// hand, or a CA nearing its end, is seen), but never twice within an hour; hourly until the
// cluster's talosconfig and kubeconfig exist. A CA with less than a
// year left is reported so that an operator rotates it while every certificate still works.

const hourMs = 3_600_000;
const dayMs = 24 * hourMs;

/** The longest time between two renewal checks. */
export const maxCheckIntervalMs = 30 * dayMs;
/** The shortest time between two renewal checks. */
export const minCheckIntervalMs = hourMs;
/** A CA with less than this left is reported as expiring. */
export const authorityWarningMs = 365 * dayMs;

/** A certificate's validity window, in ms since the epoch. */
export interface Validity {
  readonly notBefore: number;
  readonly notAfter: number;
}

/**
 * When a certificate falls due for renewal: a third of its validity before its end, or 30 days
 * before, whichever is earlier — but no earlier than half-way, so a short-lived certificate is not
 * renewed at once forever.
 */
export function renewalDueAt(validity: Validity): number {
  const lifetime = Math.max(validity.notAfter - validity.notBefore, 0);
  const margin = Math.max(lifetime / 3, Math.min(30 * dayMs, lifetime / 2));
  return validity.notAfter - margin;
}

/** Whether a certificate must be renewed now. */
export function renewalDue(validity: Validity, now: number): boolean {
  return now >= renewalDueAt(validity);
}

/**
 * When to check again: the earliest renewal due among the certificates, within [1 hour, 30 days]
 * from now; in an hour while one of them does not exist yet (a cluster being provisioned).
 */
export function nextCheckAt(now: number, certificates: readonly (Validity | undefined)[]): number {
  if (certificates.some((c) => c === undefined)) return now + minCheckIntervalMs;
  const earliest = Math.min(now + maxCheckIntervalMs, ...certificates.map((c) => (c ? renewalDueAt(c) : now)));
  return Math.max(earliest, now + minCheckIntervalMs);
}

/** Whether a CA is close enough to its end that an operator must rotate it. */
export function authorityExpiringSoon(notAfter: number, now: number): boolean {
  return notAfter - now < authorityWarningMs;
}
