import { connectivityOf, healthOf, motionOf, readUpdates, type CatalogueFrame, type UpdateCursor } from './fleet-wire';
import type { VehicleSummary } from '../../twins/projection/fleet-view';
import { connectivityAlpha, healthColors, motionColors } from './vehicle-style';

/** Updates arrive once a second; gliding over the same second keeps motion continuous. */
export const GLIDE_MS = 1_000;
/** A jump longer than this (~1 km) is a relocation, not a drive: no glide. */
const TELEPORT_DEG = 0.01;
/** Positions kept per vehicle for its trail (one per update: the last minute or so). */
export const TRAIL_POINTS = 60;
const INITIAL_CAPACITY = 256;

/** What the map knows of a vehicle: its last update on the stream. */
export type LiveVehicle = Pick<VehicleSummary, 'id' | 'lat' | 'lon' | 'speedKph' | 'headingDeg' | 'motion' | 'health' | 'connectivity'>;

/**
 * The browser's fleet, laid out for the GPU: vehicle slot i glides from glideFrom[2i..2i+1] to its
 * reported position glideTo[2i..2i+1] (degrees east/north of `origin`; float32 is exact enough for
 * offsets) as glideProgress goes 0 → 1, its colours are at [4i..4i+3] and its state byte at
 * states[i]. The map interpolates on the GPU (one uniform a frame, map/glide-extension.ts), so
 * positions are uploaded once per update, not every frame. Arrays only grow; removal moves the
 * last vehicle into the hole, so updates never rebuild them, and decoding a frame allocates
 * nothing per vehicle. deck.gl reads the arrays directly as binary attributes.
 */
export class FleetStore {
  count = 0;
  /** Bumped on every change of membership, state or target position. */
  version = 0;
  readonly ids: string[] = [];
  /** Where each vehicle was drawn when the last update arrived. */
  glideFrom = new Float32Array(INITIAL_CAPACITY * 2);
  /** Each vehicle's last reported position. */
  glideTo = new Float32Array(INITIAL_CAPACITY * 2);
  fillColors = new Uint8Array(INITIAL_CAPACITY * 4);
  lineColors = new Uint8Array(INITIAL_CAPACITY * 4);
  states = new Uint8Array(INITIAL_CAPACITY);
  speeds = new Float32Array(INITIAL_CAPACITY);
  headings = new Float32Array(INITIAL_CAPACITY);
  /** Reported positions, newest last, TRAIL_POINTS per slot (a ring from trailStart). */
  trails = new Float32Array(INITIAL_CAPACITY * TRAIL_POINTS * 2);
  trailLength = new Uint8Array(INITIAL_CAPACITY);
  trailStart = new Uint8Array(INITIAL_CAPACITY);

  private readonly index = new Map<string, number>();
  private slotOfWire = new Int32Array(INITIAL_CAPACITY).fill(-1);
  private wireOfSlot = new Uint32Array(INITIAL_CAPACITY);
  /** When the current glide began (the last update's arrival, performance clock); -Infinity: settled. */
  private glideStartedAt = Number.NEGATIVE_INFINITY;
  private readonly visitUpdate: (record: UpdateCursor) => void;

  constructor(readonly origin: [number, number]) {
    // One closure for every frame: decoding allocates nothing per vehicle.
    this.visitUpdate = (r) => this.applyUpdate(r);
  }

  indexOf(vehicleId: string): number | undefined {
    return this.index.get(vehicleId);
  }

  get(vehicleId: string): LiveVehicle | undefined {
    const i = this.index.get(vehicleId);
    if (i === undefined) return undefined;
    const s = this.states[i]!;
    return {
      id: vehicleId,
      lon: this.glideTo[2 * i]! + this.origin[0],
      lat: this.glideTo[2 * i + 1]! + this.origin[1],
      speedKph: this.speeds[i]!,
      headingDeg: this.headings[i]!,
      motion: motionOf(s),
      health: healthOf(s),
      connectivity: connectivityOf(s),
    };
  }

  /** A catalogue frame: who the wire indices are (the whole fleet when `reset`). */
  applyCatalogue(catalogue: CatalogueFrame): void {
    if (catalogue.reset) {
      this.removeSlots(this.ids.map((_, slot) => slot));
      this.slotOfWire.fill(-1);
    }
    const gone: number[] = [];
    for (const wire of catalogue.removed) {
      const slot = this.slotOfWire[wire] ?? -1;
      if (slot >= 0) gone.push(slot);
    }
    this.removeSlots(gone);
    for (const wire of catalogue.removed) if (wire < this.slotOfWire.length) this.slotOfWire[wire] = -1;
    for (const [wire, id] of catalogue.added) {
      const known = this.index.get(id);
      const slot = known ?? this.append(id);
      this.growWireMap(wire);
      this.slotOfWire[wire] = slot;
      this.wireOfSlot[slot] = wire;
    }
    this.version++;
  }

  /** An updates frame's payload; returns the server time it was sent. */
  applyUpdates(payload: DataView, now: number): number {
    this.settle(now);
    const at = readUpdates(payload, this.visitUpdate);
    this.glideStartedAt = now;
    this.version++;
    return at;
  }

  /** How far the current glide is at `now`: 0 just after an update, 1 once every vehicle arrived. */
  glideProgress(now: number): number {
    return Math.min(1, Math.max(0, (now - this.glideStartedAt) / GLIDE_MS));
  }

  /** Where slot i is drawn at `now`, as [lon, lat] offsets from `origin` (the GPU's formula). */
  positionAt(i: number, now: number): [number, number] {
    const k = easeOut(this.glideProgress(now));
    const x = 2 * i;
    const { glideFrom: from, glideTo: to } = this;
    return [from[x]! + (to[x]! - from[x]!) * k, from[x + 1]! + (to[x + 1]! - from[x + 1]!) * k];
  }

  /** The trail of slot i as [lon, lat] offsets from `origin`, oldest first. */
  trailOf(i: number): Array<[number, number]> {
    const n = this.trailLength[i]!;
    const out: Array<[number, number]> = [];
    for (let k = 0; k < n; k++) {
      const p = (i * TRAIL_POINTS + ((this.trailStart[i]! + k) % TRAIL_POINTS)) * 2;
      out.push([this.trails[p]!, this.trails[p + 1]!]);
    }
    return out;
  }

  private applyUpdate(r: UpdateCursor): void {
    const slot = r.index < this.slotOfWire.length ? this.slotOfWire[r.index]! : -1;
    if (slot < 0) return; // not announced: the catalogue and updates disagree; skip, a reset will fix it
    const fresh = this.trailLength[slot] === 0;
    const state = r.state;
    if (fresh || this.states[slot] !== state) this.paint(slot, state);
    this.states[slot] = state;
    this.speeds[slot] = r.speedKph;
    this.headings[slot] = r.headingDeg;
    this.aim(slot, r.lon - this.origin[0], r.lat - this.origin[1], fresh);
  }

  private aim(i: number, x: number, y: number, appeared: boolean): void {
    const p = 2 * i;
    const from = this.glideFrom;
    const jump = appeared || Math.abs(x - from[p]!) > TELEPORT_DEG || Math.abs(y - from[p + 1]!) > TELEPORT_DEG;
    if (jump) {
      from[p] = x;
      from[p + 1] = y;
    }
    this.glideTo[p] = x;
    this.glideTo[p + 1] = y;
    this.record(i, x, y, jump && !appeared);
  }

  /**
   * Every vehicle starts the next glide where it is drawn now: one glide clock serves them all, so
   * a vehicle the coming update does not list finishes its way from there (or rests, from = to)
   * instead of replaying its last glide.
   */
  private settle(now: number): void {
    const n = 2 * this.count;
    const { glideFrom: from, glideTo: to } = this;
    const k = easeOut(this.glideProgress(now));
    if (k >= 1) {
      from.set(to.subarray(0, n));
      return;
    }
    for (let x = 0; x < n; x++) from[x] = from[x]! + (to[x]! - from[x]!) * k;
  }

  private record(i: number, x: number, y: number, jump: boolean): void {
    if (jump) this.trailLength[i] = 0;
    const n = this.trailLength[i]!;
    const base = i * TRAIL_POINTS;
    if (n > 0) {
      const last = (base + ((this.trailStart[i]! + n - 1) % TRAIL_POINTS)) * 2;
      if (this.trails[last] === Math.fround(x) && this.trails[last + 1] === Math.fround(y)) return;
    }
    let at: number;
    if (n < TRAIL_POINTS) {
      at = (this.trailStart[i]! + n) % TRAIL_POINTS;
      this.trailLength[i] = n + 1;
    } else {
      at = this.trailStart[i]!;
      this.trailStart[i] = (at + 1) % TRAIL_POINTS;
    }
    this.trails[(base + at) * 2] = x;
    this.trails[(base + at) * 2 + 1] = y;
  }

  private paint(i: number, state: number): void {
    const fill = motionColors[motionOf(state)];
    const health = healthOf(state);
    const ring = healthColors[health];
    const alpha = connectivityAlpha[connectivityOf(state)];
    const f = 4 * i;
    this.fillColors[f] = fill[0];
    this.fillColors[f + 1] = fill[1];
    this.fillColors[f + 2] = fill[2];
    this.fillColors[f + 3] = alpha;
    this.lineColors[f] = ring[0];
    this.lineColors[f + 1] = ring[1];
    this.lineColors[f + 2] = ring[2];
    this.lineColors[f + 3] = health === 'ok' ? Math.min(alpha, 200) : 255;
  }

  private removeSlots(slots: number[]): void {
    // Highest first, so moving the last vehicle into a hole never moves one still to be removed.
    for (const i of [...slots].sort((a, b) => b - a)) {
      const last = this.count - 1;
      this.index.delete(this.ids[i]!);
      if (i !== last) this.move(last, i);
      this.ids.pop();
      this.count--;
    }
  }

  private append(vehicleId: string): number {
    if (this.count === this.states.length) this.grow();
    const i = this.count++;
    this.index.set(vehicleId, i);
    this.ids.push(vehicleId);
    this.trailLength[i] = 0;
    this.trailStart[i] = 0;
    this.states[i] = 0;
    return i;
  }

  private move(source: number, target: number): void {
    const id = this.ids[source]!;
    this.ids[target] = id;
    this.index.set(id, target);
    const wire = this.wireOfSlot[source]!;
    this.wireOfSlot[target] = wire;
    if (this.slotOfWire[wire] === source) this.slotOfWire[wire] = target;
    const pairs = (a: Float32Array) => a.copyWithin(2 * target, 2 * source, 2 * source + 2);
    pairs(this.glideFrom);
    pairs(this.glideTo);
    this.states[target] = this.states[source]!;
    this.speeds[target] = this.speeds[source]!;
    this.headings[target] = this.headings[source]!;
    this.fillColors.copyWithin(4 * target, 4 * source, 4 * source + 4);
    this.lineColors.copyWithin(4 * target, 4 * source, 4 * source + 4);
    const t = TRAIL_POINTS * 2;
    this.trails.copyWithin(target * t, source * t, source * t + t);
    this.trailLength[target] = this.trailLength[source]!;
    this.trailStart[target] = this.trailStart[source]!;
  }

  private growWireMap(wire: number): void {
    if (wire < this.slotOfWire.length) return;
    let size = this.slotOfWire.length;
    while (size <= wire) size *= 2;
    const next = new Int32Array(size).fill(-1);
    next.set(this.slotOfWire);
    this.slotOfWire = next;
  }

  private grow(): void {
    const capacity = this.states.length * 2;
    const bigger = <T extends Float32Array | Uint8Array | Uint32Array>(array: T, size: number): T => {
      const next = new (array.constructor as new (length: number) => T)(capacity * size);
      next.set(array);
      return next;
    };
    this.glideFrom = bigger(this.glideFrom, 2);
    this.glideTo = bigger(this.glideTo, 2);
    this.fillColors = bigger(this.fillColors, 4);
    this.lineColors = bigger(this.lineColors, 4);
    this.states = bigger(this.states, 1);
    this.speeds = bigger(this.speeds, 1);
    this.headings = bigger(this.headings, 1);
    this.trails = bigger(this.trails, TRAIL_POINTS * 2);
    this.trailLength = bigger(this.trailLength, 1);
    this.trailStart = bigger(this.trailStart, 1);
    this.wireOfSlot = bigger(this.wireOfSlot, 1);
  }
}

/** The glide's easing: a vehicle settles into its reported position instead of stopping dead. */
export function easeOut(t: number): number {
  return 1 - (1 - t) * (1 - t);
}
