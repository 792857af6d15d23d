import type { ReferenceMessage } from '../../twins/adapters/reference-json';
import type { DeviceKind, Reading } from '../../twins/telemetry/schema';
import type { Vehicle } from '../fleet/vehicle';
import type { DeviceFaults, ReadingFate } from '../faults/device-faults';
import { malform, type MalformKind } from '../faults/malform';
import type { Rng } from '../world/random';
import type { DeviceCodec } from './codec';
import type { DeviceMemory, DeviceModel } from './model';

/** The payload of a reading from a simulation that encodes none. */
export const NO_PAYLOAD = new Uint8Array(0);
/** The fate of a reading from a device without faults. */
const UNHARMED: ReadingFate = { offline: false, duplicate: false };

/** One reading on its way to the broker. */
export interface DeviceMessage {
  topic: string;
  vehicleId: string;
  deviceId: string;
  kind: DeviceKind;
  format: string;
  /** The sequence number the platform knows the reading by (Teltonika: its record time). */
  seq: number;
  /** Device time: the sample time as the device's own (possibly skewed) clock reads it. */
  ts: number;
  /** What goes on the wire; `NO_PAYLOAD` in a simulation made without payloads. */
  payload: Uint8Array;
  /** The reading before encoding, for checks and what-if runs. */
  body: ReferenceMessage;
  /** Out of coverage when taken: the device keeps it and replays it when it reconnects. */
  offline: boolean;
  /** The device sends it twice. */
  duplicate: boolean;
  /** The payload went out broken this way: the platform must refuse it. */
  malformed?: MalformKind;
}

export interface DeviceSetup {
  model: DeviceModel;
  codec: DeviceCodec;
  rng: Rng;
  /** When it is switched on: no reading before. null: off until `switchOn`. */
  startMs: number | null;
  /** The first sequence number. */
  seqStart: number;
  /** Sampling speed-up: periods are divided by it. */
  rate: number;
  /** Encode each reading for the wire (false: body only). */
  payloads: boolean;
  /** Its faults; none when absent. */
  faults?: DeviceFaults;
}

/**
 * One device fitted to a vehicle, with its own id (`<vehicleId>-<kind>`), sequence numbers,
 * clock schedule and noise. It reports every period (shorter with the ignition on), and at once
 * when the ignition or the cargo door changes.
 */
export class Device {
  readonly id: string;
  /** The firmware it runs (`<model> <version>`); its OTA agent changes it. */
  firmware: string;
  readonly topic: string;
  /** When the next reading is due, epoch ms. */
  nextDueMs: number;
  private seq: number;
  private readonly seqStart: number;
  private readonly payloads: boolean;
  private seenChange: number;
  private readonly memory: DeviceMemory = { harshSeen: 0 };
  private readonly model: DeviceModel;
  private readonly codec: DeviceCodec;
  private readonly rng: Rng;
  private readonly activeMs: number;
  private readonly idleMs: number;
  private readonly parkedMs: number;
  private readonly faults: DeviceFaults | undefined;
  private onMs = Infinity;
  /** Where in its first period the device's first reading falls (devices were switched on at different moments). */
  private readonly firstPhase: number;

  constructor(
    readonly vehicle: Vehicle,
    setup: DeviceSetup,
  ) {
    this.model = setup.model;
    this.codec = setup.codec;
    this.rng = setup.rng;
    this.id = `${vehicle.id}-${setup.model.kind}`;
    this.firmware = setup.model.firmware;
    this.topic = `fleet/${vehicle.id}/${this.id}/${setup.codec.format}`;
    this.faults = setup.faults;
    this.seq = setup.seqStart;
    this.seqStart = setup.seqStart;
    this.payloads = setup.payloads;
    this.seenChange = vehicle.changeCount + (setup.model.reportsOnMotion ? vehicle.motionChangeCount : 0);
    this.activeMs = Math.max(1, Math.round(setup.model.activeMs / setup.rate));
    this.idleMs = Math.max(1, Math.round((setup.model.idleMs ?? setup.model.activeMs) / setup.rate));
    this.parkedMs = Math.max(1, Math.round(setup.model.parkedMs / setup.rate));
    this.firstPhase = this.rng.next();
    this.nextDueMs = Infinity;
    if (setup.startMs !== null) this.switchOn(setup.startMs);
  }

  /** Switched on at `atMs`: its first reading falls within the period after. */
  switchOn(atMs: number): void {
    this.onMs = atMs;
    this.nextDueMs = atMs + Math.floor(this.firstPhase * this.periodMs());
    this.faults?.switchOn(atMs);
  }

  get kind(): DeviceKind {
    return this.model.kind;
  }

  /** The sequence number the next reading will carry. */
  get nextSeq(): number {
    return this.seq;
  }

  get format(): string {
    return this.codec.format;
  }

  /** Faster while driving, slower idling, slowest parked. */
  periodMs(): number {
    const motion = this.vehicle.motion;
    return motion === 'driving' ? this.activeMs : motion === 'idle' ? this.idleMs : this.parkedMs;
  }

  /** Brings the next reading forward to `nowMs` if the vehicle's ignition or door changed (or it set off or stopped, for a device that reports motion). */
  noticeChanges(nowMs: number): void {
    const changes = this.vehicle.changeCount + (this.model.reportsOnMotion ? this.vehicle.motionChangeCount : 0);
    if (changes === this.seenChange) return;
    this.seenChange = changes;
    if (this.nextDueMs > nowMs) this.nextDueMs = Math.max(nowMs, this.onMs);
  }

  /**
   * Takes the reading due at `nextDueMs` from the vehicle as it is now, and schedules the next.
   * A device switched off (a silence fault) takes none: undefined.
   */
  sample(): DeviceMessage | undefined {
    const at = this.nextDueMs;
    this.nextDueMs = at + this.periodMs();
    if (this.faults?.silentAt(at)) return undefined;
    const ts = at + (this.faults?.skewMs ?? 0);
    const first = this.seq === this.seqStart;
    // Assigned rather than spread: this runs for every reading of a what-if month.
    const body: ReferenceMessage = Object.assign({ v: 1 as const, seq: this.seq++, ts, kind: this.model.kind }, this.model.read(this.vehicle, this.rng, this.memory));
    // A device announces its firmware in its first reading after power-up.
    if (first) body.firmware = this.firmware;
    return this.message(body, this.faults?.fateAt(at) ?? UNHARMED);
  }

  /** A reading outside the schedule (an OTA report), with the next sequence number, taken at `nowMs`. */
  report(reading: Reading, nowMs: number): DeviceMessage {
    const body: ReferenceMessage = { v: 1, seq: this.seq++, ts: nowMs + (this.faults?.skewMs ?? 0), kind: this.model.kind, ...reading };
    return this.message(body, UNHARMED);
  }

  /** The reading as the wire carries it, with what the faults made of it. */
  private message(body: ReferenceMessage, fate: ReadingFate): DeviceMessage {
    const payload = this.payloads ? this.codec.encode(body) : NO_PAYLOAD;
    const message: DeviceMessage = {
      topic: this.topic,
      vehicleId: this.vehicle.id,
      deviceId: this.id,
      kind: this.model.kind,
      format: this.codec.format,
      seq: this.codec.platformSeq?.(body) ?? body.seq,
      ts: body.ts,
      payload: fate.malformed && this.payloads ? malform(payload, fate.malformed) : payload,
      body,
      offline: fate.offline,
      duplicate: fate.duplicate,
    };
    if (fate.malformed) message.malformed = fate.malformed;
    return message;
  }
}
