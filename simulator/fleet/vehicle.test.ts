import { describe, expect, it } from 'vitest';
import { haversineM } from '../world/geo';
import { PointRouter } from '../world/point-route';
import { createRandom } from '../world/random';
import { createWorld, type World } from '../world/world';
import { Fleet, type FleetOptions } from './fleet';

const START = Date.UTC(2025, 2, 3, 6, 0);
const monaco: World = createWorld(createRandom('test-world'), { kind: 'monaco' });

function fleet(options: Partial<FleetOptions> & { vehicles: number }, world = monaco): Fleet {
  return new Fleet(world, { seed: 'fleet-test', startMs: START, ...options });
}

describe('vehicles on the road', () => {
  it('stay on a drivable road and never exceed its limit by more than 10 %', () => {
    const f = fleet({ vehicles: 20 });
    const snapper = new PointRouter(monaco.network, monaco.router);
    let checked = 0;
    let fastest = 0;
    for (let i = 0; i < 5 * 3600; i++) {
      f.step(200);
      for (const v of f.vehicles) {
        const edge = v.roadEdge;
        if (!edge) continue;
        expect(v.speedKph).toBeLessThanOrEqual(edge.speedLimitKph * 1.1);
        fastest = Math.max(fastest, v.speedKph);
        if (i % 10 === 0) {
          expect(snapper.snap(v).offRoadM).toBeLessThan(0.5);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
    expect(fastest).toBeGreaterThan(40);
  });

  it('the odometer grows by the distance driven, fuel drops and engine hours count only with the engine on', () => {
    const f = fleet({ vehicles: 10, shift: { restS: [36_000, 36_000] } });
    const before = f.vehicles.map((v) => ({ odo: v.odometerKm, fuel: v.fuelL, hours: v.engineHours, at: { lat: v.lat, lon: v.lon } }));
    const travelledM = f.vehicles.map(() => 0);
    const engineOnS = f.vehicles.map(() => 0);
    for (let i = 0; i < 5 * 1800; i++) {
      f.step(200);
      f.vehicles.forEach((v, k) => {
        travelledM[k]! += haversineM(before[k]!.at, v);
        before[k]!.at = { lat: v.lat, lon: v.lon };
        if (v.ignition) engineOnS[k]! += 0.2;
      });
    }
    f.vehicles.forEach((v, k) => {
      const drivenM = (v.odometerKm - before[k]!.odo) * 1000;
      expect(drivenM).toBeGreaterThan(1000);
      // Straight lines between 200 ms steps cut corners a little: never longer than the road.
      expect(travelledM[k]!).toBeLessThanOrEqual(drivenM + 1e-6);
      expect(travelledM[k]!).toBeGreaterThan(drivenM * 0.97);
      expect(v.fuelL).toBeLessThan(before[k]!.fuel);
      expect((v.engineHours - before[k]!.hours) * 3600).toBeCloseTo(engineOnS[k]!, 0);
    });
  });

  it('idles with the engine on at stops and parks at its depot with the engine off at the end of the shift', () => {
    const f = fleet({ vehicles: 6, shift: { stopsPerShift: [2, 2], dwellS: [90, 90], restS: [36_000, 36_000], firstShiftWithinS: 5 } });
    const idleS = f.vehicles.map(() => 0);
    const drove = f.vehicles.map(() => false);
    for (let i = 0; i < 5 * 3 * 3600; i++) {
      f.step(200);
      f.vehicles.forEach((v, k) => {
        if (v.motion === 'idle') idleS[k]! += 0.2;
        if (v.motion === 'driving') drove[k] = true;
      });
    }
    f.vehicles.forEach((v, k) => {
      expect(drove[k]).toBe(true);
      // Two stops of 90 s with the engine running, plus traffic lights.
      expect(idleS[k]!).toBeGreaterThanOrEqual(180);
      expect(v.motion).toBe('parked');
      expect(v.ignition).toBe(false);
      expect(haversineM(v, monaco.network.node(v.depot))).toBeLessThan(0.01);
    });
  });

  it('a minute-long world step (what-if runs) drives as a one-second step does: same harsh events by kind, same distance', () => {
    const drive = (stepMs: number) => {
      const f = fleet({ vehicles: 20 });
      const startKm = f.vehicles.reduce((n, v) => n + v.odometerKm, 0);
      for (let t = 0; t < 4 * 3_600_000; t += stepMs) f.step(stepMs);
      const byKind: Record<string, number> = {};
      for (const v of f.vehicles) for (const h of v.harsh) byKind[h.kind] = (byKind[h.kind] ?? 0) + 1;
      return { byKind, km: f.vehicles.reduce((n, v) => n + v.odometerKm, 0) - startKm };
    };
    const fine = drive(1000);
    const coarse = drive(60_000);
    expect(fine.byKind.braking).toBeGreaterThan(20);
    for (const kind of ['braking', 'cornering', 'acceleration']) {
      expect(coarse.byKind[kind] ?? 0).toBeGreaterThanOrEqual((fine.byKind[kind] ?? 0) * 0.75);
      expect(coarse.byKind[kind] ?? 0).toBeLessThanOrEqual((fine.byKind[kind] ?? 0) * 1.33 + 2);
    }
    expect(fine.km).toBeGreaterThan(100);
    // A stop still ends on a step boundary (up to a minute late), so a little less is driven.
    expect(Math.abs(coarse.km - fine.km)).toBeLessThan(fine.km * 0.06);
  });

  it('a minute step takes cruising and standing seconds together, yet wherever a device reads a van, and whenever a change makes one report, it is as one-second steps have it', () => {
    const grid = createWorld(createRandom('cruise-world'), { kind: 'grid', gridBlocks: 12, depots: 2 });
    const READ_EVERY_MS = 7_000;
    let stretched = 0;
    let subSteps = 0;
    let changes = 0;
    for (const [world, onShiftS] of [[grid, 300], [grid, 720], [grid, 1500], [monaco, 400], [monaco, 1000]] as const) {
      const fine = fleet({ vehicles: 40, shift: { firstShiftWithinS: 60 } }, world);
      const coarse = fleet({ vehicles: 40, shift: { firstShiftWithinS: 60 } }, world);
      for (let s = 0; s < onShiftS; s++) {
        fine.step(1000);
        coarse.step(1000);
      }
      // Vans driving as the minute starts are integrated in sub-steps; the others take it whole.
      const driving = coarse.vehicles.map((v) => v.substeps(60));
      const state = (f: Fleet, i: number) => {
        const v = f.vehicles[i]!;
        return {
          lat: v.lat,
          lon: v.lon,
          headingDeg: v.headingDeg,
          speedMps: v.speedMps,
          odometerKm: v.odometerKm,
          fuelL: v.fuelL,
          harsh: v.harsh.length,
          // What devices report at once when it changes: a stretch must not move a change to its end.
          changes: `${v.changeCount}/${v.motionChangeCount} ${v.ignition} ${v.doorOpen} ${v.motion}`,
        };
      };
      const seen: Array<Array<{ dueMs: number; state: ReturnType<typeof state> }>> = coarse.vehicles.map(() => []);
      const lastMs = coarse.vehicles.map(() => coarse.timeMs);
      const dueAfter = (ms: number) => (Math.floor(ms / READ_EVERY_MS) + 1) * READ_EVERY_MS;
      // When a device would hear of a change (ignition, door, motion): where the van's sub-step ends.
      const changedAt = (f: Fleet) => {
        const last = f.vehicles.map((v) => `${v.changeCount}/${v.motionChangeCount}`);
        const moments: string[][] = f.vehicles.map(() => []);
        const note = (i: number, atMs: number) => {
          const now = `${f.vehicles[i]!.changeCount}/${f.vehicles[i]!.motionChangeCount}`;
          if (now !== last[i]) moments[i]!.push(`${atMs} ${now}`);
          last[i] = now;
        };
        return { moments, note };
      };
      const coarseChanges = changedAt(coarse);
      const fineChanges = changedAt(fine);
      coarse.step(60_000, {
        reached: (i, atMs) => {
          subSteps++;
          coarseChanges.note(i, atMs);
          for (let due = dueAfter(lastMs[i]!); due <= atMs; due += READ_EVERY_MS) seen[i]!.push({ dueMs: due, state: state(coarse, i) });
          lastMs[i] = atMs;
        },
        nextReadingMs: (i) => dueAfter(lastMs[i]!),
      });
      const expected: typeof seen = coarse.vehicles.map(() => []);
      for (let s = 0; s < 60; s++) {
        const before = fine.timeMs;
        fine.step(1000);
        for (let i = 0; i < fine.vehicles.length; i++) {
          for (let due = dueAfter(before); due <= fine.timeMs; due += READ_EVERY_MS) expected[i]!.push({ dueMs: due, state: state(fine, i) });
          fineChanges.note(i, fine.timeMs);
        }
      }
      for (let i = 0; i < driving.length; i++) {
        if (!driving[i]) continue;
        stretched += 60;
        changes += fineChanges.moments[i]!.length;
        expect(coarseChanges.moments[i]).toEqual(fineChanges.moments[i]);
        expect(seen[i]!.map((r) => r.dueMs)).toEqual(expected[i]!.map((r) => r.dueMs));
        seen[i]!.forEach(({ state: got }, k) => {
          const want = expected[i]![k]!.state;
          expect(got.harsh).toBe(want.harsh);
          expect(got.changes).toBe(want.changes);
          expect(got.headingDeg).toBe(want.headingDeg);
          expect(got.speedMps).toBeCloseTo(want.speedMps, 9);
          expect(got.lat).toBeCloseTo(want.lat, 9);
          expect(got.lon).toBeCloseTo(want.lon, 9);
          expect(got.odometerKm).toBeCloseTo(want.odometerKm, 9);
          expect(got.fuelL).toBeCloseTo(want.fuelL, 9);
        });
      }
    }
    // Seconds of driving vans in all, and the steps they took: fewer, since cruising ones were taken together.
    expect(stretched).toBeGreaterThan(1000);
    expect(subSteps).toBeLessThan(stretched * 0.8);
    // Arrivals, departures, doors and traffic holds within the minutes compared.
    expect(changes).toBeGreaterThan(20);
  });

  it('aggressive drivers cause more harsh events per km than calm ones', () => {
    const f = fleet({ vehicles: 40 });
    const odo = f.vehicles.map((v) => v.odometerKm);
    const harsh = f.vehicles.map(() => 0);
    const seen = f.vehicles.map(() => 0);
    for (let i = 0; i < 5 * 3 * 3600; i++) {
      f.step(200);
      f.vehicles.forEach((v, k) => {
        const last = v.harsh[v.harsh.length - 1];
        if (last && last.id > seen[k]!) {
          harsh[k]! += last.id - seen[k]!;
          seen[k] = last.id;
        }
      });
    }
    const perKm = f.vehicles.map((v, k) => ({ aggression: v.driver.aggression, rate: harsh[k]! / (v.odometerKm - odo[k]!) }));
    perKm.sort((a, b) => a.aggression - b.aggression);
    const mean = (xs: typeof perKm) => xs.reduce((s, x) => s + x.rate, 0) / xs.length;
    const calm = mean(perKm.slice(0, 10));
    const aggressive = mean(perKm.slice(-10));
    expect(aggressive).toBeGreaterThan(calm * 3);
  });
});

describe('hidden wear', () => {
  it('a failing component drifts its sensor and raises its DTC before it fails; the ground truth logs it all', () => {
    const f = fleet({ vehicles: 30, wear: { defectShare: 1, defectHours: [0.5, 2] }, shift: { repairS: 1800 } });
    const lastCoolant = new Map<string, number>();
    const dtcSeenBeforeFailure = new Set<string>();
    // Wear is slow: one-second steps are plenty.
    for (let i = 0; i < 8 * 3600; i++) {
      f.step(1000);
      for (const v of f.vehicles) {
        if (v.ignition) lastCoolant.set(v.id, v.coolantC);
        for (const dtc of v.dtcs()) if (dtc.system === 'obd2') dtcSeenBeforeFailure.add(`${v.id}:${dtc.code}`);
      }
    }
    const failures = f.groundTruth.filter((e) => e.event === 'failure');
    expect(failures.length).toBeGreaterThanOrEqual(10);
    for (const failure of failures) {
      const history = f.groundTruth.filter((e) => e.vehicleId === failure.vehicleId && e.component === failure.component && e.atMs <= failure.atMs);
      const onset = history.find((e) => e.event === 'dtc_on');
      expect(onset, `${failure.vehicleId} ${failure.component}`).toBeDefined();
      expect(onset!.atMs).toBeLessThan(failure.atMs);
      expect(dtcSeenBeforeFailure.has(`${failure.vehicleId}:${failure.dtc}`)).toBe(true);
    }
    const repaired = f.groundTruth.filter((e) => e.event === 'repaired');
    expect(repaired.length).toBeGreaterThan(0);
    for (const r of repaired) {
      const failure = failures.find((e) => e.vehicleId === r.vehicleId && e.component === r.component && e.atMs < r.atMs);
      expect(r.atMs - failure!.atMs).toBeGreaterThanOrEqual(1800_000);
    }
  });

  it('a cooling fault overheats the engine and a weak battery sags before they fail', () => {
    const f = fleet({ vehicles: 60, wear: { defectShare: 1, defectHours: [1, 3] }, shift: { repairS: 36_000 } });
    const peakCoolant = new Map<string, number>();
    const lowestRestingV = new Map<string, number>();
    for (let i = 0; i < 5 * 3600; i++) {
      f.step(1000);
      for (const v of f.vehicles) {
        if (v.ignition) peakCoolant.set(v.id, Math.max(peakCoolant.get(v.id) ?? 0, v.coolantC));
        else lowestRestingV.set(v.id, Math.min(lowestRestingV.get(v.id) ?? 99, v.batteryV));
      }
    }
    const failed = (component: string) => f.groundTruth.filter((e) => e.event === 'failure' && e.component === component).map((e) => e.vehicleId);
    const healthy = f.vehicles.map((v) => v.id).filter((id) => !f.groundTruth.some((e) => e.vehicleId === id));
    expect(failed('cooling').length).toBeGreaterThan(0);
    for (const id of failed('cooling')) expect(peakCoolant.get(id)).toBeGreaterThan(105);
    for (const id of healthy) expect(peakCoolant.get(id) ?? 0).toBeLessThan(100);
    for (const id of failed('battery')) expect(lowestRestingV.get(id)).toBeLessThan(12.0);
  });
});

describe('fleet determinism', () => {
  it('the same seed drives the same fleet; another seed does not', () => {
    const trace = (seed: string) => {
      const f = fleet({ vehicles: 5, seed });
      const out: string[] = [];
      for (let i = 0; i < 5 * 600; i++) {
        f.step(200);
        if (i % 50 === 0) out.push(f.vehicles.map((v) => `${v.lat.toFixed(7)},${v.lon.toFixed(7)},${v.speedMps.toFixed(4)},${v.fuelL.toFixed(6)}`).join(';'));
      }
      return out.join('\n');
    };
    expect(trace('a')).toBe(trace('a'));
    expect(trace('a')).not.toBe(trace('b'));
  });
});
