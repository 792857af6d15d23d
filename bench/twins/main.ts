/**
 * `npm run bench:twins`: how fast and how large the twin runtime is on this machine.
 * - twin logic alone: readings applied per CPU-second by one process on one core (a same-run
 *   baseline: a 4-state XState machine's events per CPU-second);
 * - end to end: one `fleet twin-host` process working off a backlog in a private JetStream;
 * - resident memory of 100,000 vehicle twins with 400,000 device twins;
 * - take-over time after SIGKILL of a host.
 * Environment (optional): FLEET_BENCH_BACKLOG (readings for the end-to-end run, 300000),
 * FLEET_BENCH_MEMORY_VEHICLES (100000), FLEET_BENCH_KEEP=1 (keep the hosts' logs).
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { connectNats, ensureStreams } from '../../twins/bus/connect';
import { freePort } from '../../infra/stack/address';
import * as nats from '../../infra/stack/nats';
import type { StartedServer } from '../../infra/stack/server';
import { fleetReadings } from './fleet-readings';
import { measureEndToEnd, measureTakeover, publishBacklog, type HostRunContext } from './host-runs';
import type { TwinLogicResult } from './twin-logic';

const run = promisify(execFile);
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    console.error(`bench:twins: ${name}="${raw}" must be a positive integer`);
    process.exit(2);
  }
  return value;
}

async function child<T>(flags: string[], script: string, args: string[] = []): Promise<T> {
  const { stdout } = await run(process.execPath, [...flags, '--import', 'tsx', here(script), ...args], { maxBuffer: 1 << 20 });
  const last = stdout.trim().split('\n').pop()!;
  return JSON.parse(last) as T;
}

const targets = { twinEventsPerSec: 100_000, endToEndEventsPerSec: 30_000, bytesPerTwin: (4 * 1024 ** 3) / 500_000, takeoverSeconds: 10 };
const backlog = envInt('FLEET_BENCH_BACKLOG', 300_000);
const memoryVehicles = envInt('FLEET_BENCH_MEMORY_VEHICLES', 100_000);
const line = (name: string, value: string, target: string) => console.log(`${name.padEnd(44)} ${value.padStart(14)}   target ${target}`);

console.log('bench:twins — twin logic (one core), memory, end to end from JetStream, take-over');
const baseline = await child<{ perCpuSecond: number }>(['--single-threaded-gc'], './xstate-baseline.ts');
const logic = await child<TwinLogicResult>(['--single-threaded-gc'], './logic-child.ts');
line('XState baseline: 4-state machine, events/s', Math.round(baseline.perCpuSecond).toLocaleString('en'), '(reference)');
line(`twin logic, readings/s (${logic.twins} vehicles)`, Math.round(logic.perCpuSecond).toLocaleString('en'), `≥ ${targets.twinEventsPerSec.toLocaleString('en')}`);
line('  … as a share of the baseline', `${((logic.perCpuSecond / baseline.perCpuSecond) * 100).toFixed(0)} %`, '');

const memory = await child<{ vehicles: number; devices: number; baselineRss: number; rss: number }>(['--expose-gc'], './memory-child.ts', [String(memoryVehicles)]);
const twinsHeld = memory.vehicles + memory.devices;
const bytesPerTwin = (memory.rss - memory.baselineRss) / twinsHeld;
line(`resident memory, ${memory.vehicles.toLocaleString('en')} vehicle + ${memory.devices.toLocaleString('en')} device twins`, `${(memory.rss / 1024 ** 3).toFixed(2)} GB`, '< 4 GB');
line('  bytes per twin (vehicle or device)', Math.round(bytesPerTwin).toLocaleString('en'), `≤ ${Math.round(targets.bytesPerTwin).toLocaleString('en')}`);

const baseDir = mkdtempSync(join(tmpdir(), 'fleettwin-bench-twins-'));
chmodSync(baseDir, 0o755);
let server: StartedServer | undefined;
let exitCode = 0;
try {
  server = await nats.start({ port: await freePort(), dataDir: join(baseDir, 'nats') });
  const nc = await connectNats(server.address, 'bench-twins');
  await ensureStreams(nc);
  const ctx: HostRunContext = { nc, natsUrl: server.address, partitions: 64, logDir: baseDir, leaseTtlMs: 5000, snapshotEveryMs: 30_000 };
  const copies = Math.max(1, Math.ceil(backlog / 72_000));
  const readings = fleetReadings({ vehicles: 250, copies, seconds: 120, rate: 2 }).slice(0, backlog);
  const stored = await publishBacklog(ctx, readings);
  const e2e = await measureEndToEnd(ctx, stored);
  line(`end to end from JetStream, readings/s (${stored.toLocaleString('en')})`, Math.round(e2e.perSecond).toLocaleString('en'), `≥ ${targets.endToEndEventsPerSec.toLocaleString('en')}`);

  // Live readings during the take-over: each round one more reading from every device of 250 vans.
  const live = fleetReadings({ vehicles: 250, seconds: 60, rate: 1, seed: 'bench-twins-live' });
  let cursor = 0;
  const liveRound = async () => {
    const batch = live.slice(cursor, cursor + 500).map((r) => ({ ...r, vehicleId: `L${r.vehicleId}`, deviceId: `L${r.deviceId}`, receivedAt: Date.now() }));
    cursor = (cursor + 500) % live.length;
    await publishBacklog(ctx, batch);
    await new Promise((r) => setTimeout(r, 50));
  };
  const takeoverSeconds = await measureTakeover(ctx, e2e.host, liveRound);
  line('take-over after SIGKILL, seconds (lease TTL 5 s)', takeoverSeconds.toFixed(1), `< ${targets.takeoverSeconds}`);
  await nc.close();

  const figures = {
    twinEventsPerSec: Math.round(logic.perCpuSecond),
    endToEndEventsPerSec: Math.round(e2e.perSecond),
    bytesPerTwin: Math.round(bytesPerTwin),
    takeoverSeconds: Number(takeoverSeconds.toFixed(2)),
  };
  console.log(JSON.stringify({ bench: 'twins', figures, targets: { ...targets, bytesPerTwin: Math.round(targets.bytesPerTwin) } }));
} catch (err) {
  console.error(`bench:twins failed: ${(err as Error).message} (logs in ${baseDir})`);
  exitCode = 1;
} finally {
  await server?.stop();
  if (exitCode === 0 && !process.env.FLEET_BENCH_KEEP) rmSync(baseDir, { recursive: true, force: true });
  else console.error(`bench:twins: servers' and hosts' logs kept in ${baseDir}`);
}
process.exit(exitCode);
