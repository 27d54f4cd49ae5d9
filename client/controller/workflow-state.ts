/**
 * What the controller knows of a cluster's workflow (`cluster/<ns>/<name>`): never looked (or
 * could not: Temporal unreachable),
 * there is none, it runs, it completed (a delete ends it normally), it released the cluster to
 * another management cluster, or it ended otherwise
 * (terminated, failed, timed out): then nothing acts on the cluster, and the controller does not
 * start a fresh one over machines it would know nothing about.
 */
export type WorkflowState =
  | { readonly state: 'unknown'; readonly error?: string }
  | { readonly state: 'absent' }
  | { readonly state: 'running' }
  | { readonly state: 'completed' }
  /** Handed to another management cluster (`capstan move`) with the Cluster object of this uid: never restarted for it. */
  | { readonly state: 'released'; readonly clusterUid: string; readonly to: string }
  | { readonly state: 'ended'; readonly status: string; readonly message?: string };
