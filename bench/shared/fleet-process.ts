import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { fleetArgs } from '../../infra/cli/fleet-command';
import { descendantsOf } from '../../infra/testing/processes';

/** A `fleet` subcommand run as a child process, its output in a log file. */
export interface FleetProcess {
  name: string;
  pid: number;
  child: ChildProcess;
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after graceMs. */
  stop(graceMs?: number): Promise<number | null>;
}

export function startFleet(name: string, args: string[], options: { env: NodeJS.ProcessEnv; logFile: string; onStdoutLine?: (line: string) => void }): FleetProcess {
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const child = spawn(process.execPath, fleetArgs(args), { env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let pending = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    log.write(chunk);
    if (!options.onStdoutLine) return;
    pending += chunk.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) options.onStdoutLine(line);
  });
  child.stderr!.pipe(log, { end: false });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : null))));
  void exited.then(() => log.end());
  return {
    name,
    pid: child.pid!,
    child,
    exited,
    async stop(graceMs = 20_000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** A running process with its children (the simulator's workers), named for a report. */
export function processTree(p: FleetProcess): Array<{ name: string; pid: number }> {
  if (p.child.exitCode !== null) return [];
  return [{ name: p.name, pid: p.pid }, ...descendantsOf(p.pid).map((pid, i) => ({ name: `${p.name}-worker-${i + 1}`, pid }))];
}
