// npm start refuses to switch CAPSTAN_SIM_LIGHT under simulated clusters that exist: their
// Kubernetes objects live in the other mode's store, and their kubelets would not register again.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { keepKubeMode } from '../../embedded/embedded-talos.ts';
import { makeTempDir } from '../../embedded/servers/temp-dir.ts';
import { simLightFromEnv } from '../../embedded/servers/sim-light-mode.ts';

const dirs: Array<ReturnType<typeof makeTempDir>> = [];
const fresh = (): string => {
  const dir = makeTempDir('kube-mode');
  dirs.push(dir);
  return dir.path;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) dir.remove();
});

describe('CAPSTAN_SIM_LIGHT', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['0', false],
    ['false', false],
    ['1', true],
    ['true', true],
  ])('%j means light mode: %s', (value, light) => {
    expect(simLightFromEnv(value === undefined ? {} : { CAPSTAN_SIM_LIGHT: value })).toBe(light);
  });

  it('names the values it takes when given another', () => {
    expect(() => simLightFromEnv({ CAPSTAN_SIM_LIGHT: 'yes' })).toThrow(
      'CAPSTAN_SIM_LIGHT=yes: use 1 (simulated clusters share one kube-apiserver) or 0 (one each, the default)',
    );
  });
});

describe('keepKubeMode', () => {
  it('lets the mode change while no simulated cluster exists', () => {
    const dir = fresh();
    keepKubeMode(dir, true);
    expect(() => {
      keepKubeMode(dir, false);
    }).not.toThrow();
  });

  it('refuses a switch under existing clusters, saying how to go on', () => {
    const dir = fresh();
    keepKubeMode(dir, false);
    writeFileSync(join(dir, 'state.json'), '{}');
    expect(() => {
      keepKubeMode(dir, false);
    }).not.toThrow();
    expect(() => {
      keepKubeMode(dir, true);
    }).toThrow(
      `CAPSTAN_SIM_LIGHT=1 asks for light mode, but the simulated clusters in ${dir} were made in apiserver-per-cluster mode: set it back, or remove ${dir} (its clusters go with it)`,
    );
  });

  it('takes clusters from before the mode was recorded for an apiserver each', () => {
    const dir = fresh();
    writeFileSync(join(dir, 'state.json'), '{}');
    expect(() => {
      keepKubeMode(dir, true);
    }).toThrow(/made in apiserver-per-cluster mode/);
  });
});
