/** A non-2xx answer from the Proxmox API; PVE puts its error text in the HTTP reason phrase. */
export class ProxmoxApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly reason: string,
    /** Per-parameter messages of a 400 "Parameter verification failed." */
    readonly paramErrors: Readonly<Record<string, string>> = {},
  ) {
    const details = Object.entries(paramErrors).map(([param, text]) => `${param}: ${text.trim()}`);
    super(`${method} ${path}: ${status} ${reason}${details.length > 0 ? ` (${details.join('; ')})` : ''}`);
    this.name = 'ProxmoxApiError';
  }

  /** PVE reports a missing VM (and CAPMOX matches it) with "... does not exist". */
  get isNotFound(): boolean {
    return this.reason.includes('does not exist') || this.reason.includes('no such VM');
  }
}

/** The request never got an HTTP answer (refused, reset, timed out). */
export class ProxmoxNetworkError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    cause: unknown,
  ) {
    super(`${method} ${path}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'ProxmoxNetworkError';
  }
}
