import { emit, enqueueActions, assign, setup } from 'xstate';
import type { Telemetry } from '../telemetry/schema';
import {
  connectivityOf,
  foldReading,
  initialVehicleContext,
  motionOf,
  type Connectivity,
  type Motion,
  type ReadingOrder,
  type TwinTimings,
  type VehicleContext,
  type VehicleEmitted,
} from './vehicle-state';
import type { HealthLevel } from './health-rules';

/**
 * The vehicle twin. Readings arrive already de-duplicated by the device twins; the machine folds
 * them into its context and its three regions follow that context: motion (parked/idle/driving),
 * connectivity (online/stale/offline by silence against the injected clock) and health
 * (ok/warn/critical). Each change of region is announced as a domain event. No I/O, no timers:
 * the runtime sends `tick` when a deadline passes.
 */
export type VehicleEvent =
  | { type: 'reading'; reading: Telemetry; order: ReadingOrder; now: number }
  | { type: 'tick'; now: number };

type RegionValue = { motion: Motion; connectivity: Connectivity; health: HealthLevel };
type Region = keyof RegionValue;

function regionValue(context: VehicleContext, region: Region): string {
  if (region === 'motion') return motionOf(context);
  if (region === 'connectivity') return connectivityOf(context);
  return context.health.level;
}

export const vehicleTwinMachine = setup({
  types: {
    context: {} as VehicleContext,
    input: {} as { vehicleId: string; timings: TwinTimings; now?: number },
    events: {} as VehicleEvent,
    emitted: {} as VehicleEmitted,
  },
  actions: {
    // Most readings announce nothing; a plain assign is twice as fast as enqueueActions.
    foldReading: assign(({ context, event }) =>
      event.type === 'reading' ? foldReading(context, event.reading, event.order, event.now).context : {},
    ),
    foldAndAnnounce: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'reading') return;
      const result = foldReading(context, event.reading, event.order, event.now);
      enqueue.assign(() => result.context);
      for (const e of result.emitted) enqueue.emit(e);
    }),
    advanceClock: assign({
      clock: ({ context, event }) => Math.max(context.clock, event.now),
    }),
    announce: emit(({ context }, params: { region: Region; from: string; to: string }): VehicleEmitted => {
      const at = params.region === 'connectivity' ? context.clock : (context.stateTime ?? context.clock);
      if (params.region === 'motion') return { type: 'motion', from: params.from as Motion, to: params.to as Motion, at };
      if (params.region === 'connectivity') return { type: 'connectivity', to: params.to as Connectivity, at };
      return { type: 'health', level: context.health.level, reasons: context.health.reasons, at };
    }),
  },
  guards: {
    /** Only harsh events and trouble codes are announced by the fold itself. */
    mayAnnounce: ({ event }) => event.type === 'reading' && (event.reading.harsh !== undefined || event.reading.dtcs !== undefined),
    regionIs: ({ context }, params: { region: Region; value: string }) => regionValue(context, params.region) === params.value,
  },
}).createMachine({
  id: 'vehicleTwin',
  type: 'parallel',
  context: ({ input }) => initialVehicleContext(input.vehicleId, input.timings, input.now ?? 0),
  on: {
    reading: [{ guard: 'mayAnnounce', actions: 'foldAndAnnounce' }, { actions: 'foldReading' }],
    tick: { actions: 'advanceClock' },
  },
  states: {
    motion: {
      initial: 'parked',
      states: {
        parked: { always: followers('motion', 'parked', ['idle', 'driving']) },
        idle: { always: followers('motion', 'idle', ['parked', 'driving']) },
        driving: { always: followers('motion', 'driving', ['parked', 'idle']) },
      },
    },
    connectivity: {
      initial: 'offline',
      states: {
        online: { always: followers('connectivity', 'online', ['stale', 'offline']) },
        stale: { always: followers('connectivity', 'stale', ['online', 'offline']) },
        offline: { always: followers('connectivity', 'offline', ['online', 'stale']) },
      },
    },
    health: {
      initial: 'ok',
      states: {
        ok: { always: followers('health', 'ok', ['warn', 'critical']) },
        warn: { always: followers('health', 'warn', ['ok', 'critical']) },
        critical: { always: followers('health', 'critical', ['ok', 'warn']) },
      },
    },
  },
});

/** Eventless transitions that move a region to whatever its context now says, announcing it. */
function followers<R extends Region>(region: R, from: RegionValue[R], to: Array<RegionValue[R]>) {
  return to.map((value) => ({
    guard: { type: 'regionIs' as const, params: { region, value } },
    target: value,
    actions: { type: 'announce' as const, params: { region, from, to: value } },
  }));
}
