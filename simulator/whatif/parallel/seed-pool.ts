import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { SeedProgress, SeedResult } from '../engine/seed-run';
import type { FromChild, SeedTask, ToChild } from './messages';
import { nodeFlagsFor } from '../../../infra/cli/node-flags';

const CHILD = fileURLToPath(new URL('./seed-process.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Runs seeds in child processes, one per core by default: seeds are independent, so a run of
 * several seeds (or scenarios) keeps every core busy. Each child takes the next task when it is
 * done with one; results come back in task order.
 */
export async function runSeeds(
  tasks: Array<Omit<SeedTask, 'id'>>,
  options: { processes?: number; onProgress?: (taskIndex: number, progress: SeedProgress) => void; signal?: AbortSignal } = {},
): Promise<SeedResult[]> {
  const results: Array<SeedResult | undefined> = new Array(tasks.length);
  const queue = tasks.map((t, id) => ({ ...t, id }));
  const count = Math.max(1, Math.min(options.processes ?? availableParallelism(), tasks.length));
  const children: ChildProcess[] = [];
  try {
    await Promise.all(
      Array.from({ length: count }, () =>
        new Promise<void>((resolve, reject) => {
          // The TypeScript loader is found from the repository root, as bin/fleet.mjs finds it.
          const child = fork(CHILD, [], { cwd: REPO_ROOT, execArgv: ['--import', 'tsx', ...nodeFlagsFor('whatif')], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
          children.push(child);
          options.signal?.addEventListener('abort', () => reject(options.signal!.reason), { once: true });
          const next = (): void => {
            const task = queue.shift();
            if (!task) {
              child.send({ type: 'exit' } satisfies ToChild);
              resolve();
              return;
            }
            child.send({ type: 'run', task } satisfies ToChild);
          };
          child.on('message', (m: FromChild) => {
            if (m.type === 'progress') options.onProgress?.(m.id, m.progress);
            else if (m.type === 'result') {
              results[m.id] = m.result;
              next();
            } else reject(new Error(`seed ${tasks[m.id]?.seed} of ${tasks[m.id]?.scenario.name} failed: ${m.message}`));
          });
          child.on('exit', (code, signal) => {
            if (queue.length > 0 || results.includes(undefined)) {
              if (code !== 0 || signal) reject(new Error(`a what-if process ended (${signal ?? `exit ${code}`}) before its seeds were done`));
            }
          });
          next();
        }),
      ),
    );
  } finally {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill();
  }
  return results as SeedResult[];
}
