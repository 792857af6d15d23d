import type { DeviceKind, Telemetry } from '../telemetry/schema';
import { addSeq, classifySeq, highestSeq, type SeqRanges, type SeqVerdict } from './seq-ranges';
import type { Connectivity, TwinTimings } from './vehicle-state';

/**
 * A device twin's data and the pure fold of a reading into it. The device owns its sequence
 * numbers, so this is where duplicates and store-and-forward bursts are told apart; it also
 * follows the device's firmware and OTA reports. The machine (device-twin.ts) follows the
 * connectivity the data implies and announces what the fold found.
 */
export interface DeviceContext {
  deviceId: string;
  vehicleId: string;
  kind: DeviceKind;
  format: string;
  timings: TwinTimings;
  clock: number;
  lastSeenAt: number | null;
  seqs: SeqRanges;
  firmware: string | null;
  /** The device's latest OTA report (null before its first; absent in snapshots older than OTA). */
  ota?: DeviceOta | null;
  /** The newest reading in device order, for the twin panel. */
  last: Telemetry | null;
  counts: { inOrder: number; late: number; duplicate: number; tooOld: number };
}

/** Where the device is in an update, as it last reported (twins/telemetry/schema.ts `ota`). */
export interface DeviceOta {
  campaignId: string | null;
  version: string;
  state: NonNullable<Telemetry['ota']>['state'];
  reason: string | null;
  /** Device time of the report. */
  at: number;
  /** Sequence number of the reading that carried it (absent in snapshots from before it was kept). */
  seq?: number;
}

export type DeviceEmitted =
  | { type: 'device.connectivity'; deviceId: string; to: Connectivity; at: number }
  | { type: 'device.firmware'; deviceId: string; from: string | null; to: string; at: number }
  | { type: 'device.ota'; deviceId: string; campaignId: string | null; version: string; state: DeviceOta['state']; reason: string | null; at: number };

export interface DeviceInput {
  deviceId: string;
  vehicleId: string;
  kind: DeviceKind;
  format: string;
  timings: TwinTimings;
  now?: number;
}

export function initialDeviceContext(input: DeviceInput): DeviceContext {
  return {
    deviceId: input.deviceId,
    vehicleId: input.vehicleId,
    kind: input.kind,
    format: input.format,
    timings: input.timings,
    clock: input.now ?? 0,
    lastSeenAt: null,
    seqs: [],
    firmware: null,
    ota: null,
    last: null,
    counts: { inOrder: 0, late: 0, duplicate: 0, tooOld: 0 },
  };
}

export interface DeviceFold {
  verdict: SeqVerdict;
  /** Firmware and OTA changes the reading reported, from the state before it. */
  emitted: DeviceEmitted[];
}

const NOTHING: DeviceEmitted[] = [];

/**
 * Folds one reading into the device's data, in place (as the vehicle's: vehicle-state.ts). An
 * in-order reading moves what the device reports (firmware, OTA, last reading); a late one is
 * counted and its sequence number remembered, and moves firmware and OTA only when its OTA report
 * is newer than the one held: a device's readings may be reordered on the way (shared MQTT
 * subscriptions, store-and-forward), and an update's final report overtaken by the next plain
 * reading must still end the update. A duplicate or one too old to tell is only counted.
 */
export function foldDeviceReadingInto(d: DeviceContext, reading: Telemetry, now: number): DeviceFold {
  const verdict = classifySeq(d.seqs, reading.seq);
  d.counts[countKey[verdict]]++;
  d.clock = Math.max(d.clock, now);
  if (verdict === 'duplicate' || verdict === 'too_old') return { verdict, emitted: NOTHING };
  addSeq(d.seqs, reading.seq);
  d.lastSeenAt = Math.max(d.lastSeenAt ?? 0, reading.receivedAt);
  d.kind = reading.deviceKind;
  d.format = reading.format;
  const ota = otaOf(reading);
  if (verdict === 'late' && !(ota && isNewerReport(ota, d.ota))) return { verdict, emitted: NOTHING };
  if (verdict === 'in_order') d.last = reading;

  let emitted = NOTHING;
  if (reading.firmware !== undefined && reading.firmware !== d.firmware) {
    emitted = [{ type: 'device.firmware', deviceId: d.deviceId, from: d.firmware, to: reading.firmware, at: d.clock }];
    d.firmware = reading.firmware;
  }
  if (ota) {
    const last = d.ota;
    if (!last || ota.state !== last.state || ota.campaignId !== last.campaignId || ota.version !== last.version) {
      const { campaignId, version, state, reason, at } = ota;
      emitted = [...emitted, { type: 'device.ota', deviceId: d.deviceId, campaignId, version, state, reason, at }];
    }
    d.ota = ota;
  }
  return { verdict, emitted };
}

function isNewerReport(report: DeviceOta, held: DeviceOta | null | undefined): boolean {
  if (!held) return true;
  return held.seq !== undefined && report.seq !== undefined ? report.seq > held.seq : report.at > held.at;
}

const countKey = { in_order: 'inOrder', late: 'late', duplicate: 'duplicate', too_old: 'tooOld' } as const;

/** A copy that shares nothing the fold changes in place: what leaves the twin. */
export function copyDeviceContext(d: DeviceContext): DeviceContext {
  return { ...d, seqs: d.seqs.slice(), ota: d.ota ?? null, counts: { ...d.counts } };
}

function otaOf(reading: Telemetry): DeviceOta | null {
  const ota = reading.ota;
  if (!ota) return null;
  return { campaignId: ota.campaignId ?? null, version: ota.version, state: ota.state, reason: ota.reason ?? null, at: reading.deviceTime, seq: reading.seq };
}

export function lastSeq(context: DeviceContext): number | undefined {
  return highestSeq(context.seqs);
}
