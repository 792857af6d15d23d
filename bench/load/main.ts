/**
 * `npm run bench:load`: the whole data path at fleet scale on this machine. Private NATS and
 * Mosquitto (infra/stack), twin hosts and ingress replicas as `fleet` child processes, and
 * `fleet sim` with 20,000 devices, each its own MQTT connection, measured for 5 minutes after all
 * are connected. Loss is the simulator's own account of QoS 1 acknowledgements against what
 * every device twin says it applied.
 *
 * Environment (all optional): FLEET_BENCH_DEVICES (20000), FLEET_BENCH_SECONDS (300),
 * FLEET_BENCH_RATE (device sampling speed-up, 12: ~10,000 msgs/s offered, the target), FLEET_BENCH_INGRESS (replicas, 2),
 * FLEET_BENCH_INGRESS_CONNECTIONS (per replica, 32), FLEET_BENCH_HOSTS (twin hosts, 2),
 * FLEET_BENCH_SIM_PROCESSES (2), FLEET_BENCH_CONNECT_RATE (connections/s, 1000),
 * FLEET_BENCH_SIM_ARGS (more `fleet sim` flags, e.g. "--duplicate-rate 0.01").
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../infra/stack/address';
import * as mosquitto from '../../infra/stack/mosquitto';
import * as nats from '../../infra/stack/nats';
import type { StartedServer } from '../../infra/stack/server';
import { runLoad } from './harness';
import { printResult } from './print';
import { openFileLimit } from './proc-stats';

function envNumber(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    console.error(`bench:load: ${name}="${raw}" must be a number within ${min}..${max}`);
    process.exit(2);
  }
  return value;
}

const devices = envNumber('FLEET_BENCH_DEVICES', 20_000, 4, 200_000);
const seconds = envNumber('FLEET_BENCH_SECONDS', 300, 10, 86_400);
const rate = envNumber('FLEET_BENCH_RATE', 12, 0.01, 1000);
const baseDir = mkdtempSync(join(tmpdir(), 'fleettwin-bench-load-'));
chmodSync(baseDir, 0o755); // Mosquitto runs as its own account under root.
const servers: StartedServer[] = [];
let exitCode = 1;
try {
  console.log(`bench:load — servers and logs in ${baseDir}`);
  servers.push(await nats.start({ port: await freePort(), dataDir: join(baseDir, 'nats') }));
  servers.push(await mosquitto.start({ port: await freePort(), dataDir: join(baseDir, 'mosquitto') }));
  const [natsServer, mqttServer] = servers as [StartedServer, StartedServer];
  console.log(`NATS ${natsServer.address}, Mosquitto ${mqttServer.address}`);
  const ingressReplicas = envNumber('FLEET_BENCH_INGRESS', 2, 1, 16);
  const ingressConnections = envNumber('FLEET_BENCH_INGRESS_CONNECTIONS', 32, 1, 64);
  const broker = brokerCapacity(mqttServer.process.pid, devices + ingressReplicas * ingressConnections);
  if (broker) console.log(broker.note);
  const result = await runLoad({
    natsUrl: natsServer.address,
    mqttUrl: mqttServer.address,
    partitions: 64,
    devices,
    seconds,
    warmupS: 15,
    rate,
    firstVehicle: 1,
    seed: 'bench-load',
    ingressReplicas,
    ingressConnections,
    twinHosts: envNumber('FLEET_BENCH_HOSTS', 2, 1, 16),
    simProcesses: envNumber('FLEET_BENCH_SIM_PROCESSES', 2, 1, 16),
    connectRate: envNumber('FLEET_BENCH_CONNECT_RATE', 1000, 10, 100_000),
    simArgs: (process.env.FLEET_BENCH_SIM_ARGS ?? '').split(/\s+/).filter(Boolean),
    workDir: baseDir,
    servers: servers.map((s) => ({ name: s.server === 'NATS' ? 'nats-server' : 'mosquitto', pid: s.process.pid })),
    log: (line) => console.log(line),
  });
  exitCode = printResult(result, { devices: 20_000, offeredMsgsPerSec: 10_000, appliedMsgsPerSec: 10_000, lost: 0, duplicatesApplied: 0, p99Ms: 1000 });
  if (broker && result.devicesConnected < devices) console.log(`  devices that could not connect: ${broker.note.trim()}`);
} catch (err) {
  console.error(`bench:load failed: ${(err as Error).stack ?? String(err)}`);
} finally {
  await Promise.allSettled(servers.map((s) => s.stop()));
  if (exitCode === 0) rmSync(baseDir, { recursive: true, force: true });
}
process.exit(exitCode);

/**
 * Every MQTT connection is an open file of the broker's: a broker whose open-file limit is below
 * the connections the run needs cannot connect the whole fleet, however long it waits. Said
 * before the run, not guessed after it.
 */
function brokerCapacity(pid: number, connections: number): { note: string } | null {
  const limit = openFileLimit(pid);
  // Listener sockets, log, persistence file and the like.
  const spare = 16;
  if (limit === null || limit - spare >= connections) return null;
  return {
    note: `note: Mosquitto's open-file limit here is ${limit} (ulimit -n), so it holds at most ~${limit - spare} connections and this run needs ${connections}; raise the limit (ulimit -n 65536, within ulimit -Hn; LimitNOFILE= for a systemd service) to connect them all`,
  };
}
