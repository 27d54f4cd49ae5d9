import { defineQuery, defineSignal } from '@temporalio/workflow';

/**
 * A request for a clone slot, and its renewal: the holder sends it again while it waits and
 * while it clones, and the semaphore drops a holder whose lease runs out (its worker died).
 */
export interface CloneSlotRequest {
  /**
   * One clone of one activity (`<workflow id>/<activity id>#<vmid>`), the same in every attempt:
   * a retry takes over the slot (or the place in the queue) its predecessor left.
   */
  readonly holder: string;
  /** The activity attempt asking: a release from an attempt older than the latest that asked drops nothing. */
  readonly attempt: number;
  /** A control plane: served before the others waiting (the cluster's critical path runs through it). */
  readonly first: boolean;
  /** Clones at once on this storage; the latest request's value applies. */
  readonly limit: number;
  /**
   * How long a granted slot stays held after the holder's last renewal. Long, because a clone on
   * Proxmox goes on after its worker dies and the storage stays busy until it ends.
   */
  readonly leaseMs: number;
  /** How long a waiting (not yet granted) holder keeps its place after its last renewal. */
  readonly waitLeaseMs: number;
}

/** One holder as the semaphore keeps it (plain JSON: it crosses continue-as-new). */
export interface CloneSlotEntry {
  readonly holder: string;
  readonly first: boolean;
  /** The latest attempt that asked as this holder. */
  readonly attempt: number;
  /** Workflow time (epoch ms) when the holder is dropped unless it renews. */
  readonly leaseUntil: number;
}

/** The semaphore's whole state, carried across continue-as-new. */
export interface CloneSlotsState {
  readonly limit: number;
  /** Holders with a slot, in the order they got it. */
  readonly holders: readonly CloneSlotEntry[];
  /** Holders waiting, in the order they will be served. */
  readonly waiting: readonly CloneSlotEntry[];
}

/** How the semaphore workflow starts (and continues as new). */
export interface CloneSlotsInput {
  readonly state: CloneSlotsState;
  /** The workflow ends after this long without holders or waiters (default 5 minutes). */
  readonly idleMs?: number;
  /** Continue as new past this many history events even before the server suggests it (tests force it). */
  readonly historyLimit?: number;
}

/** Asks for a slot, or renews the lease of one asked for or held. */
export const acquireCloneSlotSignal = defineSignal<[CloneSlotRequest]>('acquireCloneSlot');

/** Gives a slot (or a place in the queue) back, unless a later attempt of the holder asked since. */
export interface CloneSlotRelease {
  readonly holder: string;
  readonly attempt: number;
}

/** Gives a slot (or a place in the queue) back. */
export const releaseCloneSlotSignal = defineSignal<[CloneSlotRelease]>('releaseCloneSlot');

/** Who holds and who waits: holders poll it for their grant, operators read it in the UI. */
export const cloneSlotsQuery = defineQuery<CloneSlotsState>('cloneSlots');

/** The semaphore's workflow type name, for clients that start it without importing workflow code. */
export const cloneSlotsWorkflowType = 'cloneSlotsWorkflow';
