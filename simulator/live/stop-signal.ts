/**
 * Resolves at the end of the duration, on the first SIGINT/SIGTERM, or when `alsoOn` resolves
 * (a parent asked a worker to stop); a second signal exits at once.
 */
export function untilStopRequested(durationS: number | undefined, alsoOn?: Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    const timer = durationS ? setTimeout(done, durationS * 1000) : undefined;
    let finished = false;
    function done(): void {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      process.once('SIGINT', () => process.exit(130));
      process.once('SIGTERM', () => process.exit(143));
      resolve();
    }
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
    void alsoOn?.then(done);
  });
}
