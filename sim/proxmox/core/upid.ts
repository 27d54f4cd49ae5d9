// UPIDs in PVE's format (PVE::Tools::upid_encode): note the trailing colon.

/** The fields a UPID carries. */
export interface UpidParts {
  readonly node: string;
  readonly pid: number;
  readonly pstart: number;
  readonly starttime: number;
  readonly type: string;
  readonly id: string;
  readonly user: string;
}

const hex8 = (n: number): string => n.toString(16).toUpperCase().padStart(8, '0');

/** `UPID:<node>:<pid>:<pstart>:<starttime>:<type>:<id>:<user>:`. */
export function encodeUpid(parts: UpidParts): string {
  return `UPID:${parts.node}:${hex8(parts.pid)}:${hex8(parts.pstart)}:${hex8(parts.starttime)}:${parts.type}:${parts.id}:${parts.user}:`;
}

/** Parses a UPID; undefined when malformed (PVE: `unable to parse worker upid`). */
export function decodeUpid(upid: string): UpidParts | undefined {
  const match =
    /^UPID:([a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?):([0-9A-Fa-f]{8}):([0-9A-Fa-f]{8,9}):([0-9A-Fa-f]{8}):([^:\s]+):([^:\s]*):([^:\s]+):$/.exec(
      upid,
    );
  if (!match) return undefined;
  const [, node, pid, pstart, starttime, type, id, user] = match;
  if (node === undefined || pid === undefined || pstart === undefined || starttime === undefined) return undefined;
  if (type === undefined || id === undefined || user === undefined) return undefined;
  return { node, pid: parseInt(pid, 16), pstart: parseInt(pstart, 16), starttime: parseInt(starttime, 16), type, id, user };
}
