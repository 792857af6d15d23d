/**
 * Opens connections at a steady rate so that a big fleet does not storm the broker: `open(i)` is
 * called for 0, 1, 2, ... at `perSecond`, in small batches on a timer.
 */
export function openGradually(count: number, perSecond: number, open: (index: number) => void, onDone?: () => void): { stop(): void } {
  const started = performance.now();
  let next = 0;
  const tick = (): void => {
    const allowed = Math.min(count, Math.floor(((performance.now() - started) / 1000) * perSecond) + 1);
    while (next < allowed) open(next++);
    if (next >= count) {
      clearInterval(timer);
      onDone?.();
    }
  };
  const timer = setInterval(tick, Math.max(5, Math.min(100, 1000 / perSecond)));
  tick();
  return { stop: () => clearInterval(timer) };
}
