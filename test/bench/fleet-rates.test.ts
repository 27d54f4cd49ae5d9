import { describe, expect, it } from 'vitest';
import { coresBusy, cpuBoundSeconds, cpuLimit, perMinute, perSecond, perUnitHour } from '../../bench/fleet/rates.ts';
import { parseBusyTicks, parseProcStat, statusKiB } from '../../bench/fleet/process-usage.ts';

describe('fleet rates', () => {
  it('turns counts over a wall time into rates', () => {
    expect(perMinute(50, 30_000)).toBe(100);
    expect(perSecond(900, 60_000)).toBe(15);
    expect(coresBusy(30, 60_000)).toBe(0.5);
    expect(perMinute(1, 0)).toBeNaN();
  });

  it('extrapolates an idle window to one cluster-hour', () => {
    // 12 CPU seconds for 50 clusters over 3 minutes: 0.24 s per cluster per 3 min → 4.8 s per hour.
    expect(perUnitHour(12, 50, 180_000)).toBeCloseTo(4.8);
    expect(perUnitHour(12, 0, 180_000)).toBeNaN();
  });

  it('projects the shortest CPU-bound wall time of a fleet', () => {
    // 9 CPU s per cluster, 200 clusters, 2 cores: 900 s even with both cores at work.
    expect(cpuBoundSeconds(9, 200, 2)).toBe(900);
  });

  it('names the busiest part and says whether the machine ran out of CPU', () => {
    const saturated = cpuLimit(
      [
        { role: 'worker', cpuSeconds: 50 },
        { role: 'dev server', cpuSeconds: 40 },
      ],
      50_000,
      2,
    );
    expect(saturated.role).toBe('worker');
    expect(saturated.machineBusy).toBeCloseTo(1.8);
    expect(saturated.verdict).toMatch(/^CPU-bound \(90 % of 2 cores\), mostly worker at 1\.00 cores/);

    const waiting = cpuLimit([{ role: 'dev server', cpuSeconds: 10 }], 50_000, 2);
    expect(waiting.verdict).toMatch(/^not CPU-bound \(10 % of 2 cores; busiest dev server at 0\.20 cores\)/);
  });
});

describe('/proc readings', () => {
  it('reads utime and stime after a command name with spaces and parentheses', () => {
    const line = '4242 (node (tsx) w) S 1 4242 4242 0 -1 4194560 1234 0 0 0 731 95 0 0 20 0 11 0 5000 1000000 20000';
    expect(parseProcStat(line)).toEqual({ utimeTicks: 731, stimeTicks: 95 });
  });

  it('reads kB fields of /proc/<pid>/status in bytes', () => {
    const status = 'Name:\tnode\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\n';
    expect(statusKiB(status, 'VmRSS')).toBe(100 * 2 ** 20);
    expect(statusKiB(status, 'VmHWM')).toBe(200 * 2 ** 20);
    expect(statusKiB(status, 'VmSwap')).toBe(0);
  });

  it('counts the machine busy in /proc/stat without idle and iowait', () => {
    const stat = 'cpu  100 5 50 9000 40 3 2 1 0 0\ncpu0 50 2 25 4500 20 1 1 0 0 0\nintr 1 2 3\n';
    expect(parseBusyTicks(stat)).toBe(100 + 5 + 50 + 3 + 2 + 1);
    expect(() => parseBusyTicks('intr 1\n')).toThrow(/no aggregate cpu line/);
  });
});
