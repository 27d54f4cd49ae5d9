import { readFileSync } from 'node:fs';

/** A local account's numeric ids, for starting a process as that account. */
export interface SystemUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

/** Looks an account up in /etc/passwd; undefined when there is no such account. */
export function systemUser(name: string, passwd = '/etc/passwd'): SystemUser | undefined {
  let lines: string[];
  try {
    lines = readFileSync(passwd, 'utf8').split('\n');
  } catch {
    return undefined;
  }
  for (const line of lines) {
    const [login, , uid, gid] = line.split(':');
    if (login === name && uid !== undefined && gid !== undefined) return { name, uid: Number(uid), gid: Number(gid) };
  }
  return undefined;
}

/** Whether this process runs as root, where servers that refuse root need another account. */
export const runningAsRoot = (): boolean => process.getuid?.() === 0;
