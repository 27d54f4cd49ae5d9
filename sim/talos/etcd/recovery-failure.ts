// Which of the etcd service's two recovery steps refused the snapshot: Talos first reads its
// status (etcd's snapshot manager), then restores it, and words the failures apart.
export class RecoveryFailure extends Error {
  constructor(
    readonly step: 'verify' | 'restore',
    message: string,
  ) {
    super(message);
    this.name = 'RecoveryFailure';
  }

  /** The error as the etcd service's pre stage reports it (recoverFromSnapshot). */
  talosMessage(): string {
    return `${this.step === 'verify' ? 'error verifying snapshot' : 'error recovering from the snapshot'}: ${this.message}`;
  }
}
