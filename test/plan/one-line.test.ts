import { describe, expect, it } from 'vitest';
import { oneLine } from '../../plan/one-line.ts';

describe('oneLine', () => {
  it.each([
    ['collapses newlines and runs of spaces', 'a\n  b\tc ', 'a b c'],
    ['keeps a short line', 'clone VM x', 'clone VM x'],
    ['cuts a long line with an ellipsis at the limit', 'x'.repeat(130), `${'x'.repeat(119)}…`],
  ])('%s', (_, text, expected) => {
    expect(oneLine(text)).toBe(expected);
  });
});
