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
    take: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'sync') return;
      // The data never carries maintenance: that is the machine's own.
      enqueue.assign(() => ({ ...event.context, maintenance: context.maintenance }));
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
    regionIs: ({ context }, params: { region: Region; value: string }) => regionValue(context, params.region) === params.value,
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
        parked: { always: followers('motion', 'parked', ['idle', 'driving']) },
        idle: { always: followers('motion', 'idle', ['parked', 'driving']) },
        driving: { always: followers('motion', 'driving', ['parked', 'idle']) },
      },
    },
    connectivity: {
      initial: 'offline',
      states: {
        online: { always: followers('connectivity', 'online', ['offline', 'stale']) },
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

/** Eventless transitions that move a region to whatever its context now says, announcing it. */
function followers<R extends Region>(region: R, from: RegionValue[R], to: Array<RegionValue[R]>) {
  return to.map((value) => ({
    guard: { type: 'regionIs' as const, params: { region, value } },
    target: value,
    actions: { type: 'announce' as const, params: { region, from, to: value } },
  }));
}
