import type { VehicleSummary } from '../../twins/projection/fleet-view';
import { connectivityAlpha, healthColors, motionColors } from './vehicle-style';

/** Updates arrive once a second; gliding over the same second keeps motion continuous. */
export const GLIDE_MS = 1_000;
/** A jump longer than this (~1 km) is a relocation, not a drive: no glide. */
const TELEPORT_DEG = 0.01;
const INITIAL_CAPACITY = 256;

/**
 * The browser's fleet, laid out for the GPU: vehicle i has its position at positions[2i..2i+1]
 * (degrees east/north of `origin`, float32 is exact enough for offsets) and its colours at
 * [4i..4i+3]. Arrays only grow; removal moves the last vehicle into the hole, so updates never
 * rebuild them. deck.gl reads the arrays directly as binary attributes.
 */
export class FleetStore {
  count = 0;
  /** Bumped on every change of membership, colour or target position. */
  version = 0;
  readonly ids: string[] = [];
  readonly summaries: VehicleSummary[] = [];
  positions = new Float32Array(INITIAL_CAPACITY * 2);
  fillColors = new Uint8Array(INITIAL_CAPACITY * 4);
  lineColors = new Uint8Array(INITIAL_CAPACITY * 4);

  private readonly index = new Map<string, number>();
  private from = new Float64Array(INITIAL_CAPACITY * 2);
  private to = new Float64Array(INITIAL_CAPACITY * 2);
  private glideStart = new Float64Array(INITIAL_CAPACITY);
  private glidingUntil = 0;

  constructor(readonly origin: [number, number]) {}

  indexOf(vehicleId: string): number | undefined {
    return this.index.get(vehicleId);
  }

  get(vehicleId: string): VehicleSummary | undefined {
    const i = this.index.get(vehicleId);
    return i === undefined ? undefined : this.summaries[i];
  }

  /** The fleet as a whole, as after a (re)connect: vehicles not listed are dropped. */
  replaceAll(vehicles: VehicleSummary[], now: number): void {
    const listed = new Set(vehicles.map((v) => v.id));
    this.remove(this.ids.filter((id) => !listed.has(id)));
    this.upsert(vehicles, now);
  }

  upsert(vehicles: VehicleSummary[], now: number): void {
    for (const v of vehicles) {
      const known = this.index.get(v.id);
      const i = known ?? this.append(v.id);
      this.summaries[i] = v;
      this.paint(i, v);
      this.aim(i, v.lon - this.origin[0], v.lat - this.origin[1], now, known === undefined);
    }
    if (vehicles.length > 0) this.version++;
  }

  remove(vehicleIds: string[]): void {
    let removed = 0;
    for (const id of vehicleIds) {
      const i = this.index.get(id);
      if (i === undefined) continue;
      const last = this.count - 1;
      if (i !== last) this.move(last, i);
      this.index.delete(id);
      this.ids.pop();
      this.summaries.pop();
      this.count--;
      removed++;
    }
    if (removed > 0) this.version++;
  }

  /** Moves every gliding vehicle to where it is at `now`; false when nothing needed to move. */
  frame(now: number): boolean {
    if (this.glidingUntil === 0) return false;
    const done = now >= this.glidingUntil;
    for (let i = 0; i < this.count; i++) {
      const t = Math.min(1, Math.max(0, (now - this.glideStart[i]!) / GLIDE_MS));
      // ease-out: a vehicle settles into its reported position instead of stopping dead
      const k = 1 - (1 - t) * (1 - t);
      const x = 2 * i;
      this.positions[x] = this.from[x]! + (this.to[x]! - this.from[x]!) * k;
      this.positions[x + 1] = this.from[x + 1]! + (this.to[x + 1]! - this.from[x + 1]!) * k;
    }
    if (done) this.glidingUntil = 0;
    return true;
  }

  private aim(i: number, x: number, y: number, now: number, appeared: boolean): void {
    const p = 2 * i;
    const fromX = appeared ? x : this.positions[p]!;
    const fromY = appeared ? y : this.positions[p + 1]!;
    const jump = Math.abs(x - fromX) > TELEPORT_DEG || Math.abs(y - fromY) > TELEPORT_DEG;
    this.from[p] = jump ? x : fromX;
    this.from[p + 1] = jump ? y : fromY;
    this.to[p] = x;
    this.to[p + 1] = y;
    this.glideStart[i] = now;
    if (appeared || jump) {
      this.positions[p] = x;
      this.positions[p + 1] = y;
    }
    this.glidingUntil = Math.max(this.glidingUntil, now + GLIDE_MS);
  }

  private paint(i: number, v: VehicleSummary): void {
    const fill = motionColors[v.motion];
    const ring = healthColors[v.health];
    const alpha = connectivityAlpha[v.connectivity];
    this.fillColors.set([fill[0], fill[1], fill[2], alpha], 4 * i);
    this.lineColors.set([ring[0], ring[1], ring[2], v.health === 'ok' ? Math.min(alpha, 200) : 255], 4 * i);
  }

  private append(vehicleId: string): number {
    if (this.count === this.glideStart.length) this.grow();
    const i = this.count++;
    this.index.set(vehicleId, i);
    this.ids.push(vehicleId);
    return i;
  }

  private move(source: number, target: number): void {
    const id = this.ids[source]!;
    this.ids[target] = id;
    this.summaries[target] = this.summaries[source]!;
    this.index.set(id, target);
    this.positions.copyWithin(2 * target, 2 * source, 2 * source + 2);
    this.from.copyWithin(2 * target, 2 * source, 2 * source + 2);
    this.to.copyWithin(2 * target, 2 * source, 2 * source + 2);
    this.glideStart[target] = this.glideStart[source]!;
    this.fillColors.copyWithin(4 * target, 4 * source, 4 * source + 4);
    this.lineColors.copyWithin(4 * target, 4 * source, 4 * source + 4);
  }

  private grow(): void {
    const capacity = this.glideStart.length * 2;
    const bigger = <T extends Float32Array | Float64Array | Uint8Array>(array: T, size: number): T => {
      const next = new (array.constructor as new (length: number) => T)(capacity * size);
      next.set(array);
      return next;
    };
    this.positions = bigger(this.positions, 2);
    this.fillColors = bigger(this.fillColors, 4);
    this.lineColors = bigger(this.lineColors, 4);
    this.from = bigger(this.from, 2);
    this.to = bigger(this.to, 2);
    this.glideStart = bigger(this.glideStart, 1);
  }
}
