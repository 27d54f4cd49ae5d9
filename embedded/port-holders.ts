// Who listens on a TCP port, so that "ports in use" can name the processes to end. The kernel's
// socket tables (/proc/net/tcp, tcp6) give each listening socket's inode, and a process's
// /proc/<pid>/fd links name the sockets it holds. Best effort: Linux only, and only processes
// this user may look into; anything unreadable is skipped.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { identityOf, type ProcessIdentity } from './servers/process-identity.ts';

const listenState = '0A';

/** The processes listening on each of `ports` (an empty list where none could be found). */
export function portHolders(ports: readonly number[]): Map<number, ProcessIdentity[]> {
  const portOfInode = listeningInodes(new Set(ports));
  const holders = new Map<number, ProcessIdentity[]>(ports.map((port) => [port, []]));
  if (portOfInode.size === 0) return holders;
  for (const pid of numericEntries('/proc')) {
    const held = new Set<number>();
    for (const fd of numericEntries(`/proc/${pid}/fd`)) {
      const inode = /^socket:\[(\d+)\]$/.exec(readlinkOrEmpty(`/proc/${pid}/fd/${fd}`))?.[1];
      const port = inode === undefined ? undefined : portOfInode.get(inode);
      if (port !== undefined) held.add(port);
    }
    const identity = held.size > 0 ? identityOf(pid) : undefined;
    if (identity) for (const port of held) holders.get(port)?.push(identity);
  }
  return holders;
}

/** Inode → local port of every listening socket on one of `ports`. */
function listeningInodes(ports: ReadonlySet<number>): Map<string, number> {
  const found = new Map<string, number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
    for (const line of text.split('\n').slice(1)) {
      const [, local, , state, , , , , , inode] = line.trim().split(/\s+/);
      const port = Number.parseInt(local?.split(':')[1] ?? '', 16);
      if (state === listenState && inode !== undefined && ports.has(port)) found.set(inode, port);
    }
  }
  return found;
}

function numericEntries(dir: string): number[] {
  try {
    return readdirSync(dir)
      .filter((entry) => /^\d+$/.test(entry))
      .map(Number);
  } catch {
    return [];
  }
}

function readlinkOrEmpty(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return '';
  }
}
