import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { Supervisor } from './supervisor';
import { isRunning, waitFor } from '../testing/processes';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
let supervisor: Supervisor | undefined;

afterEach(async () => {
  await supervisor?.stopAll();
  supervisor = undefined;
});

describe('supervisor', () => {
  test('a child that exits is restarted with growing backoff, each restart said, its output prefixed with its name', async () => {
    const lines: string[] = [];
    supervisor = new Supervisor({ write: (line) => lines.push(line), backoffMs: 100, maxBackoffMs: 400 });
    supervisor.start({ name: 'crashy', command: process.execPath, args: [fixture('exits-soon.mjs')] });

    await waitFor(() => supervisor!.states()[0]!.restarts >= 3, 10_000);
    const restarts = lines.filter((l) => l.includes('crashy exited (code 3)'));
    expect(restarts.length).toBeGreaterThanOrEqual(3);
    expect(restarts[0]).toContain('restarting in 0.1 s (restart 1)');
    expect(restarts[1]).toContain('restarting in 0.2 s (restart 2)');
    expect(restarts[2]).toContain('restarting in 0.4 s (restart 3)');
    expect(lines.filter((l) => /^crashy\s+\| started \d+$/.test(l)).length).toBeGreaterThanOrEqual(3);
  });

  test('a command that does not exist is reported, not thrown', async () => {
    const lines: string[] = [];
    supervisor = new Supervisor({ write: (line) => lines.push(line), backoffMs: 60_000 });
    expect(() => supervisor!.start({ name: 'ghost', command: '/nonexistent/fleet-ghost', args: [] })).not.toThrow();
    await waitFor(() => lines.some((l) => l.includes('ghost could not be started')), 5_000);
  });

  test('SIGTERM stops every child and grandchild, a child ignoring SIGTERM by SIGKILL after the grace period, and none is restarted', async () => {
    const host = spawn(process.execPath, ['--import', 'tsx', fixture('supervise.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
    const output: string[] = [];
    createInterface({ input: host.stdout! }).on('line', (line) => output.push(line));
    const exited = new Promise<number | null>((resolve) => host.once('exit', resolve));

    // The stubborn child reports its own pid and its child's; the crashy one has restarted at least once.
    await waitFor(() => output.some((l) => / pids \d+ \d+$/.test(l)) && output.some((l) => l.includes('restarting in')), 15_000);
    const pids = output.find((l) => / pids \d+ \d+$/.test(l))!.split(' ').slice(-2).map(Number);
    expect(pids.every(isRunning)).toBe(true);

    host.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('all stopped');
    expect(output.some((l) => l.includes('stubborn did not stop within 0.5 s; killing it'))).toBe(true);
    for (const pid of pids) expect(isRunning(pid), `pid ${pid} still running`).toBe(false);
    const startsAfterStop = output.slice(output.indexOf('all stopped')).filter((l) => l.includes('started'));
    expect(startsAfterStop).toEqual([]);
  });
});
