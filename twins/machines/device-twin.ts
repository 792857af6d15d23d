import { assign, emit, setup } from 'xstate';
import type { DeviceKind, Telemetry } from '../telemetry/schema';
import { addSeq, classifySeq, highestSeq, type SeqRanges, type SeqVerdict } from './seq-ranges';
import { connectivityOf, type Connectivity, type TwinTimings } from './vehicle-state';

/**
 * A device twin: one per physical device (GPS tracker, OBD dongle, sensor...). It owns the
 * device's sequence numbers, so it is where duplicates and store-and-forward bursts are told
 * apart, and it follows the device's connectivity and firmware.
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
  /** What the twin made of the last reading it was sent; the runtime reads it after each send. */
  lastVerdict: SeqVerdict | null;
  firmware: string | null;
  /** The newest reading in device order, for the twin panel. */
  last: Telemetry | null;
  counts: { inOrder: number; late: number; duplicate: number; tooOld: number };
}

export type DeviceEvent = { type: 'telemetry'; reading: Telemetry; now: number } | { type: 'tick'; now: number };
export type DeviceEmitted =
  | { type: 'device.connectivity'; deviceId: string; to: Connectivity; at: number }
  | { type: 'device.firmware'; deviceId: string; from: string | null; to: string; at: number };

const countKey = { in_order: 'inOrder', late: 'late', duplicate: 'duplicate', too_old: 'tooOld' } as const;

export const deviceTwinMachine = setup({
  types: {
    context: {} as DeviceContext,
    input: {} as { deviceId: string; vehicleId: string; kind: DeviceKind; format: string; timings: TwinTimings; now?: number },
    events: {} as DeviceEvent,
    emitted: {} as DeviceEmitted,
  },
  actions: {
    applyTelemetry: assign(({ context, event }) => {
      if (event.type !== 'telemetry') return {};
      const { reading, now } = event;
      const verdict = classifySeq(context.seqs, reading.seq);
      const counts = { ...context.counts, [countKey[verdict]]: context.counts[countKey[verdict]] + 1 };
      const clock = Math.max(context.clock, now);
      if (verdict === 'duplicate' || verdict === 'too_old') return { lastVerdict: verdict, counts, clock };
      const inOrder = verdict === 'in_order';
      return {
        lastVerdict: verdict,
        counts,
        clock,
        seqs: addSeq(context.seqs, reading.seq),
        lastSeenAt: Math.max(context.lastSeenAt ?? 0, reading.receivedAt),
        kind: reading.deviceKind,
        format: reading.format,
        ...(inOrder ? { last: reading, firmware: reading.firmware ?? context.firmware } : {}),
      };
    }),
    advanceClock: assign({ clock: ({ context, event }) => Math.max(context.clock, event.now) }),
    announceFirmware: emit(({ context, event }): DeviceEmitted => {
      const to = event.type === 'telemetry' ? (event.reading.firmware ?? '') : '';
      return { type: 'device.firmware', deviceId: context.deviceId, from: context.firmware, to, at: context.clock };
    }),
    announceConnectivity: emit(({ context }, params: { to: Connectivity }): DeviceEmitted => ({
      type: 'device.connectivity',
      deviceId: context.deviceId,
      to: params.to,
      at: context.clock,
    })),
  },
  guards: {
    firmwareChanges: ({ context, event }) =>
      event.type === 'telemetry' &&
      event.reading.firmware !== undefined &&
      event.reading.firmware !== context.firmware &&
      classifySeq(context.seqs, event.reading.seq) === 'in_order',
    connectivityIs: ({ context }, params: { to: Connectivity }) => connectivityOf(context) === params.to,
  },
}).createMachine({
  id: 'deviceTwin',
  context: ({ input }) => ({
    deviceId: input.deviceId,
    vehicleId: input.vehicleId,
    kind: input.kind,
    format: input.format,
    timings: input.timings,
    clock: input.now ?? 0,
    lastSeenAt: null,
    seqs: [],
    lastVerdict: null,
    firmware: null,
    last: null,
    counts: { inOrder: 0, late: 0, duplicate: 0, tooOld: 0 },
  }),
  on: {
    telemetry: [
      { guard: 'firmwareChanges', actions: ['announceFirmware', 'applyTelemetry'] },
      { actions: 'applyTelemetry' },
    ],
    tick: { actions: 'advanceClock' },
  },
  initial: 'offline',
  states: {
    online: { always: follow(['stale', 'offline']) },
    stale: { always: follow(['online', 'offline']) },
    offline: { always: follow(['online', 'stale']) },
  },
});

function follow(to: Connectivity[]) {
  return to.map((value) => ({
    guard: { type: 'connectivityIs' as const, params: { to: value } },
    target: value,
    actions: { type: 'announceConnectivity' as const, params: { to: value } },
  }));
}

export function lastSeq(context: DeviceContext): number | undefined {
  return highestSeq(context.seqs);
}
