import { fork, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { FLEET_BIN, nodeFlagsFor } from '../../infra/cli/fleet-command';
import type { Logger } from '../../infra/log/logger';
import { addTotals, emptyTotals, type LiveTotals } from './live-fleet';
import { Progress, type TotalsSource } from './progress';
import { formatReport, isLossless, type SimReport } from './report';
import type { SimRunOptions } from './run';
import { untilStopRequested } from './stop-signal';
import type { ParentMessage, WorkerMessage } from './worker-channel';

/** Splits vehicles first..first+count-1 into n contiguous ranges of nearly equal size. */
export function vehicleSlices(first: number, count: number, n: number): Array<{ firstVehicle: number; vehicles: number }> {
  const slices = [];
  let next = first;
  for (let i = 0; i < n; i++) {
    const vehicles = Math.floor(count / n) + (i < count % n ? 1 : 0);
    if (vehicles > 0) slices.push({ firstVehicle: next, vehicles });
    next += vehicles;
  }
  return slices;
}

interface Worker {
  child: ChildProcess;
  ready: Promise<void>;
  exited: Promise<number | null>;
  totals: LiveTotals;
  report?: SimReport;
}

/**
 * `fleet sim --processes N`: forks N simulator workers (`fleet sim --worker`), each driving a
 * contiguous range of vehicles over its own connections. Once all have built their world they
 * start on one clock, so the fleet is the one a single process would drive. One progress line,
 * one combined report.
 */
export async function runSimProcesses(options: SimRunOptions, log: Logger, onRunning?: (source: TotalsSource) => void): Promise<number> {
  const slices = vehicleSlices(options.firstVehicle, options.vehicles, options.processes);
  const send = (w: Worker, m: ParentMessage) => w.child.connected && w.child.send(m);
  const workers: Worker[] = slices.map((slice) => {
    const child = fork(FLEET_BIN, ['sim', '--worker'], { execArgv: nodeFlagsFor('sim'), stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let onReady!: () => void;
    const worker: Worker = {
      child,
      ready: new Promise((resolve) => (onReady = resolve)),
      exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
      totals: emptyTotals(),
    };
    child.on('message', (m: WorkerMessage) => {
      if (m.type === 'ready') onReady();
      else if (m.type === 'totals') worker.totals = m.totals;
      else worker.report = m.report;
    });
    const workerOptions: SimRunOptions = { ...options, ...slice, processes: 1, connectRate: options.connectRate / slices.length, tty: false };
    delete workerOptions.reportFile;
    delete workerOptions.durationS;
    send(worker, { type: 'start', options: workerOptions });
    return worker;
  });
  const anyExit = Promise.race(workers.map((w) => w.exited));
  const allReady = await Promise.race([Promise.all(workers.map((w) => w.ready)).then(() => true), anyExit.then(() => false)]);
  if (!allReady) {
    log.error('a simulator worker exited while starting');
    for (const w of workers) w.child.kill('SIGTERM');
    return 1;
  }
  const startMs = Date.now();
  for (const w of workers) send(w, { type: 'go', startAt: startMs });
  log.info({ processes: slices.length, slices }, 'simulator workers started');
  const source = { totals: () => workers.reduce((sum, w) => addTotals(sum, w.totals), emptyTotals()) };
  onRunning?.(source);
  const progress = new Progress(source, log, { tty: options.tty, logEveryS: options.progressEveryS ?? 10, ...(options.durationS ? { durationS: options.durationS } : {}) });

  await untilStopRequested(options.durationS, anyExit.then(() => undefined));
  progress.stop();
  for (const w of workers) send(w, { type: 'stop' });
  const codes = await Promise.all(workers.map((w) => w.exited));

  const reports = workers.flatMap((w) => (w.report ? [w.report] : []));
  if (reports.length < workers.length) {
    log.error({ codes }, 'simulator workers ended without a report');
    return 1;
  }
  const durationS = (Date.now() - startMs) / 1000;
  const totals = reports.reduce((sum, r) => addTotals(sum, r.totals), emptyTotals());
  const report: SimReport = {
    ...reports[0]!,
    vehicles: options.vehicles,
    firstVehicle: options.firstVehicle,
    processes: slices.length,
    startedAt: new Date(startMs).toISOString(),
    durationS,
    meanMsgsPerS: totals.sent / durationS,
    peakMsgsPerS: progress.peakMsgsPerS,
    groundTruthEvents: reports.reduce((n, r) => n + r.groundTruthEvents, 0),
    totals,
    devices: reports.flatMap((r) => r.devices),
  };
  process.stdout.write(`${formatReport(report)}\n`);
  if (options.reportFile) await writeFile(options.reportFile, JSON.stringify(report));
  return isLossless(report) && codes.every((c) => c === 0) ? 0 : 1;
}
