import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { groupGoneWithin, signalGroup } from './server-process';

export interface ChildSpec {
  /** Its name in the output prefix and in messages. */
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
}

export interface SupervisorOptions {
  /** Where every line goes: the children's (already prefixed) and the supervisor's own. */
  write?: (line: string) => void;
  /** Turns one output line of a child into what is printed after its prefix (e.g. pretty pino JSON). */
  formatLine?: (line: string) => string;
  /** SIGTERM, then SIGKILL after this long. */
  graceMs?: number;
  /** First restart delay, doubled after each crash up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** A child that ran this long before crashing starts again from the first delay. */
  stableAfterMs?: number;
}

export interface ChildState {
  name: string;
  pid: number | undefined;
  running: boolean;
  restarts: number;
  startedAt: number;
}

interface Supervised {
  spec: ChildSpec;
  process?: ChildProcess;
  exited?: Promise<void>;
  restarts: number;
  nextDelayMs: number;
  startedAt: number;
  restartTimer?: NodeJS.Timeout;
}

/**
 * Runs the platform processes: each in a process group of its own (so a child's own children —
 * Next.js, say — stop with it), its output prefixed with its name, restarted with backoff when it
 * exits, all stopped together by stopAll().
 */
export class Supervisor {
  private readonly children: Supervised[] = [];
  private stopping = false;
  private readonly write: (line: string) => void;
  private readonly width: () => number;

  /** Should our process end without stopAll() (a crash), the children are told to stop too. */
  private readonly stopWithUs = () => {
    for (const child of this.children) if (child.process?.pid !== undefined) signalGroup(child.process.pid, 'SIGTERM');
  };

  constructor(private readonly options: SupervisorOptions = {}) {
    this.write = options.write ?? ((line) => process.stdout.write(`${line}\n`));
    this.width = () => Math.max(8, ...this.children.map((c) => c.spec.name.length));
    process.on('exit', this.stopWithUs);
  }

  start(spec: ChildSpec): void {
    if (this.stopping) throw new Error('the supervisor is stopping');
    const child: Supervised = { spec, restarts: 0, nextDelayMs: this.options.backoffMs ?? 1000, startedAt: 0 };
    this.children.push(child);
    this.launch(child);
  }

  states(): ChildState[] {
    return this.children.map((c) => ({
      name: c.spec.name,
      pid: c.process?.pid,
      running: c.process !== undefined && c.process.exitCode === null && c.process.signalCode === null,
      restarts: c.restarts,
      startedAt: c.startedAt,
    }));
  }

  /** Says something as the supervisor, in the same stream as the children. */
  say(text: string): void {
    this.write(`${'fleet'.padEnd(this.width())} | ${text}`);
  }

  /** SIGTERM to every child's group, SIGKILL to what is left after the grace period; no restarts after this. */
  async stopAll(): Promise<void> {
    this.stopping = true;
    const graceMs = this.options.graceMs ?? 10_000;
    for (const child of this.children) clearTimeout(child.restartTimer);
    const running = this.children.filter((c) => c.process?.pid !== undefined);
    for (const child of running) signalGroup(child.process!.pid!, 'SIGTERM');
    await Promise.all(
      running.map(async (child) => {
        const pid = child.process!.pid!;
        if (!(await groupGoneWithin(pid, graceMs))) {
          this.say(`${child.spec.name} did not stop within ${graceMs / 1000} s; killing it`);
          signalGroup(pid, 'SIGKILL');
          await groupGoneWithin(pid, 5_000);
        }
        await child.exited;
      }),
    );
    process.off('exit', this.stopWithUs);
  }

  private launch(child: Supervised): void {
    const { spec } = child;
    const proc = spawn(spec.command, spec.args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: spec.env ?? process.env });
    child.process = proc;
    child.startedAt = Date.now();
    const prefix = `${spec.name.padEnd(this.width())} | `;
    const format = this.options.formatLine ?? ((line: string) => line);
    const pipes = [proc.stdout, proc.stderr].map(
      (stream) =>
        new Promise<void>((resolve) => {
          const lines = createInterface({ input: stream });
          lines.on('line', (line) => {
            for (const part of format(line).split('\n')) this.write(prefix + part);
          });
          lines.once('close', resolve);
        }),
    );
    child.exited = new Promise<void>((resolve) => {
      proc.once('error', (err) => {
        this.say(`${spec.name} could not be started: ${err.message}`);
        resolve();
      });
      // 'close' comes after the output is read to the end, so a crash's last words are printed first.
      proc.once('close', (code, signal) => {
        void Promise.all(pipes).then(() => {
          resolve();
          this.exitedOnItsOwn(child, code, signal);
        });
      });
    });
  }

  private exitedOnItsOwn(child: Supervised, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.stopping) return;
    const { name } = child.spec;
    // What the child left behind in its group (a dev server it spawned) would hold its port.
    if (child.process?.pid !== undefined) signalGroup(child.process.pid, 'SIGKILL');
    const ranMs = Date.now() - child.startedAt;
    if (ranMs >= (this.options.stableAfterMs ?? 30_000)) child.nextDelayMs = this.options.backoffMs ?? 1000;
    const delay = child.nextDelayMs;
    child.nextDelayMs = Math.min(delay * 2, this.options.maxBackoffMs ?? 30_000);
    child.restarts++;
    this.say(`${name} exited (${signal ?? `code ${code}`}) after ${formatDuration(ranMs)}; restarting in ${formatDuration(delay)} (restart ${child.restarts})`);
    child.restartTimer = setTimeout(() => {
      if (!this.stopping) this.launch(child);
    }, delay);
  }
}

function formatDuration(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}
