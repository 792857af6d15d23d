import type { DeviceMessage } from '../devices/device';
import type { Simulation } from '../simulation';

/**
 * Drives a simulation on the wall clock: every tick the world is advanced towards "now" and the
 * due readings are handed over. The simulation itself never sees the real clock; only this edge
 * does. A tick advances the world by at most `maxStepMs`: a process that falls behind (a big
 * fleet on a busy machine) catches up in slices with its network I/O in between, instead of in
 * one ever longer blocking step during which no connection is made and no acknowledgement read.
 */
export function runRealtime(
  sim: Simulation,
  emit: (message: DeviceMessage) => void,
  options: { tickMs?: number; maxStepMs?: number; now?: () => number } = {},
): { stop(): void } {
  const now = options.now ?? Date.now;
  const tickMs = options.tickMs ?? 50;
  const maxStepMs = options.maxStepMs ?? 1000;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = (): void => {
    if (stopped) return;
    const started = now();
    sim.advanceTo(Math.min(started, sim.timeMs + maxStepMs), emit);
    // Next tick on the grid; behind the wall clock, at once (after the I/O that waited).
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
