import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { CliError, oneLine } from './cli-error.ts';
import type { ConnectionFlags } from './connect/clients.ts';
import type { CliClients, CliContext, CliIo } from './context.ts';
import { clusterFlags, flavorNames, type FlavorName } from './generate/cluster-flags.ts';

/** What `runCapstan` needs from outside: the terminal, and how to make clients from the flags. */
export interface ProgramDeps {
  readonly io: CliIo;
  readonly clients: (flags: ConnectionFlags) => CliClients & { close?(): Promise<void> };
  /** Where `generate` reads clusterctl's variables; none when absent. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

// Commands are imported when they run: @kubernetes/client-node alone takes seconds to load, and
// `--help`, argument errors and an unreachable Temporal should answer without waiting for it.
const commands = {
  describe: () => import('./commands/describe.ts'),
  plan: () => import('./commands/plan.ts'),
  operator: () => import('./commands/operator-updates.ts'),
  secret: () => import('./commands/get-secret.ts'),
  watch: () => import('./commands/watch.ts'),
  etcd: () => import('./commands/etcd.ts'),
  generate: () => import('./commands/generate-cluster.ts'),
  move: () => import('./commands/move.ts'),
};

interface GlobalFlags extends ConnectionFlags {
  readonly namespace: string;
}

const examples = `
Examples:
  capstan generate cluster demo --control-plane-machine-count 3 --worker-machine-count 2 \\
    --source-node pve1 --template-vmid 9000 --control-plane-endpoint-ip 10.0.0.10 \\
    --node-ip-ranges 10.0.0.11-10.0.0.60 --gateway 10.0.0.1 --ip-prefix 24 --dns-servers 10.0.0.1 \\
    | kubectl apply -f -                   manifests for a new cluster (CAPMOX's clusterctl variables work too)
  capstan describe cluster demo            the cluster's objects, machines, versions and running operation
  capstan plan demo                        the steps the current spec would cause, without running them
  capstan watch demo --until-idle          follow an operation until there is nothing left to do
  capstan retry demo                       re-run a blocked step once its cause is fixed
  capstan get kubeconfig demo > demo.kubeconfig
  capstan move demo --to-kubeconfig new-mgmt.kubeconfig --to-temporal-namespace capstan-new

Connections:
  the management cluster: --kubeconfig, else KUBECONFIG, else ~/.kube/config
  Temporal: --temporal-address, else TEMPORAL_ADDRESS (default 127.0.0.1:7233); TEMPORAL_NAMESPACE,
  TEMPORAL_TLS_CERT/_KEY/_CA/_SERVER_NAME and TEMPORAL_API_KEY as for the worker
`;

const seconds = (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a number of seconds above 0');
  return n;
};

/** Prints an error as one line plus a hint; returns the exit code. */
export function reportError(error: unknown, io: CliIo): number {
  if (error instanceof CliError) {
    io.stderr.write(`capstan: ${error.message}\n`);
    for (const detail of error.details) io.stderr.write(`  - ${detail}\n`);
    if (error.hint) io.stderr.write(`hint: ${error.hint}\n`);
    return 1;
  }
  io.stderr.write(`capstan: ${oneLine(error)}\n`);
  if (process.env['CAPSTAN_DEBUG'] && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
  else io.stderr.write('hint: set CAPSTAN_DEBUG=1 for the stack trace\n');
  return 1;
}

/**
 * Runs `capstan` with the arguments after the program name and returns the exit code: 0 on
 * success, 1 on any error (one line and a hint on stderr) or a refused plan, 130 when Ctrl-C
 * ends a `watch --until-idle`.
 */
export async function runCapstan(argv: readonly string[], deps: ProgramDeps): Promise<number> {
  const { io } = deps;
  let exitCode = 0;
  let clients: ReturnType<ProgramDeps['clients']> | undefined;
  /** Runs a command's function with clients made from the flags (global ones included). */
  const run = async (command: Command, fn: (ctx: CliContext) => Promise<number>): Promise<void> => {
    const flags = command.optsWithGlobals<GlobalFlags>();
    clients = deps.clients(flags);
    exitCode = await fn({ io, clients, namespace: flags.namespace });
  };

  const program = new Command('capstan')
    .description('Capstan: Talos clusters on Proxmox VE, every operation a durable Temporal workflow')
    .version('0.1.0')
    .option('-n, --namespace <namespace>', 'namespace of the Cluster', 'default')
    .option('--kubeconfig <file>', 'kubeconfig of the management cluster (default: KUBECONFIG, then ~/.kube/config)')
    .option('--temporal-address <host:port>', 'Temporal frontend (default: TEMPORAL_ADDRESS, then 127.0.0.1:7233)')
    .option('--temporal-namespace <namespace>', 'Temporal namespace (default: TEMPORAL_NAMESPACE, then default)')
    .addHelpText('after', examples)
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => {
        write(text.replace(/^error: /, 'capstan: '));
      },
    });

  const describe = program.command('describe').description('show a cluster in detail');
  describe
    .command('cluster <name>')
    .description(
      'the Cluster as a tree (control plane, MachineDeployments, Machines) with conditions, versions, the running operation and blocked steps',
    )
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--show-conditions', 'show every condition of every object, not only Ready')
    .action(async function (this: Command, name: string) {
      const o = this.opts<{ output: 'text' | 'json'; showConditions?: boolean }>();
      await run(this, async (ctx) => (await commands.describe()).describeCluster(ctx, name, o));
    });

  program
    .command('plan <name>')
    .description('the ordered steps the current spec would cause, without running them (exit 1 when the plan is refused)')
    .option('-f, --filename <file>', 'plan these manifests instead of the objects in the management cluster')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async function (this: Command, name: string) {
      const o = this.opts<{ filename?: string; output: 'text' | 'json' }>();
      await run(this, async (ctx) => (await commands.plan()).planClusterCommand(ctx, name, o));
    });

  const etcd = program.command('etcd').description("a cluster's etcd snapshots");
  etcd
    .command('snapshots <name>')
    .description('list the stored etcd snapshots, newest first: time, revision, size and the operation or schedule that took each')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async function (this: Command, name: string) {
      const o = this.opts<{ output: 'text' | 'json' }>();
      await run(this, async (ctx) => (await commands.etcd()).etcdSnapshotsCommand(ctx, name, o));
    });
  etcd
    .command('restore <name>')
    .description(
      "restore the cluster's etcd from a snapshot (the newest unless --snapshot): wipes etcd on every control plane, bootstraps from the snapshot, waits until Ready",
    )
    .option('--snapshot <id>', 'the snapshot to restore (capstan etcd snapshots lists them)')
    .option('--yes', 'confirm: everything the cluster stored after the snapshot is lost')
    .action(async function (this: Command, name: string) {
      const o = this.opts<{ snapshot?: string; yes?: boolean }>();
      await run(this, async (ctx) => (await commands.etcd()).etcdRestoreCommand(ctx, name, o));
    });

  program
    .command('retry <name>')
    .description('re-run the blocked step of every blocked run, or of one with --run')
    .option('--run <workflowId>', 'the blocked run to retry (describe lists them)')
    .action(async function (this: Command, name: string) {
      const o = this.opts<{ run?: string }>();
      await run(this, async (ctx) => (await commands.operator()).retryCommand(ctx, name, o));
    });

  program
    .command('abort <name>')
    .description('end a blocked or paused operation, leaving what is done in place; the cluster is held until its spec changes')
    .option('--reason <text>', 'why (required): it goes on the cluster status')
    .option('--run <workflowId>', 'the blocked run to abort (describe lists them)')
    .action(async function (this: Command, name: string) {
      const o = this.opts<{ reason?: string; run?: string }>();
      await run(this, async (ctx) => (await commands.operator()).abortCommand(ctx, name, o));
    });

  for (const [verb, pause, text] of [
    ['pause', true, 'hold the running operation before its next step'],
    ['resume', false, 'let a paused operation go on'],
  ] as const) {
    program
      .command(`${verb} <name>`)
      .description(text)
      .action(async function (this: Command, name: string) {
        await run(this, async (ctx) => (await commands.operator()).pauseCommand(ctx, name, pause));
      });
  }

  const generate = program.command('generate').description('print manifests for kubectl apply, as clusterctl generate does');
  const generateCluster = generate
    .command('cluster <name>')
    .description(
      "a Talos cluster on Proxmox VE as Cluster API objects (CACPPT, CABPT and CAPMOX kinds); a flag left out falls back to its clusterctl variable (CAPI's and CAPMOX's names), then to its default",
    )
    .option('--target-namespace <namespace>', 'namespace of the objects (default: --namespace)')
    .addOption(
      new Option(
        '--flavor <flavor>',
        'how the cluster is written out: plain (every object) or topology (a ClusterClass and a Cluster made from it)',
      )
        .choices(flavorNames)
        .default('plain'),
    )
    .option('--class-name <name>', "the topology flavor's ClusterClass", 'talos-proxmox')
    .option(
      '--cluster-only',
      'with --flavor topology: the Cluster alone, for a ClusterClass applied before (made with the same Proxmox, template and control-plane VM flags)',
    )
    .option(
      '--external-load-balancer',
      "a load balancer of yours answers at the endpoint (in front of the control planes' port 6443), so they announce no Talos VIP",
    );
  for (const entry of clusterFlags) {
    const fallback = entry.fallback === undefined ? '' : ` (default: ${entry.fallback})`;
    const from = entry.variable ? ` [${entry.variable}]` : '';
    generateCluster.option(`${entry.flag} ${entry.placeholder}`, `${entry.description}${fallback}${from}`);
  }
  generateCluster.action(async function (this: Command, name: string) {
    const { targetNamespace, flavor, externalLoadBalancer, className, clusterOnly, ...flags } = this.opts<{
      targetNamespace?: string;
      flavor: FlavorName;
      externalLoadBalancer?: boolean;
      className: string;
      clusterOnly?: boolean;
    }>();
    const namespace = targetNamespace ?? this.optsWithGlobals<GlobalFlags>().namespace;
    const env = deps.env ?? {};
    exitCode = (await commands.generate()).generateClusterCommand(io, {
      name,
      namespace,
      flavor,
      externalLoadBalancer: externalLoadBalancer === true,
      className,
      clusterOnly: clusterOnly === true,
      flags,
      env,
    });
  });

  const get = program.command('get').description("print a cluster's admin config (stdout only, for > file)");
  for (const kind of ['kubeconfig', 'talosconfig'] as const) {
    get
      .command(`${kind} <name>`)
      .description(`the admin ${kind} from the Secret <name>-${kind}`)
      .action(async function (this: Command, name: string) {
        await run(this, async (ctx) => (await commands.secret()).getSecretCommand(ctx, kind, name));
      });
  }

  program
    .command('watch <name>')
    .description('live progress, redrawn as it changes; Ctrl-C ends it')
    .option('--until-idle', 'exit 0 once the cluster is Idle, 1 when it is Held (for scripts)')
    .option('--timeout <seconds>', 'give up after this long (exit 1)', seconds)
    .addOption(new Option('--interval <seconds>', 'how often to ask').argParser(seconds).default(1).hideHelp())
    .action(async function (this: Command, name: string) {
      const o = this.opts<{ untilIdle?: boolean; timeout?: number; interval: number }>();
      await run(this, async (ctx) =>
        (await commands.watch()).watchCommand(ctx, name, {
          untilIdle: o.untilIdle,
          timeoutSeconds: o.timeout,
          intervalMs: o.interval * 1000,
        }),
      );
    });

  let targetClients: ReturnType<ProgramDeps['clients']> | undefined;
  program
    .command('move <name>')
    .description(
      'hand the cluster to another management cluster (as clusterctl move): pause, release its workflow, copy its objects and Secrets, delete them here, unpause there; no VM is touched',
    )
    .requiredOption('--to-kubeconfig <file>', "the target management cluster's kubeconfig")
    .requiredOption(
      '--to-temporal-namespace <namespace>',
      "the Temporal namespace of the target's Capstan installation (each installation needs its own)",
    )
    .option('--to-temporal-address <host:port>', "the target installation's Temporal frontend (default: the source's)")
    .option('--timeout <seconds>', "how long to wait for the target's cluster workflow (default 300)", seconds)
    .action(async function (this: Command, name: string) {
      const o = this.opts<{ toKubeconfig: string; toTemporalNamespace: string; toTemporalAddress?: string; timeout?: number }>();
      const flags = this.optsWithGlobals<GlobalFlags>();
      targetClients = deps.clients({
        kubeconfig: o.toKubeconfig,
        temporalAddress: o.toTemporalAddress ?? flags.temporalAddress,
        temporalNamespace: o.toTemporalNamespace,
      });
      const target = targetClients;
      await run(this, async (ctx) => {
        const [kube, temporal] = await Promise.all([target.kube(), target.temporal()]);
        return (await commands.move()).moveCommand(ctx, name, { kube, temporal }, { ...(o.timeout ? { waitSeconds: o.timeout } : {}) });
      });
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 1;
    return reportError(error, io);
  } finally {
    await clients?.close?.();
    await targetClients?.close?.();
  }
}
