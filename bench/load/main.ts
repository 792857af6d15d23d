/**
 * `npm run bench:load`: the whole data path at fleet scale on this machine. Private NATS and
 * Mosquitto (infra/stack), twin hosts and ingress replicas as `fleet` child processes, and
 * `fleet sim` with 20,000 devices, each its own MQTT connection, measured for 5 minutes after all
 * are connected. Loss is the simulator's own account of QoS 1 acknowledgements against what
 * every device twin says it applied.
 *
 * Environment (all optional): FLEET_BENCH_DEVICES (20000), FLEET_BENCH_SECONDS (300),
 * FLEET_BENCH_OFFERED (msgs/s the devices are to send in all in the window's slowest half minute,
 * 10,100: the target and a little),
 * FLEET_BENCH_RATE (device sampling speed-up; default: what gives FLEET_BENCH_OFFERED), FLEET_BENCH_INGRESS (replicas, 1),
 * FLEET_BENCH_INGRESS_CONNECTIONS (per replica, 32), FLEET_BENCH_HOSTS (twin hosts, 2),
 * FLEET_BENCH_SIM_PROCESSES (2), FLEET_BENCH_CONNECT_RATE (connections/s, 1000), FLEET_BENCH_BROKERS
 * (Mosquitto processes; default: as many as the open-file limit needs for the devices),
 * FLEET_BENCH_SIM_ARGS (more `fleet sim` flags, e.g. "--duplicate-rate 0.01").
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../infra/stack/address';
import * as nats from '../../infra/stack/nats';
import type { StartedServer } from '../../infra/stack/server';
import { startBrokers } from '../shared/brokers';
import { envNumber as envNumberOf } from '../shared/env-number';
import { DEVICES_PER_VEHICLE, runLoad } from './harness';
import { rateForOffered } from './offered-rate';
import { printResult } from './print';

const envNumber = (name: string, fallback: number, min: number, max: number) => envNumberOf('load', name, fallback, min, max);

const devices = envNumber('FLEET_BENCH_DEVICES', 20_000, 4, 200_000);
const seconds = envNumber('FLEET_BENCH_SECONDS', 300, 10, 86_400);
const connectRate = envNumber('FLEET_BENCH_CONNECT_RATE', 1000, 10, 100_000);
const SEED = 'bench-load';
const offeredTarget = envNumber('FLEET_BENCH_OFFERED', 10_100, 1, 1_000_000);
const warmupS = 15;
// A shift's first minutes are its busiest (0.40 readings per device-second at 1 minute, 0.25-0.27
// from 7 minutes on), and vans that all set off together keep in step for a while (the fleet's
// pace then drifts by 10 % over a few minutes). Shifts that start over half an hour, and a
// simulator that starts 7 minutes after the last of them, give a fleet that offers a steady load.
const shiftStartWithinS = 1800;
const onShiftForS = shiftStartWithinS + 420;
// The window may open up to this much later, when the simulator has not caught up with its clock
// yet; past 7 minutes into the shift the fleet's pace changes little over a minute or two, so the
// rate is calibrated for a window opening halfway through this wait.
const maxCatchUpS = 90;
// How often devices report depends on what the vans are doing, so the sampling speed-up that
// gives the offered rate comes from a dry run of the same fleet over the same window.
const calibrated = process.env.FLEET_BENCH_RATE
  ? undefined
  : rateForOffered({
      offeredPerS: offeredTarget,
      vehicles: Math.ceil(devices / DEVICES_PER_VEHICLE),
      devicesPerVehicle: DEVICES_PER_VEHICLE,
      firstVehicle: 1,
      seed: SEED,
      shiftStartWithinS,
      onShiftForS,
      windowStartS: devices / connectRate + warmupS + maxCatchUpS / 2,
      windowS: seconds,
    });
const rate = calibrated ? calibrated.rate : envNumber('FLEET_BENCH_RATE', 1, 0.01, 1000);
// Each partition is a JetStream consumer, and nats-server pays for every consumer on every
// stored message (docs/operations.md): 16 partitions suit a deployment of 2 twin hosts.
const partitions = envNumber('FLEET_BENCH_PARTITIONS', 16, 1, 4096);
const baseDir = mkdtempSync(join(tmpdir(), 'fleettwin-bench-load-'));
chmodSync(baseDir, 0o755); // Mosquitto runs as its own account under root.
const servers: StartedServer[] = [];
let exitCode = 1;
try {
  console.log(`bench:load — servers and logs in ${baseDir}`);
  if (calibrated) console.log(`rate ×${rate} for ${offeredTarget} readings/s in the slowest half minute: a dry run of the fleet sends ${calibrated.perDeviceSAtRate1.toFixed(3)} per device-second at ×1 then`);
  servers.push(await nats.start({ port: await freePort(), dataDir: join(baseDir, 'nats') }));
  const natsServer = servers[0]!;
  // One replica on 2 cores: it carries 10,000 readings/s on under half a core, and a second one
  // halves every batch (a partition's readings are split between them), which cost NATS, the
  // twin hosts and the ingress ~15 % more CPU a reading in all (docs/benchmarks.md).
  const ingressReplicas = envNumber('FLEET_BENCH_INGRESS', 1, 1, 16);
  const ingressConnections = envNumber('FLEET_BENCH_INGRESS_CONNECTIONS', 32, 1, 64);
  const wantedBrokers = process.env.FLEET_BENCH_BROKERS ? envNumber('FLEET_BENCH_BROKERS', 1, 1, 16) : undefined;
  const brokers = await startBrokers(baseDir, devices, ingressReplicas * ingressConnections, wantedBrokers);
  servers.push(...brokers.servers);
  const mqttUrl = brokers.mqttUrl;
  console.log(`NATS ${natsServer.address}, Mosquitto ${mqttUrl}`);
  if (brokers.note) console.log(brokers.note);
  const result = await runLoad({
    natsUrl: natsServer.address,
    mqttUrl,
    partitions,
    devices,
    seconds,
    warmupS,
    maxCatchUpS,
    rate,
    firstVehicle: 1,
    seed: SEED,
    ingressReplicas,
    // Per broker: the same connections in all, split over the brokers.
    ingressConnections: Math.ceil(ingressConnections / brokers.servers.length),
    twinHosts: envNumber('FLEET_BENCH_HOSTS', 2, 1, 16),
    simProcesses: envNumber('FLEET_BENCH_SIM_PROCESSES', 2, 1, 16),
    connectRate,
    simArgs: (process.env.FLEET_BENCH_SIM_ARGS ?? '').split(/\s+/).filter(Boolean),
    shiftStartWithinS,
    onShiftForS,
    workDir: baseDir,
    servers: servers.map((s, i) => ({ name: s.server === 'NATS' ? 'nats-server' : brokers.servers.length > 1 ? `mosquitto-${i}` : 'mosquitto', pid: s.process.pid })),
    log: (line) => console.log(line),
  });
  exitCode = printResult(result, { devices: 20_000, offeredMsgsPerSec: 10_000, appliedMsgsPerSec: 10_000, lost: 0, duplicatesApplied: 0, p99Ms: 1000 });
  if (brokers.shortfall && result.devicesConnected < devices) console.log(`  devices that could not connect: ${brokers.shortfall}`);
} catch (err) {
  console.error(`bench:load failed: ${(err as Error).stack ?? String(err)}`);
} finally {
  await Promise.allSettled(servers.map((s) => s.stop()));
  if (exitCode === 0) rmSync(baseDir, { recursive: true, force: true });
}
process.exit(exitCode);

