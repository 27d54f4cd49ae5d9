import { ApiException, CoordinationV1Api, V1MicroTime, type KubeConfig, type V1Lease } from '@kubernetes/client-node';
import { decideLease, releasedLease, type LeaseObservation, type LeaseRecord } from './lease.ts';
import type { Logger } from './logger.ts';

export interface LeaderElectionOptions {
  readonly kubeConfig: KubeConfig;
  readonly namespace: string;
  readonly name: string;
  readonly identity: string;
  /** How long a Lease nobody renews stays its holder's (client-go default 15 s). */
  readonly leaseDurationSeconds?: number;
  /** A leader that could not renew for this long stops acting (client-go default 10 s). */
  readonly renewDeadlineMs?: number;
  /** How often candidates try and the leader renews (client-go default 2 s). */
  readonly retryPeriodMs?: number;
  readonly onStartedLeading: () => void;
  readonly onStoppedLeading: () => void;
  readonly logger: Logger;
}

/**
 * Lease-based leader election on coordination.k8s.io/v1: only the holder of the Lease acts. A
 * leader that cannot renew within the renew deadline, or finds another holder, stops acting
 * before its Lease can expire for the others; `stop()` releases the Lease so a standby takes
 * over at once instead of after the lease duration.
 */
export class LeaderElector {
  readonly #options: LeaderElectionOptions;
  readonly #api: CoordinationV1Api;
  readonly #leaseDurationSeconds: number;
  readonly #renewDeadlineMs: number;
  readonly #retryPeriodMs: number;
  #observation: LeaseObservation | undefined;
  #leading = false;
  #lastRenewMs = 0;
  #timer: NodeJS.Timeout | undefined;
  #round: Promise<void> = Promise.resolve();
  #stopped = true;
  #lastError: string | undefined;

  constructor(options: LeaderElectionOptions) {
    this.#options = options;
    this.#api = options.kubeConfig.makeApiClient(CoordinationV1Api);
    this.#leaseDurationSeconds = options.leaseDurationSeconds ?? 15;
    this.#renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.#retryPeriodMs = options.retryPeriodMs ?? 2_000;
    if (this.#renewDeadlineMs >= this.#leaseDurationSeconds * 1000)
      throw new Error('the renew deadline must be shorter than the lease duration');
  }

  /** Whether this replica holds the Lease now. */
  get leading(): boolean {
    return this.#leading;
  }

  /** Starts competing for the Lease. */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#schedule(0);
  }

  /** Stops competing; a leader stops acting and releases the Lease. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#round;
    if (!this.#leading) return;
    this.#setLeading(false);
    await this.#release().catch((error: unknown) => {
      this.#options.logger.warn(`could not release Lease ${this.#where()}: ${describe(error)}`);
    });
  }

  /** Stops competing without releasing the Lease, as a crashed replica would; for tests. */
  async abandon(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#round;
    if (this.#leading) this.#setLeading(false);
  }

  #schedule(delayMs: number): void {
    this.#timer = setTimeout(() => {
      this.#round = this.#tryAcquireOrRenew().finally(() => {
        if (!this.#stopped) this.#schedule(this.#retryPeriodMs);
      });
    }, delayMs);
  }

  async #tryAcquireOrRenew(): Promise<void> {
    const { namespace, name, identity } = this.#options;
    try {
      const lease = await this.#read();
      if (this.#stopped) return;
      const decision = decideLease({
        current: lease?.spec ? recordOf(lease) : lease ? {} : undefined,
        previous: this.#observation,
        identity,
        leaseDurationSeconds: this.#leaseDurationSeconds,
        nowMs: Date.now(),
      });
      this.#observation = decision.observation;
      if (decision.action === 'wait') {
        if (this.#leading) {
          this.#options.logger.warn(`Lease ${this.#where()} is held by ${decision.holder}: stepping down`);
          this.#setLeading(false);
        }
        return;
      }
      const body: V1Lease = {
        metadata: { name, namespace, ...(lease?.metadata?.resourceVersion ? { resourceVersion: lease.metadata.resourceVersion } : {}) },
        spec: specOf(decision.record),
      };
      if (decision.action === 'create') await this.#api.createNamespacedLease({ namespace, body });
      else await this.#api.replaceNamespacedLease({ namespace, name, body });
      this.#lastRenewMs = Date.now();
      this.#lastError = undefined;
      if (!this.#leading) {
        this.#options.logger.info(`${identity} leads (Lease ${this.#where()}, ${decision.action})`);
        this.#setLeading(true);
      }
    } catch (error) {
      // 409: another candidate wrote first; anything else: the API server is unreachable (said once, not every round).
      const message = describe(error);
      if (!(error instanceof ApiException && error.code === 409) && message !== this.#lastError)
        this.#options.logger.warn(`Lease ${this.#where()}: ${message}`);
      this.#lastError = message;
    }
    if (this.#leading && Date.now() - this.#lastRenewMs > this.#renewDeadlineMs) {
      this.#options.logger.warn(`could not renew Lease ${this.#where()} for ${this.#renewDeadlineMs} ms: stepping down`);
      this.#setLeading(false);
    }
  }

  async #read(): Promise<V1Lease | undefined> {
    try {
      return await this.#api.readNamespacedLease({ namespace: this.#options.namespace, name: this.#options.name });
    } catch (error) {
      if (error instanceof ApiException && error.code === 404) return undefined;
      throw error;
    }
  }

  async #release(): Promise<void> {
    const lease = await this.#read();
    if (lease?.spec?.holderIdentity !== this.#options.identity) return;
    const { namespace, name } = this.#options;
    await this.#api.replaceNamespacedLease({
      namespace,
      name,
      body: {
        metadata: { name, namespace, resourceVersion: lease.metadata?.resourceVersion ?? '' },
        spec: specOf(releasedLease(recordOf(lease), Date.now())),
      },
    });
  }

  #setLeading(leading: boolean): void {
    this.#leading = leading;
    if (leading) this.#options.onStartedLeading();
    else this.#options.onStoppedLeading();
  }

  #where(): string {
    return `${this.#options.namespace}/${this.#options.name}`;
  }
}

function recordOf(lease: V1Lease): LeaseRecord {
  const spec = lease.spec ?? {};
  const time = (t: Date | string | undefined): string | undefined => (t === undefined ? undefined : new Date(t).toISOString());
  return {
    holderIdentity: spec.holderIdentity,
    leaseDurationSeconds: spec.leaseDurationSeconds,
    acquireTime: time(spec.acquireTime),
    renewTime: time(spec.renewTime),
    leaseTransitions: spec.leaseTransitions,
  };
}

function specOf(record: LeaseRecord): V1Lease['spec'] {
  const time = (t: string | undefined): V1MicroTime | undefined => (t === undefined ? undefined : new V1MicroTime(t));
  return {
    holderIdentity: record.holderIdentity ?? '',
    leaseDurationSeconds: record.leaseDurationSeconds ?? 1,
    acquireTime: time(record.acquireTime),
    renewTime: time(record.renewTime),
    leaseTransitions: record.leaseTransitions ?? 0,
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
}
