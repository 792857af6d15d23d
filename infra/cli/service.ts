import type { Logger } from '../log/logger';

export interface RunningService {
  stop(): Promise<void>;
}

/**
 * Runs a long-lived platform process until SIGINT/SIGTERM, then stops it once, gracefully;
 * a second signal or a stop that hangs past the grace period exits at once.
 */
export async function runUntilSignal(log: Logger, start: () => Promise<RunningService>, graceMs = 10_000): Promise<void> {
  const service = await start();
  await new Promise<void>((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) process.exit(130);
      stopping = true;
      log.info({ signal }, 'stopping');
      const force = setTimeout(() => {
        log.error('graceful stop took too long; exiting');
        process.exit(1);
      }, graceMs);
      force.unref();
      service.stop().then(resolve, (err: unknown) => {
        log.error({ err }, 'stop failed');
        resolve();
      });
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
}
