import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { deepMerge, loadScenario, parseScenario } from '../scenario/load';
import { SeedRun } from './seed-run';

const baseline = loadScenario(fileURLToPath(new URL('../scenarios/baseline.yaml', import.meta.url)));
const small = (changes: Record<string, unknown>) =>
  parseScenario(deepMerge(baseline as unknown as Record<string, unknown>, { horizonDays: 0.25, depots: [{ name: 'a', vehicles: 2, workshopBays: 1 }], ...changes }), 'test');

describe('what-if engine', () => {
  it('the same seed gives the same twins and KPIs; another seed does not', () => {
    const s = small({});
    const run = (seed: string) => {
      const r = new SeedRun(s, seed);
      const result = r.run();
      const views = JSON.stringify(r.twinViews().map((v) => v.context));
      r.stop();
      return { kpis: result.kpis, views, events: result.twinEvents };
    };
    const a = run('det-1');
    expect(a.events).toBeGreaterThan(200);
    expect(run('det-1')).toEqual(a);
    expect(run('det-2').views).not.toBe(a.views);
  }, 600_000);

  it('breakdowns from hidden wear wait for a workshop bay: one bay makes the queue, and the downtime, longer', () => {
    const defects = { horizonDays: 0.4, wear: { defectShare: 1, defectHours: [0.3, 1.5] }, maintenance: { policy: 'calendar', intervalDays: 365 } };
    const one = new SeedRun(small({ ...defects, depots: [{ name: 'a', vehicles: 4, workshopBays: 1 }] }), 'queue-1').run().kpis;
    const many = new SeedRun(small({ ...defects, depots: [{ name: 'a', vehicles: 4, workshopBays: 4 }] }), 'queue-1').run().kpis;
    expect(one.breakdowns).toBeGreaterThan(1);
    expect(many.breakdowns).toBeGreaterThan(1);
    // Each breakdown costs tow + repair (8 h) with a free bay; queueing behind others adds to that.
    expect(many.unplannedDowntimeHours! / many.breakdowns!).toBeCloseTo(8, 1);
    expect(one.unplannedDowntimeHours! / one.breakdowns!).toBeGreaterThan(8.5);
  }, 600_000);

  it('devices sampled at a slowed pace are online as often as live ones, not stale between every two readings', () => {
    // Every 10 simulated minutes over a working morning: the share of device twins online.
    const onlineShare = (samplingSlowdown: number) => {
      const run = new SeedRun(small({ samplingSlowdown, depots: [{ name: 'a', vehicles: 3, workshopBays: 1 }] }), 'pace-1');
      let online = 0;
      let seen = 0;
      while (!run.done) {
        run.advance(10);
        for (const view of run.twinViews()) {
          for (const device of view.devices) {
            seen++;
            if (device.connectivity === 'online') online++;
          }
        }
      }
      run.stop();
      return online / seen;
    };
    const live = onlineShare(1);
    const slowed = onlineShare(30);
    expect(live).toBeGreaterThan(0.3);
    expect(Math.abs(slowed - live)).toBeLessThan(0.15);
  }, 600_000);

  it('a minute step with slowed sampling sees the idling and driving a live-rate, one-second run sees', () => {
    const motion = (stepSeconds: number, samplingSlowdown: number) => {
      const run = new SeedRun(small({ stepSeconds, samplingSlowdown, horizonDays: 0.5, depots: [{ name: 'a', vehicles: 4, workshopBays: 1 }] }), 'motion-1');
      run.run();
      const views = run.twinViews();
      run.stop();
      const idle = views.reduce((n, v) => n + v.context.idleMs, 0);
      const driving = views.reduce((n, v) => n + v.context.drivingMs, 0);
      return { drivingH: driving / 3_600_000, idleShare: idle / (idle + driving) };
    };
    const live = motion(1, 1);
    const whatIf = motion(60, 30);
    expect(live.drivingH).toBeGreaterThan(2);
    expect(Math.abs(whatIf.idleShare - live.idleShare)).toBeLessThan(0.05);
    expect(Math.abs(whatIf.drivingH - live.drivingH)).toBeLessThan(live.drivingH * 0.1);
  }, 600_000);
});
