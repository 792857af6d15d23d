import { telemetryFromReference } from '../../../twins/adapters/reference-json';
import type { VehicleContext as TwinContext } from '../../../twins/machines/vehicle-state';
import { DeadlineWheel } from '../../../twins/runtime/deadline-wheel';
import { VehicleTwinActor } from '../../../twins/runtime/vehicle-twin-actor';
import type { DeviceMessage } from '../../devices/device';
import type { RepairShop, Vehicle } from '../../fleet/vehicle';
import { Simulation } from '../../simulation';
import { createRandom, hashSeed } from '../../world/random';
import { createWorld, type World } from '../../world/world';
import { totalVehicles, type Scenario } from '../scenario/schema';
import { serviceDue, type ServiceRecord } from './maintenance';
import { OtaRollout } from './ota-rollout';
import { cachedRouter } from './route-cache';
import { Workshop } from './workshop';
import { seedKpis, type SeedKpis, type SeedLedger } from '../kpi/seed-kpis';

export interface SeedProgress {
  simulatedMs: number;
  horizonMs: number;
  twinEvents: number;
  /** Times the vehicle twins' machines were sent their data (what XState costs a run). */
  vehicleSyncs: number;
}

export interface SeedResult {
  seed: string;
  kpis: SeedKpis;
  /** Events the twin machines processed: readings applied and deadline ticks. */
  twinEvents: number;
  readings: number;
  wallMs: number;
}

/** Per-vehicle bookkeeping of the planner's side: service records and what the twin told us. */
interface VehicleBook {
  vehicle: Vehicle;
  depot: number;
  twin: VehicleTwinActor;
  wasResting: boolean;
  lastService: ServiceRecord;
  /** Fraction of a service interval already used at the start: services are spread, not all due on day one. */
  phase: number;
  firstOdometerKm: number | null;
}

/**
 * One seed of one scenario: the simulator's world and fleet on a simulated clock, each device
 * reading fed in process to the production twin actors (device twins, then the vehicle twin),
 * with the maintenance policy, the depots' workshops and the OTA rollout acting on what the twins
 * show. Deterministic: the seed and the scenario decide everything.
 */
export class SeedRun {
  readonly horizonMs: number;
  readonly startMs: number;
  private readonly sim: Simulation;
  private readonly books: VehicleBook[];
  private readonly byId = new Map<string, VehicleBook>();
  private readonly wheel = new DeadlineWheel(1000);
  private readonly workshops: Workshop[];
  private readonly ota: OtaRollout;
  /** What each updated device says in its next reading: the new firmware, or a rolled-back install. */
  private readonly otaReports = new Map<string, 'done' | 'failed'>();
  private readonly ledger: SeedLedger = { breakdowns: 0, unplannedDowntimeMs: 0, workshopMs: 0, services: 0, partsReplaced: 0, cost: 0 };
  private twinEvents = 0;
  private readings = 0;
  private nowMs: number;

  constructor(
    readonly scenario: Scenario,
    readonly seed: string,
    world?: World,
  ) {
    const s = scenario;
    this.startMs = Date.parse(`${s.startDate}T00:00:00Z`);
    this.nowMs = this.startMs;
    this.horizonMs = Math.round(s.horizonDays * 86_400_000);
    this.workshops = s.depots.map((d) => new Workshop(d.workshopBays));
    const m = s.maintenance;
    this.sim = simulationFor(s, seed, {
      ...(world ? { world } : {}),
      // The twins are handed each reading's body, as the ingress would decode it: nothing is encoded.
      payloads: false,
      repairShop: {
        // The breakdown names the vehicle's depot by road node; its workshop is the book's depot index.
        repairDoneAt: ({ vehicleId, atMs }) => {
          const job = this.workshops[this.byId.get(vehicleId)!.depot]!.book(atMs + m.towHours * 3_600_000, m.repairHours * 3_600_000);
          this.ledger.breakdowns++;
          this.ledger.unplannedDowntimeMs += job.endMs - atMs;
          this.ledger.cost += m.costs.tow + m.costs.breakdownRepair + m.costs.partPerComponent;
          this.ledger.partsReplaced++;
          return job.endMs;
        },
      },
    });
    const depotOf = depotAssignment(s);
    // Silence is judged on the devices' slowed clock (schema.ts `twin`).
    const timings = { staleMs: s.twin.staleSeconds * 1000 * s.samplingSlowdown, offlineMs: s.twin.offlineSeconds * 1000 * s.samplingSlowdown };
    this.books = this.sim.fleet.vehicles.map((vehicle, i) => {
      const phase = (hashSeed(`${seed}/service-phase/${vehicle.id}`) / 2 ** 32) * 0.999;
      const book: VehicleBook = {
        vehicle,
        depot: depotOf(i + 1),
        twin: VehicleTwinActor.create(vehicle.id, timings),
        wasResting: vehicle.resting,
        lastService: { atMs: this.startMs - phase * m.intervalDays * 86_400_000, odometerKm: null, engineHours: null },
        phase,
        firstOdometerKm: null,
      };
      this.byId.set(vehicle.id, book);
      return book;
    });
    this.ota = new OtaRollout(s.ota, seed, this.startMs);
    for (const d of this.sim.devices) if (d.kind === s.ota.deviceKind) this.ota.add(d.id, d.vehicle.id);
  }

  get done(): boolean {
    return this.nowMs >= this.startMs + this.horizonMs;
  }

  /** Runs `steps` world steps (or to the horizon); returns the progress so far. */
  advance(steps: number): SeedProgress {
    const stepMs = this.sim.stepMs;
    const endMs = this.startMs + this.horizonMs;
    for (let i = 0; i < steps && this.nowMs < endMs; i++) {
      this.nowMs = Math.min(endMs, this.nowMs + stepMs);
      this.sim.advanceByVehicle(this.nowMs, { reading: (message) => this.deliver(message), vehicleDone: (v) => this.settle(this.books[v]!) });
      for (const id of this.wheel.takeDue(this.nowMs)) {
        const book = this.byId.get(id)!;
        book.twin.tick(this.nowMs);
        this.twinEvents++;
        this.wheel.schedule(id, book.twin.nextDeadline());
      }
      this.planMaintenance();
      for (const { deviceId, outcome } of this.ota.step(this.nowMs, (vehicleId) => this.byId.get(vehicleId)!.vehicle.resting)) {
        this.otaReports.set(deviceId, outcome);
      }
    }
    let vehicleSyncs = 0;
    for (const book of this.books) vehicleSyncs += book.twin.vehicleSyncs;
    return { simulatedMs: this.nowMs - this.startMs, horizonMs: this.horizonMs, twinEvents: this.twinEvents, vehicleSyncs };
  }

  /**
   * A twin's machines hear of its van's readings once the van has taken its step: they move at
   * the run's step (a traffic hold shorter than it moves no state), while the data folded every reading.
   */
  private settle(book: VehicleBook): void {
    if (!book.twin.unsettledFolds) return;
    book.twin.settle();
    this.wheel.schedule(book.vehicle.id, book.twin.nextDeadline());
  }

  /** One device reading into its twin's data, as the ingress would hand it over (receive time = device time). */
  private deliver(message: DeviceMessage): void {
    const book = this.byId.get(message.vehicleId)!;
    let body = message.body;
    const ota = this.otaReports.get(message.deviceId);
    if (ota) {
      // After an install the device reports once: the new firmware, or the rollback to the old one.
      this.otaReports.delete(message.deviceId);
      const { version } = this.scenario.ota;
      body = ota === 'done' ? { ...body, firmware: version, ota: { version, state: 'done' } } : { ...body, ota: { version, state: 'rolled_back' } };
    }
    const reading = telemetryFromReference(body, { vehicleId: message.vehicleId, deviceId: message.deviceId, receivedAt: message.ts });
    if (book.firstOdometerKm === null && reading.engine?.odometerKm !== undefined) book.firstOdometerKm = reading.engine.odometerKm;
    book.twin.fold(reading, message.ts);
    this.twinEvents++;
    this.readings++;
  }

  /** At the end of each shift the policy looks at the twin; a due vehicle books its depot's workshop. */
  private planMaintenance(): void {
    const policy = this.scenario.maintenance;
    for (const book of this.books) {
      const resting = book.vehicle.resting;
      const arrived = resting && !book.wasResting;
      book.wasResting = resting;
      if (!arrived) continue;
      const twin = twinContext(book.twin);
      this.fillServiceBaseline(book, twin);
      if (!serviceDue(policy, twin, book.lastService, this.nowMs)) continue;
      const job = this.workshops[book.depot]!.book(this.nowMs, policy.serviceHours * 3_600_000);
      const renewed = book.vehicle.service(job.endMs, policy.renewBelowHealth);
      this.ledger.services++;
      this.ledger.partsReplaced += renewed.length;
      this.ledger.workshopMs += job.endMs - this.nowMs;
      this.ledger.cost += policy.costs.service + renewed.length * policy.costs.partPerComponent;
      book.lastService = { atMs: this.nowMs, odometerKm: twin.odometerKm, engineHours: twin.engine.engineHours ?? null };
    }
  }

  /** Mileage and engine-hour policies start counting once the twin knows the odometer and hours. */
  private fillServiceBaseline(book: VehicleBook, twin: TwinContext): void {
    const m = this.scenario.maintenance;
    const last = book.lastService;
    if (last.odometerKm === null && twin.odometerSource === 'obd') last.odometerKm = twin.odometerKm - book.phase * m.intervalKm;
    if (last.engineHours === null && twin.engine.engineHours !== undefined) last.engineHours = twin.engine.engineHours - book.phase * m.intervalEngineHours;
  }

  /** Runs to the horizon. */
  run(onProgress?: (p: SeedProgress) => void, stepsPerReport = 30): SeedResult {
    const started = performance.now();
    while (!this.done) {
      // Not `onProgress?.(this.advance(…))`: without a listener that would skip the step itself.
      const progress = this.advance(stepsPerReport);
      onProgress?.(progress);
    }
    return this.result(performance.now() - started);
  }

  result(wallMs: number): SeedResult {
    const twins = this.books.map((b) => ({ view: b.twin.view(), firstOdometerKm: b.firstOdometerKm }));
    const kpis = seedKpis({
      vehicles: this.books.length,
      horizonMs: this.nowMs - this.startMs,
      ledger: this.ledger,
      twins,
      ota: this.ota.report(),
      otaVersion: this.scenario.ota.version,
    });
    return { seed: this.seed, kpis, twinEvents: this.twinEvents, readings: this.readings, wallMs };
  }

  /** The twins as the platform would show them (for the validity check). */
  twinViews() {
    return this.books.map((b) => b.twin.view());
  }

  stop(): void {
    for (const b of this.books) b.twin.stop();
  }
}

function twinContext(twin: VehicleTwinActor): TwinContext {
  return twin.view().context;
}

/**
 * The simulator as a scenario configures it: the same world, fleet and devices whether the run is
 * a what-if run or live over MQTT (the validity test runs both).
 */
export function simulationFor(s: Scenario, seed: string, options: { world?: World; repairShop?: RepairShop; payloads?: boolean } = {}): Simulation {
  const { world, repairShop, payloads = true } = options;
  const built = world ?? createWorld(createRandom(seed).fork('world'), { kind: s.world.kind, gridBlocks: s.world.gridBlocks, depots: s.depots.length });
  return new Simulation({
    world: { ...built, router: cachedRouter(built.router) },
    vehicles: totalVehicles(s),
    firstVehicle: s.firstVehicle,
    devicesPerVehicle: s.devicesPerVehicle,
    seed,
    startMs: Date.parse(`${s.startDate}T00:00:00Z`),
    stepMs: Math.round(s.stepSeconds * 1000),
    rate: 1 / s.samplingSlowdown,
    shift: {
      stopsPerShift: s.shifts.stopsPerShift,
      dwellS: [s.shifts.dwellMinutes[0] * 60, s.shifts.dwellMinutes[1] * 60],
      restS: [s.shifts.restHours[0] * 3600, s.shifts.restHours[1] * 3600],
      refuelBelow: s.shifts.refuelBelow,
    },
    wear: { defectShare: s.wear.defectShare, defectHours: s.wear.defectHours, rateFactor: s.wear.rateFactor },
    drivers: s.drivers,
    ambientOffsetC: s.weather.ambientOffsetC,
    // The fleet numbers vehicles from firstVehicle; depots count them from 1.
    depotOf: (vehicleNumber) => depotAssignment(s)(vehicleNumber - s.firstVehicle + 1),
    ...(repairShop ? { repairShop } : {}),
    payloads,
  });
}

/** Vehicle number n (1-based) → depot index: the depots' vehicles in the order the scenario lists them. */
export function depotAssignment(s: Scenario): (vehicleNumber: number) => number {
  const bounds: number[] = [];
  let total = 0;
  for (const d of s.depots) bounds.push((total += d.vehicles));
  return (n) => {
    const i = bounds.findIndex((b) => n <= b);
    if (i < 0) throw new RangeError(`vehicle number ${n} is beyond the scenario's ${total} vehicles`);
    return i;
  };
}
