import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { StackError } from './errors';

export interface ServerProcessOptions {
  /** Who it is in messages: "NATS", "PostgreSQL"... */
  name: string;
  command: string;
  args: string[];
  /** stdout and stderr go here, so a failed start can show why and a person can read it later. */
  logFile: string;
  env?: NodeJS.ProcessEnv;
  /** Run as this account instead of ours (PostgreSQL refuses root). */
  account?: { uid: number; gid: number };
  /** The signal that stops it cleanly and quickly (PostgreSQL: SIGINT, its "fast" shutdown). */
  stopSignal?: NodeJS.Signals;
}

export interface ServerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Why it could not be started at all (spawn error). */
  error?: string;
}

export interface ServerProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Resolves when the process has exited, however that happened. */
  readonly exited: Promise<ServerExit>;
  hasExited(): boolean;
  /** Stops the process and everything it spawned: stopSignal, then SIGKILL after graceMs. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts a server as a child in a process group of its own: a Ctrl-C in the terminal reaches
 * only the supervisor, which stops the platform processes before the servers they use.
 */
export function spawnServer(options: ServerProcessOptions): ServerProcess {
  const log = openSync(options.logFile, 'a');
  let child;
  try {
    child = spawn(options.command, options.args, {
      detached: true,
      stdio: ['ignore', log, log],
      env: options.env ?? process.env,
      ...(options.account ?? {}),
    });
  } finally {
    closeSync(log);
  }
  const pid = child.pid ?? -1;
  // Should our process end without stopping it (a crash, an exit during start-up), it stops too.
  const stopWithUs = () => signalGroup(pid, options.stopSignal ?? 'SIGTERM');
  if (pid > 0) process.on('exit', stopWithUs);
  let done = false;
  const exited = new Promise<ServerExit>((resolve) => {
    const finish = (result: ServerExit) => {
      done = true;
      process.off('exit', stopWithUs);
      resolve(result);
    };
    child.once('exit', (code, signal) => finish({ code, signal }));
    child.once('error', (err) => finish({ code: null, signal: null, error: err.message }));
  });
  return {
    name: options.name,
    pid,
    logFile: options.logFile,
    exited,
    hasExited: () => done,
    async stop(graceMs = 10_000) {
      if (pid < 0) return;
      signalGroup(pid, options.stopSignal ?? 'SIGTERM');
      if (!(await groupGoneWithin(pid, graceMs))) {
        signalGroup(pid, 'SIGKILL');
        await groupGoneWithin(pid, 5_000);
      }
      await exited;
    },
  };
}

/**
 * Waits until `ready()` says the server serves; a server that exits first, or is not ready in
 * time, is a StackError quoting the end of its log.
 */
export async function waitUntilReady(server: ServerProcess, ready: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.hasExited()) {
      const { code, signal, error } = await server.exited;
      if (error) throw new StackError(`${server.name} could not be started: ${error}`);
      throw new StackError(`${server.name} exited (${signal ?? `code ${code}`}) before it was ready.${logTail(server.logFile)}`);
    }
    if (await ready()) return;
    await sleep(200);
  }
  await server.stop();
  throw new StackError(`${server.name} was not ready after ${Math.round(timeoutMs / 1000)} s.${logTail(server.logFile)}`);
}

/** The last lines of a server's log, for an error message. */
export function logTail(file: string, lines = 15): string {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return '';
  }
  const tail = text.trimEnd().split('\n').slice(-lines).join('\n    ');
  return tail ? `\n  last lines of ${file}:\n    ${tail}` : '';
}

/** Signals the whole process group; a group that is already gone is fine. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/** True once no process of the group is left (signal 0 probes without signalling). */
export async function groupGoneWithin(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      process.kill(-pgid, 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') return true;
      throw err;
    }
    if (Date.now() >= deadline) return false;
    await sleep(50);
  }
}
