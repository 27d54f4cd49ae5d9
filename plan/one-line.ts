/**
 * The longest single-line summary Capstan writes: the Temporal server rejects user metadata over
 * its per-namespace limit (400 bytes by default), and 120 characters stay under it even when every
 * character takes three bytes in UTF-8.
 */
export const maxSummaryLength = 120;

/** Text as one line of at most `max` characters, whitespace collapsed, cut with an ellipsis. */
export function oneLine(text: string, max: number = maxSummaryLength): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}
