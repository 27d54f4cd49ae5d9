// What the cluster workflow knows of the cluster's credentials: dates and fingerprints only, never
// a certificate or key, so the renewal check's results are safe in workflow history.

/** A client certificate held in one of the cluster's Secrets, as last read from it. */
export interface ClientCertificateFacts {
  readonly notAfter: string;
  /** SHA-256 of the certificate's DER, hex: tells one issued certificate from the next. */
  readonly fingerprint: string;
  /** This check issued it (the previous one was due for renewal). */
  readonly renewed: boolean;
}

/** A certificate authority of the cluster's secrets bundle. */
export interface AuthorityFacts {
  /** `Talos API CA` or `Kubernetes CA`. */
  readonly name: string;
  readonly notAfter: string;
  /** Less than a year is left: an operator must rotate it (see the condition's message). */
  readonly expiringSoon: boolean;
}

/** One renewal check of a cluster's talosconfig and admin kubeconfig. Absent: its Secret does not exist yet. */
export interface CredentialsReport {
  readonly checkedAt: string;
  readonly talosconfig?: ClientCertificateFacts;
  readonly kubeconfig?: ClientCertificateFacts;
  readonly authorities: readonly AuthorityFacts[];
  /** When the cluster workflow should check again (the earliest renewal due, bounded; see plan/credential-renewal.ts). */
  readonly nextCheckAt: string;
}

/** The cluster workflow's last renewal check, carried across continue-as-new. */
export interface CredentialsCheck {
  /** The last successful check. */
  readonly report?: CredentialsReport;
  /** Why the last check failed (it is tried again within the hour). */
  readonly problem?: string;
  readonly nextCheckAt: string;
}
