import { join } from 'node:path';
import { freePort } from '../../infra/stack/address';
import * as mosquitto from '../../infra/stack/mosquitto';
import type { StartedServer } from '../../infra/stack/server';
import { openFileLimit } from './proc-stats';

export interface Brokers {
  servers: StartedServer[];
  /** FLEET_MQTT_URL naming them all. */
  mqttUrl: string;
  /** Why there are several brokers, or why the devices will not all fit; null: nothing to say. */
  note: string | null;
  shortfall: string | null;
}

/**
 * Every MQTT connection is an open file of its broker's, and a process may hold only so many
 * (`ulimit -n`; 20,000 on the machine this was written on). Starts as many private brokers as the
 * fleet's connections need (each vehicle's devices keep to one), or `wanted` of them, and says
 * before the run when even that cannot hold them.
 */
export async function startBrokers(baseDir: string, devices: number, otherConnections: number, wanted?: number): Promise<Brokers> {
  const start = async (i: number) => mosquitto.start({ port: await freePort(), dataDir: join(baseDir, i === 0 ? 'mosquitto' : `mosquitto-${i + 1}`) });
  const first = await start(0);
  const limit = openFileLimit(first.process.pid);
  // Listener sockets, log, persistence file and the like.
  const room = limit === null ? Infinity : limit - 16 - otherConnections;
  const count = wanted ?? (room > 0 ? Math.ceil(devices / room) : 1);
  const servers = [first];
  for (let i = 1; i < count; i++) servers.push(await start(i));
  const perBroker = Math.ceil(devices / count) + otherConnections;
  const shortfall =
    limit !== null && perBroker > limit - 16
      ? `Mosquitto's open-file limit here is ${limit} (ulimit -n), so each broker holds at most ~${limit - 16} connections and this run needs ${perBroker} on each of ${count}; raise the limit (ulimit -n 65536, within ulimit -Hn) or add brokers (FLEET_BENCH_BROKERS)`
      : null;
  const note = shortfall
    ? `note: ${shortfall}`
    : count > 1
      ? `${count} brokers: Mosquitto's open-file limit here is ${limit} (ulimit -n), fewer than the run's ${devices + otherConnections} connections; each vehicle's devices keep to one broker`
      : null;
  return { servers, mqttUrl: servers.map((s) => s.address).join(','), note, shortfall };
}
