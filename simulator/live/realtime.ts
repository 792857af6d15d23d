import type { DeviceMessage } from '../devices/device';
import type { Simulation } from '../simulation';

/**
 * Drives a simulation on the wall clock: every tick the world is advanced to "now" and the due
 * readings are handed over. The simulation itself never sees the real clock; only this edge does.
 */
export function runRealtime(
  sim: Simulation,
  emit: (message: DeviceMessage) => void,
  options: { tickMs?: number; now?: () => number } = {},
): { stop(): void } {
  const now = options.now ?? Date.now;
  const tickMs = options.tickMs ?? 50;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = (): void => {
    if (stopped) return;
    const started = now();
    sim.advanceTo(started, emit);
    // Next tick on the grid, or at once if the world fell behind the wall clock.
    timer = setTimeout(tick, Math.max(0, tickMs - (now() - started)));
  };
  tick();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
