import type { KubeConfig } from '@kubernetes/client-node';
import type { Client } from '@temporalio/client';

/** Where a command writes: process.stdout and process.stderr, or a test's capture. */
export interface Output {
  write(text: string): unknown;
  readonly isTTY?: boolean | undefined;
}

/** The terminal side of a command, injected so rendering and commands run in tests unchanged. */
export interface CliIo {
  readonly stdout: Output;
  readonly stderr: Output;
  /** Use ANSI colours on stdout. */
  readonly color: boolean;
  now(): Date;
  /** Aborted on Ctrl-C: long-running commands (watch) end on it. */
  readonly interrupted: AbortSignal;
}

/** A Temporal client and where it points, for messages. */
export interface TemporalAccess {
  readonly client: Client;
  readonly address: string;
  readonly namespace: string;
}

/** The management cluster: its kubeconfig, the API server it names and where it was loaded from. */
export interface KubeAccess {
  readonly kubeConfig: KubeConfig;
  readonly server: string;
  readonly source: string;
}

/** Connections, made on first use so a command only needs what it talks to. */
export interface CliClients {
  temporal(): Promise<TemporalAccess>;
  kube(): Promise<KubeAccess>;
}

/** What every command gets. */
export interface CliContext {
  readonly io: CliIo;
  readonly clients: CliClients;
  readonly namespace: string;
}
