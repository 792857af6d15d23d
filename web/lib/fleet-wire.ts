import { connectivityStates, healthStates, motionStates, type VehicleSummary } from '../../twins/projection/fleet-view';
import type { NatsLinkState } from '../server/nats-link';

/**
 * GET /api/fleet/stream as a binary stream of frames, so 20,000 moving vehicles cost ~16 bytes
 * each per second instead of a JSON object each:
 *
 *   frame   = u8 kind · u32 payload length (little endian) · payload
 *   catalogue (JSON, rare): which wire index is which vehicle id, and which indices left;
 *             `reset` (at connect) says the catalogue is the whole fleet.
 *   updates (binary, once a second): f64 at · u32 count · count × 16-byte records
 *             u32 index · i32 lon · i32 lat (1e-7 degrees, ~1 cm) · u8 state · u8 heading (1.41°)
 *             · u16 speed (0.1 km/h)
 *   status  (JSON): the web server's NATS link.
 *
 * Indices are the server's, reused only after the catalogue announced their removal.
 */
export const frameKinds = { catalogue: 1, updates: 2, status: 3 } as const;
export const FRAME_HEADER_BYTES = 5;
export const UPDATES_HEADER_BYTES = 12;
export const UPDATE_RECORD_BYTES = 16;
const DEG_SCALE = 1e7;

export interface CatalogueFrame {
  at: number;
  nats: NatsLinkState;
  reset: boolean;
  /** [wire index, vehicle id] */
  added: Array<[number, string]>;
  removed: number[];
}

export interface StatusFrame {
  nats: NatsLinkState;
}

export type VehicleState = Pick<VehicleSummary, 'motion' | 'health' | 'connectivity'>;

/** motion (2 bits) · health (2 bits) · connectivity (2 bits) */
export function packState({ motion, health, connectivity }: VehicleState): number {
  return motionStates.indexOf(motion) | (healthStates.indexOf(health) << 2) | (connectivityStates.indexOf(connectivity) << 4);
}

export const motionOf = (state: number) => motionStates[state & 3]!;
/** 0 ok, 1 warn, 2 critical: higher is worse. */
export const healthRank = (state: number) => (state >> 2) & 3;
export const healthOf = (state: number) => healthStates[healthRank(state)]!;
export const connectivityOf = (state: number) => connectivityStates[(state >> 4) & 3]!;

const encoder = new TextEncoder();

function frame(kind: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(FRAME_HEADER_BYTES + payload.length);
  const view = new DataView(out.buffer);
  view.setUint8(0, kind);
  view.setUint32(1, payload.length, true);
  out.set(payload, FRAME_HEADER_BYTES);
  return out;
}

export function encodeJsonFrame(kind: typeof frameKinds.catalogue | typeof frameKinds.status, body: CatalogueFrame | StatusFrame): Uint8Array {
  return frame(kind, encoder.encode(JSON.stringify(body)));
}

export interface WireUpdate {
  index: number;
  summary: VehicleSummary;
}

export function encodeUpdates(at: number, updates: readonly WireUpdate[]): Uint8Array {
  const payload = new Uint8Array(UPDATES_HEADER_BYTES + updates.length * UPDATE_RECORD_BYTES);
  const view = new DataView(payload.buffer);
  view.setFloat64(0, at, true);
  view.setUint32(8, updates.length, true);
  let o = UPDATES_HEADER_BYTES;
  for (const { index, summary: v } of updates) {
    view.setUint32(o, index, true);
    view.setInt32(o + 4, Math.round(v.lon * DEG_SCALE), true);
    view.setInt32(o + 8, Math.round(v.lat * DEG_SCALE), true);
    view.setUint8(o + 12, packState(v));
    view.setUint8(o + 13, Math.round((((v.headingDeg % 360) + 360) % 360) * (256 / 360)) & 255);
    view.setUint16(o + 14, Math.min(65_535, Math.max(0, Math.round(v.speedKph * 10))), true);
    o += UPDATE_RECORD_BYTES;
  }
  return frame(frameKinds.updates, payload);
}

/** One vehicle's record in an updates payload, decoded in place (no allocation per record). */
export interface UpdateCursor {
  index: number;
  lon: number;
  lat: number;
  state: number;
  headingDeg: number;
  speedKph: number;
}

/** Calls `visit` for each record of an updates payload with one reused cursor; returns `at`. */
export function readUpdates(payload: DataView, visit: (record: UpdateCursor) => void): number {
  const at = payload.getFloat64(0, true);
  const count = payload.getUint32(8, true);
  if (payload.byteLength !== UPDATES_HEADER_BYTES + count * UPDATE_RECORD_BYTES) {
    throw new Error(`updates frame of ${payload.byteLength} bytes cannot hold ${count} records`);
  }
  const cursor: UpdateCursor = { index: 0, lon: 0, lat: 0, state: 0, headingDeg: 0, speedKph: 0 };
  for (let i = 0, o = UPDATES_HEADER_BYTES; i < count; i++, o += UPDATE_RECORD_BYTES) {
    cursor.index = payload.getUint32(o, true);
    cursor.lon = payload.getInt32(o + 4, true) / DEG_SCALE;
    cursor.lat = payload.getInt32(o + 8, true) / DEG_SCALE;
    cursor.state = payload.getUint8(o + 12);
    cursor.headingDeg = payload.getUint8(o + 13) * (360 / 256);
    cursor.speedKph = payload.getUint16(o + 14, true) / 10;
    visit(cursor);
  }
  return at;
}

export type Frame =
  | { kind: typeof frameKinds.catalogue; body: CatalogueFrame; bytes: number }
  | { kind: typeof frameKinds.status; body: StatusFrame; bytes: number }
  | { kind: typeof frameKinds.updates; payload: DataView; bytes: number };

const decoder = new TextDecoder();

/**
 * Cuts a byte stream into frames: chunks from the network split and join frames anywhere.
 * An unknown kind means the two sides disagree on the protocol: that throws.
 */
export class FrameReader {
  private buffer = new Uint8Array(0);

  push(chunk: Uint8Array): Frame[] {
    const joined = this.buffer.length === 0 ? chunk : concat(this.buffer, chunk);
    const frames: Frame[] = [];
    let at = 0;
    while (joined.length - at >= FRAME_HEADER_BYTES) {
      const view = new DataView(joined.buffer, joined.byteOffset + at);
      const kind = view.getUint8(0);
      const length = view.getUint32(1, true);
      if (joined.length - at < FRAME_HEADER_BYTES + length) break;
      const start = at + FRAME_HEADER_BYTES;
      const bytes = FRAME_HEADER_BYTES + length;
      if (kind === frameKinds.updates) {
        frames.push({ kind, payload: new DataView(joined.buffer, joined.byteOffset + start, length), bytes });
      } else if (kind === frameKinds.catalogue || kind === frameKinds.status) {
        const body = JSON.parse(decoder.decode(joined.subarray(start, start + length)));
        frames.push(kind === frameKinds.catalogue ? { kind, body, bytes } : { kind, body, bytes });
      } else {
        throw new Error(`unknown fleet stream frame kind ${kind}`);
      }
      at = start + length;
    }
    this.buffer = joined.slice(at);
    return frames;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
