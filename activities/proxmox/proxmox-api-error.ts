/** A non-2xx answer from the Proxmox API; PVE puts its error text in the HTTP reason phrase. */
export class ProxmoxApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly reason: string,
    /** Per-parameter messages of a 400 "Parameter verification failed." */
    readonly paramErrors: Readonly<Record<string, string>> = {},
    /** What the operator should look at, e.g. where a refused token came from. */
    hint?: string,
  ) {
    const details = Object.entries(paramErrors).map(([param, text]) => `${param}: ${text.trim()}`);
    super(
      `${method} ${path}: ${status} ${reason}${details.length > 0 ? ` (${details.join('; ')})` : ''}${hint === undefined ? '' : ` — ${hint}`}`,
    );
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

/**
 * Proxmox VE's certificate was not accepted (unknown CA, wrong host name, expired). Retrying
 * cannot help; the message says what the operator can change.
 */
export class ProxmoxTlsError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly origin: string,
    readonly code: string,
    cause: Error,
    /** Where the CA of this connection is given, when it came from elsewhere than the worker's settings. */
    remedy?: string,
  ) {
    super(
      `${method} ${path}: the TLS certificate of ${origin} is not trusted (${code}: ${cause.message}). ` +
        (remedy ??
          'Give Capstan the CA that signed it: PROXMOX_CA_FILE for the worker, or the CA in the ProxmoxCluster’s ' +
            'credentials Secret (on Proxmox VE it is /etc/pve/pve-root-ca.pem, unless the node uses a certificate of ' +
            'your own CA); or, for a lab only, skip verification with PROXMOX_INSECURE_SKIP_TLS_VERIFY=true.'),
      { cause },
    );
    this.name = 'ProxmoxTlsError';
  }
}
