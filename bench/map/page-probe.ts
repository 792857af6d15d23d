import type { Page } from 'playwright-core';

export interface FrameCount {
  frames: number;
  elapsedMs: number;
  worstMs: number;
  fps: number;
}

/**
 * Counts the page's animation frames for `ms`: what the user sees, whatever deck.gl thinks.
 * A string, not a function: tsx would wrap a function with helpers the page does not have.
 */
export async function countFrames(page: Page, ms: number): Promise<FrameCount> {
  const counted = (await page.evaluate(`new Promise((resolve) => {
    let frames = 0, worstMs = 0, last = 0;
    const start = performance.now();
    const step = (now) => {
      if (last) worstMs = Math.max(worstMs, now - last);
      last = now;
      frames++;
      if (now - start < ${ms}) requestAnimationFrame(step);
      else resolve({ frames, elapsedMs: now - start, worstMs });
    };
    requestAnimationFrame(step);
  })`)) as Omit<FrameCount, 'fps'>;
  return { ...counted, fps: Math.round((counted.frames / counted.elapsedMs) * 10_000) / 10 };
}

/** Drags the map in circles with the mouse for `ms`, counting frames meanwhile. */
export async function panAround(page: Page, ms: number): Promise<FrameCount> {
  const box = await page.getByTestId('fleet-map').boundingBox();
  if (!box) throw new Error('the map has no box to drag');
  const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
  const counting = countFrames(page, ms);
  await page.mouse.move(x, y);
  await page.mouse.down();
  const until = Date.now() + ms;
  for (let step = 0; Date.now() < until; step++) {
    await page.mouse.move(x + 120 * Math.sin(step / 15), y + 80 * (1 - Math.cos(step / 15)));
  }
  await page.mouse.up();
  return counting;
}

/** deck.gl's own per-second metrics, which the map writes on its element (FleetMap _onMetrics). */
export async function deckMetrics(page: Page): Promise<Record<string, string>> {
  return (await page.evaluate(`({ ...document.querySelector('[data-testid="fleet-map"]')?.dataset })`)) as Record<string, string>;
}

/** Bytes the page received on GET /api/fleet/stream, counted by chromium (DevTools protocol). */
export async function watchStreamBytes(page: Page): Promise<() => number> {
  const cdp = await page.context().newCDPSession(page);
  const streams = new Set<string>();
  let bytes = 0;
  cdp.on('Network.requestWillBeSent', (event) => {
    if (event.request.url.includes('/api/fleet/stream')) streams.add(event.requestId);
  });
  cdp.on('Network.dataReceived', (event) => {
    if (streams.has(event.requestId)) bytes += event.dataLength;
  });
  await cdp.send('Network.enable');
  return () => bytes;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

/** The page's main-thread JavaScript for `ms` (DevTools CPU profile): the functions that took the most time themselves. */
export async function hottestFunctions(page: Page, ms: number, top = 12): Promise<Array<{ fn: string; ms: number }>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.start');
  await page.waitForTimeout(ms);
  const { profile } = await cdp.send('Profiler.stop');
  await cdp.detach();
  const nodes = new Map((profile.nodes as ProfileNode[]).map((n) => [n.id, n]));
  const self = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let k = 0; k < samples.length; k++) {
    const frame = nodes.get(samples[k]!)?.callFrame;
    const name = frame ? `${frame.functionName || '(anonymous)'} ${frame.url.split('/').pop() ?? ''}:${frame.lineNumber}` : '?';
    self.set(name, (self.get(name) ?? 0) + (deltas[k] ?? 0) / 1000);
  }
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([fn, t]) => ({ fn, ms: Math.round(t) }));
}
