import type { Dtc } from '../../twins/telemetry/schema';
import type { Rng } from '../world/random';
import type { RoadEdge } from '../world/road-network';
import type { Route } from '../world/router';
import { positionAlong } from '../world/router';
import type { World } from '../world/world';
import { createCargo, updateCargo, type Cargo } from './cargo';
import { clamp, createDriver, drawBrakeDecel, G, harshThresholdG, type DriverOptions, type DriverProfile } from './driver';
import { ambientC } from './environment';
import { createLeg, speedPlan, type Hold, type Leg } from './leg';
import { vanModels, type VanModel } from './models';
import { approach, engineLoadPct, engineRpm, fuelRateLps, van, wheelPowerW } from './powertrain';
import { doorWindow, pickStops, type ShiftOptions } from './shift';
import { createTyres, tyrePressureKpa, updateTyres, type Tyre } from './tyres';
import {
  activeDtcs,
  components,
  componentSpecs,
  createWear,
  drift,
  DTC_HEALTH,
  renew,
  type Component,
  type GroundTruthEvent,
  type WearOptions,
  type WearState,
} from './wear';

export type Motion = 'parked' | 'idle' | 'driving';
export type HarshKind = 'acceleration' | 'braking' | 'cornering';

export interface HarshEvent {
  /** Per-vehicle running number, so a device can tell which events it has reported. */
  id: number;
  atMs: number;
  kind: HarshKind;
  g: number;
}

/** What the vehicle is doing: between shifts, on a drive, at a stop or waiting for a repair. */
type Activity =
  | { kind: 'resting'; untilMs: number }
  | { kind: 'driving'; leg: Leg; toDepot: boolean; pullOver?: Component }
  | { kind: 'dwelling'; untilMs: number; door?: { fromMs: number; toMs: number } }
  | { kind: 'broken'; untilMs: number; component: Component; then: Activity };

/** Where on its leg a driving vehicle is and how its driver is handling it. */
interface Drive {
  distanceM: number;
  edgeIndex: number;
  holdIndex: number;
  holdUntilMs?: number;
  /** Deceleration of the current or next braking episode. */
  brakeMps2: number;
  braking: boolean;
  /** When the brakes were last released: braking again soon after is the same episode. */
  releasedAtMs: number;
  brakeReported: boolean;
  /** Acceleration of a hard launch under way. */
  launchMps2?: number;
}

/** The sub-steps of one world step: `count` of them, each ending on a whole millisecond. */
class SubSteps {
  readonly count: number;
  readonly startMs: number;

  constructor(
    private readonly endMs: number,
    private readonly dtS: number,
  ) {
    this.count = Math.ceil(dtS / DRIVING_STEP_S);
    this.startMs = endMs - dtS * 1000;
  }

  /** When sub-step i (1…count) ends; 0: the world step's start. */
  end(i: number): number {
    return i === this.count ? this.endMs : Math.round(this.startMs + (i * this.dtS * 1000) / this.count);
  }
}

/** What a caller stepping a van in sub-steps hears and tells (Vehicle.step). */
export interface SubStepListener {
  /** A sub-step (or a stretch of them) ended at `atMs`. */
  reached(atMs: number): void;
  /** When a device next reads the van, epoch ms (Infinity: none). */
  nextReadingMs(): number;
}

/** Decides when a broken-down vehicle is running again (towing, workshop queue, repair). */
export interface RepairShop {
  repairDoneAt(breakdown: { vehicleId: string; depot: number; component: Component; atMs: number }): number;
}

export interface VehicleContext {
  world: World;
  shift: ShiftOptions;
  wear: WearOptions;
  drivers?: DriverOptions;
  /** Degrees added to the outside temperature. */
  ambientOffsetC?: number;
  repairShop?: RepairShop;
  /** Where ground-truth events go (the fleet's log). */
  record(event: GroundTruthEvent): void;
}

/** Brakes released for less than this between two corners still count as one braking episode. */
const EPISODE_GAP_MS = 4000;

/** Harsh events kept for devices that report them; older ones are gone, as on a real unit. */
const HARSH_KEPT = 64;

/** The longest step driving is integrated in (the live simulator's own step is at most 1 s). */
export const DRIVING_STEP_S = 1;

/**
 * One delivery van: drives shifts from its depot through delivery stops along the road graph,
 * with engine, fuel, temperatures, tyres, a refrigerated body and hidden component wear. All its
 * state changes in `step`, driven by the caller's clock; its randomness is its own seeded stream.
 */
export class Vehicle {
  readonly driver: DriverProfile;
  readonly depot: number;

  // Observable state, read by the devices.
  lat: number;
  lon: number;
  headingDeg = 0;
  speedMps = 0;
  ignition = false;
  odometerKm: number;
  engineHours: number;
  fuelL: number;
  rpm = 0;
  loadPct = 0;
  throttlePct = 0;
  coolantC: number;
  intakeAirC: number;
  oilPressureKpa = 0;
  batteryV: number;
  doorOpen = false;
  readonly cargo: Cargo;
  readonly tyres: Tyre[];
  readonly harsh: HarshEvent[] = [];
  /** Bumped on every ignition or door change: devices report such changes at once. */
  changeCount = 0;
  /** Bumped when the van's motion (parked, idle, driving) changes: devices with a movement sensor report it at once. */
  motionChangeCount = 0;

  private readonly rng: Rng;
  private readonly wear: WearState;
  private readonly weakTyre: number;
  private readonly dtcOn = new Set<Component>();
  private activity: Activity;
  private drive: Drive | undefined;
  private at: number;
  private stops: number[] = [];
  private harshCount = 0;
  private timeMs: number;
  readonly model: VanModel;

  constructor(
    readonly id: string,
    depot: number,
    rng: Rng,
    startMs: number,
    private readonly ctx: VehicleContext,
  ) {
    this.rng = rng.fork('life');
    this.model = rng.fork('model').pick(vanModels);
    this.driver = createDriver(rng.fork('driver'), ctx.drivers);
    this.wear = createWear(rng.fork('wear'), ctx.wear);
    const body = rng.fork('body');
    this.cargo = createCargo(body);
    const ambient = this.ambientAt(startMs);
    this.tyres = createTyres(body, ambient);
    this.weakTyre = body.int(0, this.tyres.length - 1);
    this.odometerKm = body.float(5_000, 180_000);
    this.engineHours = this.odometerKm / body.float(22, 30);
    this.fuelL = van.tankL * body.float(0.4, 1);
    this.coolantC = ambient;
    this.intakeAirC = ambient;
    this.batteryV = this.restingVoltage();
    this.depot = depot;
    this.at = depot;
    const node = ctx.world.network.node(depot);
    this.lat = node.lat;
    this.lon = node.lon;
    this.timeMs = startMs;
    this.activity = { kind: 'resting', untilMs: startMs + Math.round(this.rng.float(0, ctx.shift.firstShiftWithinS) * 1000) };
  }

  get motion(): Motion {
    if (!this.ignition) return 'parked';
    return this.speedMps > 0.3 ? 'driving' : 'idle';
  }

  /** Parked at its depot between shifts: the only time it can go into the workshop. */
  get resting(): boolean {
    return this.activity.kind === 'resting';
  }

  /**
   * Planned maintenance while resting: the vehicle stays off duty until `untilMs` and the mechanic
   * replaces every component worn below `renewBelow`. Returns the components replaced.
   */
  service(untilMs: number, renewBelow: number): Component[] {
    if (this.activity.kind !== 'resting') throw new Error(`${this.id} is not parked at its depot`);
    this.activity = { kind: 'resting', untilMs: Math.max(this.activity.untilMs, untilMs) };
    const renewed = components.filter((c) => this.wear[c].health < renewBelow);
    for (const c of renewed) {
      this.wear[c] = renew(c);
      this.dtcOn.delete(c);
      this.record(c, 'repaired');
    }
    return renewed;
  }

  get speedKph(): number {
    return this.speedMps * 3.6;
  }

  get fuelLevelPct(): number {
    return (this.fuelL / van.tankL) * 100;
  }

  /** The leg being driven, if any (for checks and maps). */
  get route(): Route | undefined {
    return this.activity.kind === 'driving' ? this.activity.leg.route : undefined;
  }

  /** The road under a driving vehicle (for checks and maps). */
  get roadEdge(): RoadEdge | undefined {
    return this.route && this.drive ? this.route.edges[this.drive.edgeIndex] : undefined;
  }

  dtcs(): Dtc[] {
    return activeDtcs(this.wear);
  }

  /** 0 healthy … 1 failed: how far a component has shifted its sensors. */
  drift(component: Component): number {
    return drift(this.wear[component]);
  }

  tyreReadings(): Array<{ position: string; pressureKpa: number; tempC: number }> {
    const leak = this.drift('tyres');
    return this.tyres.map((t, i) => ({ position: t.position, pressureKpa: tyrePressureKpa(t, i === this.weakTyre, leak), tempC: t.tempC }));
  }

  /**
   * Advances the vehicle by `dtS` seconds, to `nowMs`. Driving is integrated in steps of at most
   * DRIVING_STEP_S however coarse the world's step (a what-if run's minute): across a whole
   * minute a van would take every corner at its average speed and brake for the next stop in one
   * lurch, which made cornering events ten times and braking events a quarter as frequent as at
   * a one-second step. Sub-steps in which the van only cruises at its edge's speed are taken
   * together (`cruiseParts`): three in five driving seconds are such, ten at a time on average.
   * `subSteps` hears of each sub-step's end and says when the van's devices next read it: a
   * stretch never runs past a reading, which sees the van as it is at its sub-step.
   */
  step(nowMs: number, dtS: number, subSteps?: SubStepListener): void {
    if (!this.substeps(dtS)) {
      this.stepOnce(nowMs, dtS);
      return;
    }
    const parts = new SubSteps(nowMs, dtS);
    let previousMs = parts.startMs;
    for (let done = 0; done < parts.count; ) {
      const cruising = this.cruiseParts(parts, done + 1, subSteps);
      const last = cruising > done + 1 ? cruising : this.standingParts(parts, done + 1, subSteps);
      const atMs = parts.end(last);
      if (cruising > done + 1) this.cruise(atMs, (atMs - previousMs) / 1000);
      else this.stepOnce(atMs, (atMs - previousMs) / 1000);
      done = last;
      previousMs = atMs;
      subSteps?.reached(atMs);
    }
  }

  /**
   * The last of the sub-steps from `first` on that the van can take as one: it cruises at its
   * edge's speed (no brake, launch or new braking episode under way, nothing to report), stays
   * on its edge (no corner, hold or new speed limit passed), the road ahead asks nothing of it
   * even in the last of them (the speed plan only tightens as the van comes closer), and no
   * device reads it before that last one begins. `first` when there is no such stretch.
   */
  private cruiseParts(parts: SubSteps, first: number, subSteps: SubStepListener | undefined): number {
    const a = this.activity;
    const d = this.drive;
    if (first === parts.count || a.kind !== 'driving' || a.pullOver || !d || d.holdUntilMs !== undefined) return first;
    if (d.braking || d.launchMps2 !== undefined || d.releasedAtMs > -Infinity) return first;
    const v = this.speedMps;
    if (v < 1 || v !== a.leg.edgeCruiseMps[d.edgeIndex]) return first;
    // Short of the next route point by a margin, so no sub-step of the stretch reaches it.
    const edgeEndM = a.leg.route.cumulativeM[d.edgeIndex + 1]! - 1;
    // Asked only now, past the cheap checks: most sub-steps are no stretch.
    const nextReadingMs = subSteps?.nextReadingMs() ?? Infinity;
    const fromMs = parts.end(first - 1);
    let longest = first;
    while (longest < parts.count && parts.end(longest) < nextReadingMs && d.distanceM + (v * (parts.end(longest + 1) - fromMs)) / 1000 < edgeEndM) longest++;
    if (longest === first || this.clearAhead(a.leg, parts, longest, fromMs)) return longest;
    // Mostly the whole stretch is clear; otherwise the last clear sub-step, by bisection.
    let lo = first;
    let hi = longest;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (this.clearAhead(a.leg, parts, mid, fromMs)) lo = mid;
      else hi = mid;
    }
    return lo;
  }

  /**
   * The last of the sub-steps from `first` on that the van can take as one while it stands: at a
   * traffic hold, or past its arrival at a stop or the depot earlier in the step. None of them
   * ends the wait (hold, dwell, rest or repair) or opens or closes the door, so one step over
   * them all is what the one-second steps do with nothing changing; no device reads the van
   * before the last begins. `first` when there is no such stretch.
   */
  private standingParts(parts: SubSteps, first: number, subSteps: SubStepListener | undefined): number {
    if (first === parts.count) return first;
    const a = this.activity;
    let changeMs: number;
    if (a.kind === 'driving') {
      if (a.pullOver || this.drive?.holdUntilMs === undefined) return first;
      changeMs = this.drive.holdUntilMs;
    } else {
      changeMs = a.untilMs;
      // The door's next opening or closing after where the van is now (the door is as it was then).
      if (a.kind === 'dwelling' && a.door) {
        const nowMs = parts.end(first - 1);
        if (a.door.fromMs > nowMs) changeMs = Math.min(changeMs, a.door.fromMs);
        else if (a.door.toMs > nowMs) changeMs = Math.min(changeMs, a.door.toMs);
      }
    }
    if (parts.end(first) >= changeMs) return first;
    const nextReadingMs = subSteps?.nextReadingMs() ?? Infinity;
    let last = first;
    while (last < parts.count && parts.end(last) < nextReadingMs && parts.end(last + 1) < changeMs) last++;
    return last;
  }

  /** Whether the road ahead lets the van cruise on through sub-step `last` of a stretch begun at `fromMs`. */
  private clearAhead(leg: Leg, parts: SubSteps, last: number, fromMs: number): boolean {
    const d = this.drive!;
    const v = this.speedMps;
    const startMs = parts.end(last - 1);
    const plan = speedPlan(leg, d.distanceM + (v * (startMs - fromMs)) / 1000, d.edgeIndex, v, d.brakeMps2, leg.holds[d.holdIndex], (parts.end(last) - startMs) / 1000);
    return plan.maxMps >= v && plan.requiredDecelMps2 < d.brakeMps2 * 0.97;
  }

  /** `dtS` seconds of cruising at a constant speed on one edge, to `nowMs` (see cruiseParts). */
  private cruise(nowMs: number, dtS: number): void {
    const d = this.drive!;
    const { leg } = this.activity as Extract<Activity, { kind: 'driving' }>;
    this.timeMs = nowMs;
    const distanceM = this.speedMps * dtS;
    d.distanceM += distanceM;
    const at = positionAlong(leg.route, d.distanceM, d.edgeIndex, leg.edgeHeadingDeg);
    this.lat = at.lat;
    this.lon = at.lon;
    this.updateBody(dtS, 0, distanceM);
    this.updateWear(dtS, 0, distanceM);
  }

  /** Whether a step of `dtS` seconds is integrated in sub-steps (driving, and longer than DRIVING_STEP_S). */
  substeps(dtS: number): boolean {
    return dtS > DRIVING_STEP_S && this.activity.kind === 'driving';
  }

  private stepOnce(nowMs: number, dtS: number): void {
    this.timeMs = nowMs;
    const ignitionBefore = this.ignition;
    const doorBefore = this.doorOpen;
    const motionBefore = this.motion;
    let accelMps2 = 0;
    let distanceM = 0;

    const a = this.activity;
    if (a.kind === 'resting') {
      if (nowMs >= a.untilMs) this.startShift();
    } else if (a.kind === 'dwelling') {
      this.doorOpen = a.door !== undefined && nowMs >= a.door.fromMs && nowMs < a.door.toMs;
      if (nowMs >= a.untilMs) {
        this.doorOpen = false;
        this.departNext();
      }
    } else if (a.kind === 'broken') {
      if (nowMs >= a.untilMs) this.repair(a);
    } else {
      ({ accelMps2, distanceM } = this.driveStep(a, nowMs, dtS));
    }

    this.updateBody(dtS, accelMps2, distanceM);
    this.updateWear(dtS, accelMps2, distanceM);
    if (ignitionBefore !== this.ignition || doorBefore !== this.doorOpen) this.changeCount++;
    if (motionBefore !== this.motion) this.motionChangeCount++;
  }

  private startShift(): void {
    this.stops = pickStops(this.rng, this.ctx.world.stopNodeIds, this.depot, this.ctx.shift);
    this.setIgnition(true);
    this.departNext();
  }

  /** Leaves for the next stop, or back to the depot when the shift's stops are done. */
  private departNext(): void {
    const next = this.stops.shift();
    const target = next ?? this.depot;
    const route = target === this.at ? undefined : this.ctx.world.router.route(this.at, target);
    if (!route) {
      // Unreachable or already there (a stop on the depot node): skip to the next step of the plan.
      if (next === undefined) this.park();
      else this.departNext();
      return;
    }
    this.activity = { kind: 'driving', leg: createLeg(route, this.ctx.world.network, this.driver, this.rng), toDepot: next === undefined };
    this.drive = {
      distanceM: 0,
      edgeIndex: 0,
      holdIndex: 0,
      brakeMps2: drawBrakeDecel(this.driver, this.rng),
      braking: false,
      releasedAtMs: -Infinity,
      brakeReported: false,
    };
  }

  private arrive(toDepot: boolean): void {
    this.speedMps = 0;
    const route = this.route!;
    this.at = route.nodeIds[route.nodeIds.length - 1]!;
    this.drive = undefined;
    if (toDepot) {
      this.park();
      return;
    }
    const dwellMs = Math.round(this.rng.float(this.ctx.shift.dwellS[0], this.ctx.shift.dwellS[1]) * 1000);
    const door = doorWindow(this.timeMs, this.timeMs + dwellMs);
    this.activity = { kind: 'dwelling', untilMs: this.timeMs + dwellMs, ...(door ? { door } : {}) };
  }

  /** End of shift at the depot: engine off, refuel if low, rest until the next shift. */
  private park(): void {
    this.setIgnition(false);
    this.speedMps = 0;
    if (this.fuelL < van.tankL * this.ctx.shift.refuelBelow) this.fuelL = van.tankL;
    const restMs = Math.round(this.rng.float(this.ctx.shift.restS[0], this.ctx.shift.restS[1]) * 1000);
    this.activity = { kind: 'resting', untilMs: this.timeMs + restMs };
  }

  private driveStep(a: Extract<Activity, { kind: 'driving' }>, nowMs: number, dtS: number): { accelMps2: number; distanceM: number } {
    const d = this.drive!;
    const { leg } = a;
    if (d.holdUntilMs !== undefined) {
      if (nowMs < d.holdUntilMs) return { accelMps2: 0, distanceM: 0 };
      d.holdUntilMs = undefined;
      d.holdIndex++;
    }
    const hold: Hold | undefined = leg.holds[d.holdIndex];
    const v = this.speedMps;
    const plan = speedPlan(leg, d.distanceM, d.edgeIndex, v, d.brakeMps2, hold, dtS);
    const target = a.pullOver ? 0 : Math.min(plan.cruiseMps, plan.maxMps);

    let accel: number;
    if (a.pullOver) {
      accel = Math.max(-v / dtS, -2.5);
    } else if (plan.requiredDecelMps2 >= d.brakeMps2 * 0.97) {
      // At the braking point: brake as hard as the road ahead now requires.
      accel = -Math.min(plan.requiredDecelMps2, 8);
      d.braking = true;
    } else {
      if (v < 0.3 && target > 1 && d.launchMps2 === undefined && this.rng.chance(this.driver.hardLaunchChance)) {
        d.launchMps2 = this.rng.float(harshThresholdG.acceleration, 0.42) * G;
        this.report('acceleration', d.launchMps2 / G);
      }
      const normal = this.driver.accelMps2 * Math.max(0.25, 1 - v / 30);
      // Above the target only by a little (a lower limit just began): ease off, no hard braking.
      accel = Math.max(Math.min((target - v) / dtS, d.launchMps2 ?? normal), -1.5);
      if (d.braking) {
        d.braking = false;
        d.releasedAtMs = nowMs;
      } else if (nowMs - d.releasedAtMs >= EPISODE_GAP_MS && d.releasedAtMs > -Infinity) {
        // A new approach: the driver may brake differently this time.
        d.releasedAtMs = -Infinity;
        d.brakeReported = false;
        d.brakeMps2 = drawBrakeDecel(this.driver, this.rng);
      }
    }
    if (d.braking && !d.brakeReported && -accel >= harshThresholdG.braking * G) {
      d.brakeReported = true;
      this.report('braking', -accel / G);
    }
    if (d.launchMps2 !== undefined && (v + accel * dtS >= target - 0.5 || accel < d.launchMps2)) d.launchMps2 = undefined;

    let vNext = Math.max(0, v + accel * dtS);
    let s = d.distanceM + ((v + vNext) / 2) * dtS;
    const stopAt = Math.min(hold?.atM ?? Infinity, leg.route.lengthM);
    const arrived = s >= stopAt - 0.05 || (stopAt - s < 1 && vNext < 1 && target < 1.5);
    if (arrived) {
      s = stopAt;
      vNext = 0;
    }
    const travelled = s - d.distanceM;
    this.reportCorners(leg, d.distanceM, s, (v + vNext) / 2);
    d.distanceM = s;
    const at = positionAlong(leg.route, s, d.edgeIndex, leg.edgeHeadingDeg);
    d.edgeIndex = at.edgeIndex;
    this.lat = at.lat;
    this.lon = at.lon;
    this.headingDeg = at.headingDeg;
    this.speedMps = vNext;
    const accelMps2 = (vNext - v) / dtS;

    if (a.pullOver && vNext === 0) {
      this.breakDown(a.pullOver, a);
    } else if (arrived && s >= leg.route.lengthM) {
      this.arrive(a.toDepot);
    } else if (arrived && hold) {
      d.holdUntilMs = nowMs + Math.round(hold.durationS * 1000);
    }
    return { accelMps2, distanceM: travelled };
  }

  /** Reports a harsh cornering event for each sharp corner passed too fast in this step. */
  private reportCorners(leg: Leg, fromM: number, toM: number, speedMps: number): void {
    const { cumulativeM } = leg.route;
    for (let j = this.drive!.edgeIndex + 1; j < cumulativeM.length && cumulativeM[j]! <= toM; j++) {
      if (cumulativeM[j]! <= fromM) continue;
      const lateral = (speedMps * speedMps) / leg.radiusM[j]!;
      if (lateral >= harshThresholdG.cornering * G) this.report('cornering', lateral / G);
    }
  }

  private report(kind: HarshKind, g: number): void {
    this.harsh.push({ id: ++this.harshCount, atMs: this.timeMs, kind, g: Math.round(g * 100) / 100 });
    if (this.harsh.length > HARSH_KEPT) this.harsh.shift();
  }

  private setIgnition(on: boolean): void {
    this.ignition = on;
    if (!on) {
      this.rpm = 0;
      this.loadPct = 0;
      this.throttlePct = 0;
      this.oilPressureKpa = 0;
    }
  }

  private ambientAt(timeMs: number): number {
    return ambientC(timeMs) + (this.ctx.ambientOffsetC ?? 0);
  }

  private restingVoltage(): number {
    return 12.7 - 1.5 * this.drift('battery');
  }

  /** Engine, fuel, temperatures, battery, tyres and cargo over one step. */
  private updateBody(dtS: number, accelMps2: number, distanceM: number): void {
    const ambient = this.ambientAt(this.timeMs);
    this.odometerKm += distanceM / 1000;
    if (this.ignition) {
      const power = wheelPowerW(this.speedMps, accelMps2);
      this.engineHours += dtS / 3600;
      this.fuelL = Math.max(0, this.fuelL - fuelRateLps(true, power) * dtS);
      this.rpm = engineRpm(this.speedMps, this.driver.aggression);
      this.loadPct = engineLoadPct(power, this.rpm);
      this.throttlePct = power > 0 ? clamp(this.loadPct * 0.9, 0, 100) : 0;
      const steadyCoolant = 88 + 0.06 * this.loadPct + 30 * this.drift('cooling');
      this.coolantC = approach(this.coolantC, steadyCoolant, dtS, 300);
      this.oilPressureKpa = (120 + 0.09 * this.rpm) * (1 - 0.7 * this.drift('engine')) * clamp((this.coolantC + 40) / 100, 0.8, 1.3);
      this.batteryV = 14.2 - 1.4 * this.drift('battery');
      this.intakeAirC = approach(this.intakeAirC, ambient + 6 + 8 * (1 - Math.min(1, this.speedMps / 12)), dtS, 120);
    } else {
      this.coolantC = approach(this.coolantC, ambient, dtS, 2400);
      this.intakeAirC = approach(this.intakeAirC, ambient, dtS, 900);
      this.batteryV = this.restingVoltage();
    }
    updateTyres(this.tyres, this.weakTyre, this.drift('tyres'), this.speedMps, ambient, dtS);
    const onShorePower = this.activity.kind === 'resting';
    updateCargo(this.cargo, this.ignition || onShorePower, this.doorOpen, ambient, dtS);
  }

  /**
   * Wears every component by its usage (componentSpecs' units); raises DTCs and failures in the
   * ground-truth log. One call per component rather than a loop over their names: this runs every
   * driving second of every van, and the loop's keyed lookups were a tenth of the world's time.
   * Each usage is read when its component's turn comes, after an earlier one may have failed.
   */
  private updateWear(dtS: number, accelMps2: number, distanceM: number): void {
    const hours = dtS / 3600;
    this.wearComponent('engine', this.ignition ? hours * (0.3 + this.loadPct / 100) : 0);
    this.wearComponent('battery', hours);
    this.wearComponent('brakes', accelMps2 < 0 ? (van.massKg * -accelMps2 * distanceM) / 1e6 : 0);
    this.wearComponent('tyres', distanceM / 1000);
    this.wearComponent('cooling', this.ignition ? hours : 0);
  }

  private wearComponent(c: Component, usage: number): void {
    const state = this.wear[c];
    if (state.health <= 0) return;
    state.health -= state.rate * usage * (this.ctx.wear.rateFactor?.[c] ?? 1);
    if (state.health < DTC_HEALTH && !this.dtcOn.has(c)) {
      this.dtcOn.add(c);
      this.record(c, 'dtc_on');
    }
    if (state.health <= 0) {
      state.health = 0;
      this.fail(c);
    }
  }

  private fail(component: Component): void {
    this.record(component, 'failure');
    const a = this.activity;
    if (a.kind === 'driving') {
      // Pull over: slow down on the current road, then wait for the repair there.
      if (!a.pullOver) a.pullOver = component;
    } else if (a.kind !== 'broken') {
      this.breakDown(component, a);
    }
  }

  private breakDown(component: Component, then: Activity): void {
    this.setIgnition(false);
    this.doorOpen = false;
    this.speedMps = 0;
    const resume: Activity = then.kind === 'driving' ? { kind: 'driving', leg: then.leg, toDepot: then.toDepot } : then;
    const untilMs =
      this.ctx.repairShop?.repairDoneAt({ vehicleId: this.id, depot: this.depot, component, atMs: this.timeMs }) ??
      this.timeMs + this.ctx.shift.repairS * 1000;
    this.activity = { kind: 'broken', untilMs, component, then: resume };
  }

  private repair(a: Extract<Activity, { kind: 'broken' }>): void {
    this.wear[a.component] = renew(a.component);
    this.dtcOn.delete(a.component);
    this.record(a.component, 'repaired');
    this.activity = a.then;
    if (a.then.kind === 'resting') return;
    this.setIgnition(true);
    if (a.then.kind === 'driving' && this.drive) {
      this.drive.braking = false;
      this.drive.holdUntilMs = undefined;
    }
  }

  private record(component: Component, event: GroundTruthEvent['event']): void {
    this.ctx.record({
      atMs: this.timeMs,
      vehicleId: this.id,
      component,
      event,
      dtc: componentSpecs[component].dtc,
      odometerKm: Math.round(this.odometerKm * 1000) / 1000,
      engineHours: Math.round(this.engineHours * 1000) / 1000,
    });
  }
}
