import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PARENT = fileURLToPath(new URL('./fixtures/long-run.ts', import.meta.url));

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('what-if seed processes', () => {
  it('a seed process whose parent was killed ends its run instead of going on for nobody', async () => {
    const parent = spawn(process.execPath, ['--import', 'tsx', PARENT], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    const [chunk] = (await once(parent.stdout, 'data')) as [Buffer];
    expect(chunk.toString()).toContain('under way');
    // The parent's children are the seed process and the TypeScript loader's esbuild service.
    const children = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(parent.pid)], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.includes('seed-process'))
      .map((line) => Number(line.trim().split(/\s+/)[0]));
    expect(children).toHaveLength(1);
    const child = children[0]!;
    parent.kill('SIGKILL');
    await once(parent, 'exit');
    const deadline = Date.now() + 20_000;
    while (alive(child) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    const orphanLived = alive(child);
    if (orphanLived) process.kill(child, 'SIGKILL');
    expect(orphanLived).toBe(false);
  }, 60_000);
});
