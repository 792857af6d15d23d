import { emit, enqueueActions, assign, setup } from 'xstate';
import {
  connectivityOf,
  initialVehicleContext,
  motionOf,
  type Connectivity,
  type Motion,
  type TwinTimings,
  type VehicleContext,
  type VehicleEmitted,
} from './vehicle-state';
import type { HealthLevel } from './health-rules';

/**
 * The vehicle twin. Readings are folded into its data at the edge (vehicle-state.ts, after the
 * device twins have de-duplicated them); the machine hears of the data only when it moves a
 * region or brings something to announce (harsh events, trouble codes), so the many readings
 * that change neither cost no macrostep. Its regions follow the data: motion
 * (parked/idle/driving), connectivity (online/stale/offline by silence against the injected
 * clock), health (ok/warn/critical), and maintenance, set by work orders. Each change of region
 * is announced as a domain event. No I/O, no timers.
 */
export type VehicleEvent =
  | { type: 'sync'; context: VehicleContext; emitted: VehicleEmitted[] }
  | { type: 'maintenance'; state: MaintenanceState; workOrderId: string | null; now: number };

/**
 * The maintenance region: set by work-order workflows through a twin command (none → due →
 * scheduled → in_service → none), not by telemetry.
 */
export const maintenanceStates = ['none', 'due', 'scheduled', 'in_service'] as const;
export type MaintenanceState = (typeof maintenanceStates)[number];
export interface MaintenanceInfo {
  state: MaintenanceState;
  workOrderId: string | null;
  since: number | null;
}
export type MaintenanceEmitted = { type: 'maintenance'; state: MaintenanceState; workOrderId: string | null; at: number };

/** Snapshots taken before the maintenance region existed have no `maintenance`: read as none. */
export type VehicleTwinContext = VehicleContext & { maintenance?: MaintenanceInfo };

/** The regions that follow the folded context (maintenance moves on its own event). */
type RegionValue = { motion: Motion; connectivity: Connectivity; health: HealthLevel };
type Region = keyof RegionValue;

function regionValue(context: VehicleTwinContext, region: Region): string {
  if (region === 'motion') return motionOf(context);
  if (region === 'connectivity') return connectivityOf(context);
  return context.health.level;
}

export const vehicleTwinMachine = setup({
  types: {
    context: {} as VehicleTwinContext,
    input: {} as { vehicleId: string; timings: TwinTimings; now?: number },
    events: {} as VehicleEvent,
    emitted: {} as VehicleEmitted | MaintenanceEmitted,
  },
  actions: {
    take: enqueueActions(({ event, enqueue }) => {
      if (event.type !== 'sync') return;
      // The data never carries maintenance (the machine's own), and assign merges: it stays as it is.
      enqueue.assign(() => event.context);
      for (const e of event.emitted) enqueue.emit(e);
    }),
    setMaintenance: assign(({ context, event }) =>
      event.type === 'maintenance'
        ? {
            clock: Math.max(context.clock, event.now),
            maintenance: { state: event.state, workOrderId: event.workOrderId, since: Math.max(context.clock, event.now) },
          }
        : {},
    ),
    announceMaintenance: emit(({ context }, params: { to: MaintenanceState }): MaintenanceEmitted => {
      const m = context.maintenance;
      return { type: 'maintenance', state: params.to, workOrderId: m?.workOrderId ?? null, at: m?.since ?? context.clock };
    }),
    announce: emit(({ context }, params: { region: Region; from: string; to: string }): VehicleEmitted => {
      const at = params.region === 'connectivity' ? context.clock : (context.stateTime ?? context.clock);
      if (params.region === 'motion') return { type: 'motion', from: params.from as Motion, to: params.to as Motion, at };
      if (params.region === 'connectivity') return { type: 'connectivity', to: params.to as Connectivity, at };
      return { type: 'health', level: context.health.level, reasons: context.health.reasons, at };
    }),
  },
  guards: {
    syncMovesTo: ({ event }, params: { region: Region; value: string }) => event.type === 'sync' && regionValue(event.context, params.region) === params.value,
    maintenanceMovesTo: ({ context, event }, params: { to: MaintenanceState }) =>
      event.type === 'maintenance' && event.state === params.to && (context.maintenance?.state ?? 'none') !== params.to,
  },
}).createMachine({
  id: 'vehicleTwin',
  type: 'parallel',
  context: ({ input }) => ({
    ...initialVehicleContext(input.vehicleId, input.timings, input.now ?? 0),
    maintenance: { state: 'none', workOrderId: null, since: null },
  }),
  on: { sync: { actions: 'take' } },
  states: {
    motion: {
      initial: 'parked',
      states: {
        parked: { on: { sync: followers('motion', 'parked', ['idle', 'driving']) } },
        idle: { on: { sync: followers('motion', 'idle', ['parked', 'driving']) } },
        driving: { on: { sync: followers('motion', 'driving', ['parked', 'idle']) } },
      },
    },
    connectivity: {
      initial: 'offline',
      states: {
        online: { on: { sync: followers('connectivity', 'online', ['offline', 'stale']) } },
        stale: { on: { sync: followers('connectivity', 'stale', ['online', 'offline']) } },
        offline: { on: { sync: followers('connectivity', 'offline', ['online', 'stale']) } },
      },
    },
    health: {
      initial: 'ok',
      states: {
        ok: { on: { sync: followers('health', 'ok', ['warn', 'critical']) } },
        warn: { on: { sync: followers('health', 'warn', ['ok', 'critical']) } },
        critical: { on: { sync: followers('health', 'critical', ['ok', 'warn']) } },
      },
    },
    // Only work-order commands move it, so it moves on that event rather than checking after every reading.
    maintenance: {
      initial: 'none',
      on: {
        maintenance: [
          ...maintenanceStates.map((to) => ({
            guard: { type: 'maintenanceMovesTo' as const, params: { to } },
            target: `.${to}`,
            actions: ['setMaintenance' as const, { type: 'announceMaintenance' as const, params: { to } }],
          })),
          { actions: 'setMaintenance' as const },
        ],
      },
      states: { none: {}, due: {}, scheduled: {}, in_service: {} },
    },
  },
});

/**
 * A region's transitions on a sync: to whatever the synced data says, taking the data and
 * announcing the move. On the event itself rather than eventless (`always`) after the root takes
 * the data, so a change of state is one microstep instead of two and eventless passes; a sync
 * that moves no region falls through to the root's `take`.
 */
function followers<R extends Region>(region: R, from: RegionValue[R], to: Array<RegionValue[R]>) {
  return to.map((value) => ({
    guard: { type: 'syncMovesTo' as const, params: { region, value } },
    target: value,
    actions: ['take' as const, { type: 'announce' as const, params: { region, from, to: value } }],
  }));
}
