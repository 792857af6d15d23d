import { SeedRun } from '../engine/seed-run';
import type { FromChild, ToChild } from './messages';

/**
 * A child process of the seed pool: runs the seeds it is sent, one at a time, reporting progress
 * as it goes. Started by SeedPool with the parent's TypeScript loader.
 */
const send = (message: FromChild) => process.send!(message);

const parentPid = process.ppid;
/**
 * A seed's run holds the event loop until it is done, so the IPC channel closing when the parent
 * dies (killed, crashed) goes unheard, and a month-long run would burn a core for nobody. Between
 * progress reports the process looks whether it has been handed to another parent instead.
 */
const orphaned = (): boolean => process.ppid !== parentPid;

process.on('message', (message: ToChild) => {
  if (message.type === 'exit') {
    process.disconnect();
    return;
  }
  const { id, scenario, seed } = message.task;
  try {
    const run = new SeedRun(scenario, seed);
    const result = run.run((progress) => {
      if (orphaned()) process.exit(2);
      send({ type: 'progress', id, progress });
    });
    run.stop();
    send({ type: 'result', id, result });
  } catch (err) {
    send({ type: 'error', id, message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  }
});
