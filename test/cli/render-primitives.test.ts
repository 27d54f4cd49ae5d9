// The drawing pieces of the CLI: the tree's branches, ANSI-aware column alignment, ages.
import { describe, expect, it } from 'vitest';
import { palette, stripAnsi, visibleLength, wantsColor } from '../../client/cli/render/colors.ts';
import { since } from '../../client/cli/render/since.ts';
import { renderTable } from '../../client/cli/render/table.ts';
import { flattenTree, node } from '../../client/cli/render/tree.ts';
import { progressBar } from '../../client/cli/render/watch-frame.ts';
import { oldest, versionChange } from '../../client/cli/render/versions.ts';

describe('flattenTree', () => {
  it('draws branches as clusterctl does, continuing a parent line only while siblings follow', () => {
    const tree = node('Cluster', [node('ControlPlane', [node('cp-1')]), node('Workers', [node('md-0', [node('w-1'), node('w-2')])])]);
    expect(flattenTree(tree).map((l) => `${l.prefix}${l.value}`)).toEqual([
      'Cluster',
      '├─ControlPlane',
      '│ └─cp-1',
      '└─Workers',
      '  └─md-0',
      '    ├─w-1',
      '    └─w-2',
    ]);
  });
});

describe('renderTable', () => {
  it('pads every column but the last to its widest cell, two spaces apart, without trailing spaces', () => {
    expect(
      renderTable(
        ['NAME', 'READY', 'MESSAGE'],
        [
          ['a', 'True', ''],
          ['longer-name', 'False', 'why'],
        ],
      ),
    ).toEqual(['NAME         READY  MESSAGE', 'a            True', 'longer-name  False  why']);
  });

  it('measures cells without their colours', () => {
    const c = palette(true);
    const lines = renderTable(
      ['A', 'B'],
      [
        [c.green('True'), 'x'],
        ['False', 'y'],
      ],
    );
    expect(lines.map(stripAnsi)).toEqual(['A      B', 'True   x', 'False  y']);
    expect(visibleLength(lines[1] ?? '')).toBe(8);
  });
});

describe('since', () => {
  const now = new Date('2025-06-01T12:00:00Z');
  it.each([
    ['2025-06-01T11:59:15Z', '45s'],
    ['2025-06-01T11:58:01Z', '119s'],
    ['2025-06-01T11:30:00Z', '30m'],
    ['2025-06-01T07:00:00Z', '5h'],
    ['2025-05-28T12:00:00Z', '4d'],
    ['2025-06-01T12:00:30Z', '0s'],
    [undefined, ''],
    ['not a time', ''],
  ])('%s → %s', (iso, text) => {
    expect(since(iso, now)).toBe(text);
  });
});

describe('versions and bars', () => {
  it('picks the oldest version numerically and shows a pending change with an arrow', () => {
    expect(oldest(['v1.34.2', 'v1.9.10', '', undefined, 'v1.33.4'])).toBe('v1.9.10');
    expect(versionChange('v1.33.4', 'v1.34.2')).toBe('v1.33.4→v1.34.2');
    expect(versionChange('v1.34.2', 'v1.34.2')).toBe('v1.34.2');
    expect(versionChange(undefined, 'v1.34.2')).toBe('v1.34.2');
  });

  it('fills the bar by step', () => {
    expect(progressBar(3, 6, 10)).toBe('[█████░░░░░] 3/6');
    expect(progressBar(0, 0, 4)).toBe('[░░░░] 0/0');
  });

  it('uses colour on a terminal unless NO_COLOR says otherwise', () => {
    expect(wantsColor(true, {})).toBe(true);
    expect(wantsColor(false, {})).toBe(false);
    expect(wantsColor(true, { NO_COLOR: '1' })).toBe(false);
    expect(wantsColor(false, { FORCE_COLOR: '1' })).toBe(true);
  });
});
