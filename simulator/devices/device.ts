import type { ReferenceMessage } from '../../twins/adapters/reference-json';
import type { DeviceKind } from '../../twins/telemetry/schema';
import type { Vehicle } from '../fleet/vehicle';
import type { Rng } from '../world/random';
import type { DeviceCodec } from './codec';
import type { DeviceMemory, DeviceModel } from './model';

/** One reading on its way to the broker. */
export interface DeviceMessage {
  topic: string;
  vehicleId: string;
  deviceId: string;
  kind: DeviceKind;
  format: string;
  seq: number;
  ts: number;
  payload: Uint8Array;
  /** The reading before encoding, for checks. */
  body: ReferenceMessage;
}

export interface DeviceSetup {
  model: DeviceModel;
  codec: DeviceCodec;
  rng: Rng;
  startMs: number;
  /** The first sequence number. */
  seqStart: number;
  /** Sampling speed-up: periods are divided by it. */
  rate: number;
}

/**
 * One device fitted to a vehicle, with its own id (`<vehicleId>-<kind>`), sequence numbers,
 * clock schedule and noise. It reports every period (shorter with the ignition on), and at once
 * when the ignition or the cargo door changes.
 */
export class Device {
  readonly id: string;
  readonly topic: string;
  /** When the next reading is due, epoch ms. */
  nextDueMs: number;
  private seq: number;
  private readonly seqStart: number;
  private seenChange: number;
  private readonly memory: DeviceMemory = { harshSeen: 0 };
  private readonly model: DeviceModel;
  private readonly codec: DeviceCodec;
  private readonly rng: Rng;
  private readonly activeMs: number;
  private readonly parkedMs: number;

  constructor(
    readonly vehicle: Vehicle,
    setup: DeviceSetup,
  ) {
    this.model = setup.model;
    this.codec = setup.codec;
    this.rng = setup.rng;
    this.id = `${vehicle.id}-${setup.model.kind}`;
    this.topic = `fleet/${vehicle.id}/${this.id}/${setup.codec.format}`;
    this.seq = setup.seqStart;
    this.seqStart = setup.seqStart;
    this.seenChange = vehicle.changeCount;
    this.activeMs = Math.max(1, Math.round(setup.model.activeMs / setup.rate));
    this.parkedMs = Math.max(1, Math.round(setup.model.parkedMs / setup.rate));
    // Devices were switched on at different moments: spread the first readings over a period.
    this.nextDueMs = setup.startMs + Math.floor(this.rng.next() * this.periodMs());
  }

  get kind(): DeviceKind {
    return this.model.kind;
  }

  /** The sequence number the next reading will carry. */
  get nextSeq(): number {
    return this.seq;
  }

  periodMs(): number {
    return this.vehicle.ignition ? this.activeMs : this.parkedMs;
  }

  /** Brings the next reading forward to `nowMs` if the vehicle's ignition or door changed. */
  noticeChanges(nowMs: number): void {
    if (this.vehicle.changeCount === this.seenChange) return;
    this.seenChange = this.vehicle.changeCount;
    if (this.nextDueMs > nowMs) this.nextDueMs = nowMs;
  }

  /** Takes the reading due at `nextDueMs` from the vehicle as it is now, and schedules the next. */
  sample(): DeviceMessage {
    const ts = this.nextDueMs;
    const first = this.seq === this.seqStart;
    const body: ReferenceMessage = {
      v: 1,
      seq: this.seq++,
      ts,
      kind: this.model.kind,
      ...this.model.read(this.vehicle, this.rng, this.memory),
      // A device announces its firmware in its first reading after power-up.
      ...(first ? { firmware: this.model.firmware } : {}),
    };
    this.nextDueMs = ts + this.periodMs();
    return {
      topic: this.topic,
      vehicleId: this.vehicle.id,
      deviceId: this.id,
      kind: this.model.kind,
      format: this.codec.format,
      seq: body.seq,
      ts,
      payload: this.codec.encode(body),
      body,
    };
  }
}
