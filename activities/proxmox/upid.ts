/** The node a task runs on: its status can only be read there. */
export function nodeOfUpid(upid: string): string {
  const node = upid.split(':')[1];
  if (!node) throw new Error(`malformed UPID ${upid}`);
  return node;
}
