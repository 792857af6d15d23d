import { enqueueActions, emit, setup } from 'xstate';
import { connectivityOf, type Connectivity } from './vehicle-state';
import { initialDeviceContext, type DeviceContext, type DeviceEmitted, type DeviceInput } from './device-state';

export { lastSeq, type DeviceContext, type DeviceEmitted, type DeviceOta } from './device-state';

/**
 * A device twin: one per physical device (GPS tracker, OBD dongle, sensor...). Its data is folded
 * at the edge (device-state.ts); the machine hears of it only when it moves the device's
 * connectivity or announces a firmware or OTA change, so a reading that changes neither costs no
 * macrostep. It follows connectivity (online/stale/offline by silence against the injected clock)
 * and announces what it is told.
 */
export type DeviceEvent = { type: 'sync'; context: DeviceContext; emitted: DeviceEmitted[] };

export const deviceTwinMachine = setup({
  types: {
    context: {} as DeviceContext,
    input: {} as DeviceInput,
    events: {} as DeviceEvent,
    emitted: {} as DeviceEmitted,
  },
  actions: {
    take: enqueueActions(({ event, enqueue }) => {
      enqueue.assign(() => event.context);
      for (const e of event.emitted) enqueue.emit(e);
    }),
    announceConnectivity: emit(({ context }, params: { to: Connectivity }): DeviceEmitted => ({
      type: 'device.connectivity',
      deviceId: context.deviceId,
      to: params.to,
      at: context.clock,
    })),
  },
  guards: {
    syncMovesTo: ({ event }, params: { to: Connectivity }) => connectivityOf(event.context) === params.to,
  },
}).createMachine({
  id: 'deviceTwin',
  context: ({ input }) => initialDeviceContext(input),
  on: { sync: { actions: 'take' } },
  initial: 'offline',
  states: {
    online: { on: { sync: follow(['offline', 'stale']) } },
    stale: { on: { sync: follow(['online', 'offline']) } },
    offline: { on: { sync: follow(['online', 'stale']) } },
  },
});

/** Transitions on a sync to whatever connectivity the synced data implies, taking it and announcing the move (as the vehicle twin's regions). */
function follow(to: Connectivity[]) {
  return to.map((value) => ({
    guard: { type: 'syncMovesTo' as const, params: { to: value } },
    target: value,
    actions: ['take' as const, { type: 'announceConnectivity' as const, params: { to: value } }],
  }));
}
