import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { loadConfig } from '../infra/config/env';
import nextConfig from './next.config';

const webDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(webDir, '..');
const nextBin = createRequire(import.meta.url).resolve('next/dist/bin/next');

interface WebOptions {
  dev?: boolean;
  build?: boolean;
}

export function register(program: Command): void {
  program
    .command('web')
    .description(
      'Run the web app (live fleet map, twin pages, /api) at http://127.0.0.1:$FLEET_WEB_PORT: ' +
        'the production build if there is one (next start), else the dev server (next dev)',
    )
    .option('--dev', 'run the dev server (next dev) even if a production build exists')
    .option('--build', 'make a production build first (next build), then serve it (next start)')
    .action(async (opts: WebOptions) => {
      if (opts.dev && opts.build) {
        throw Object.assign(new Error('web: choose --dev or --build, not both (--build makes and serves a production build)'), {
          name: 'UsageError',
        });
      }
      const port = loadConfig().FLEET_WEB_PORT;
      if (opts.build) {
        const built = await runNext(['build', 'web']);
        if (built !== 0) {
          process.exitCode = built;
          return;
        }
      }
      const hasBuild = existsSync(path.join(webDir, nextConfig.distDir ?? '.next', 'BUILD_ID'));
      const mode = opts.dev || !hasBuild ? 'dev' : 'start';
      console.log(`fleet web: http://127.0.0.1:${port} (next ${mode}${mode === 'dev' && !opts.dev ? ', no production build yet' : ''})`);
      process.exitCode = await runNext([mode, 'web', '--port', String(port), '--hostname', '127.0.0.1']);
    });
}

/** Runs the Next.js CLI from the repository root; Ctrl-C and SIGTERM go to it, its exit code comes back. */
function runNext(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [nextBin, ...args], {
      cwd: repoRoot,
      stdio: 'inherit',
      // No telemetry calls from an offline-first platform unless someone asks for them.
      env: { NEXT_TELEMETRY_DISABLED: '1', ...process.env },
    });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code ?? (signal === 'SIGINT' || signal === 'SIGTERM' ? 0 : 1));
    });
  });
}
