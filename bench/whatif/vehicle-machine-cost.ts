import { createActor } from 'xstate';
import { vehicleTwinMachine } from '../../twins/machines/vehicle-twin';
import { copyVehicleContext, type VehicleContext } from '../../twins/machines/vehicle-state';

const ROUNDS = 5;
const SYNCS_PER_ROUND = 20_000;

/**
 * What one sync of the production vehicle twin machine costs on this machine, µs: one actor sent
 * its data alternately parked and driving (each sync moves the motion region and announces it, as
 * most of a what-if run's syncs do), nothing else running. The median of five rounds: the floor
 * XState puts under a run, whatever the world and the readings cost.
 */
export function vehicleSyncMicros(): number {
  const actor = createActor(vehicleTwinMachine, { input: { vehicleId: 'probe', timings: { staleMs: 60_000, offlineMs: 300_000 } } });
  actor.start();
  const at = (speedKph: number): VehicleContext => {
    const { maintenance: _maintenance, ...data } = actor.getSnapshot().context;
    return { ...copyVehicleContext(data), engineOn: true, speedKph, lastSeenAt: 1, clock: 1 };
  };
  const states = [at(0), at(50)];
  const rounds: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const started = performance.now();
    for (let i = 0; i < SYNCS_PER_ROUND; i++) actor.send({ type: 'sync', context: copyVehicleContext(states[i & 1]!), emitted: [] });
    rounds.push(((performance.now() - started) * 1000) / SYNCS_PER_ROUND);
  }
  actor.stop();
  return rounds.sort((a, b) => a - b)[ROUNDS >> 1]!;
}
