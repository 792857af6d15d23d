/**
 * `npm run bench:map`: 20,000 moving vehicles on the live map in headless chromium.
 *
 * A private NATS carries the fleet as twin hosts publish it (bench/map/fleet-feed.ts). The web
 * app's production build folds the deltas into its projection and streams them to the browser;
 * chromium (SwiftShader WebGL: no GPU, the machine's loaded cores) draws them. The bench first
 * counts the animation frames of the empty map (roads only) — the same run's baseline, so a
 * loaded machine shows as such — then, after a warm-up, those of the map with every vehicle moving.
 * bytesPerVehicleUpdate is what the stream sent per vehicle update, frame headers included (the
 * web server's own count); chromium's count of the bytes the page received proves it was fed.
 * FLEET_BENCH_MAP_PROFILE=1 adds the page's hottest JavaScript functions (a DevTools CPU profile).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../../infra/stack/address';
import * as nats from '../../infra/stack/nats';
import { connectNats } from '../../twins/bus/connect';
import { CELL_PX } from '../../web/components/map/drawn-vehicles';
import { ensureWebBuild, launchChromium, resultsDir, startWebApp } from '../../web/e2e/platform';
import { startFleetFeed } from './fleet-feed';
import { countFrames, deckMetrics, hottestFunctions, panAround, watchStreamBytes } from './page-probe';

const VEHICLES = 20_000;
const BASELINE_MS = 10_000;
const WARM_UP_MS = 5_000;
const MEASURE_MS = 20_000;
const PAN_MS = 8_000;
const targets = { vehicles: VEHICLES, fps: 30, bytesPerVehicleUpdate: 24 };

interface StreamTotals {
  updateBytes: number;
  vehicleUpdates: number;
}

const load = () => loadavg()[0]!.toFixed(1);

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'fleettwin-bench-map-'));
  const server = await nats.start({ port: await freePort(), dataDir });
  const nc = await connectNats(server.address, 'bench-map');
  console.log('building the web app (skipped when the build is current) ...');
  const build = ensureWebBuild();
  if (build.built) console.log(`  next build took ${(build.ms / 1000).toFixed(0)} s`);
  const { app, baseUrl } = await startWebApp({ FLEET_NATS_URL: server.address });
  const browser = await launchChromium();
  let feed: { stop(): void } | undefined;
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const pageBytes = await watchStreamBytes(page);
    await page.goto(baseUrl, { waitUntil: 'domcontentloaded' });
    const map = page.getByTestId('fleet-map');
    await map.locator('canvas.map-vehicles').waitFor();
    // deck.gl reports metrics after its first second of drawing; the roads are in by then
    await page.waitForFunction(`document.querySelector('[data-testid="fleet-map"]')?.dataset.fps !== undefined`, undefined, { timeout: 60_000 });
    await page.waitForTimeout(2_000);
    const loadBefore = load();
    console.log(`empty map (roads only): counting frames for ${BASELINE_MS / 1000} s ... (load ${loadBefore})`);
    const empty = await countFrames(page, BASELINE_MS);

    feed = startFleetFeed(nc, { vehicles: VEHICLES, hosts: 4, batch: 1_000 });
    const counted = async () => Number(((await page.getByTestId('count-vehicles').locator('.count-value').textContent()) ?? '').replace(/\D/g, ''));
    const deadline = Date.now() + 120_000;
    while ((await counted()) < VEHICLES) {
      if (Date.now() > deadline) throw new Error(`the map shows ${await counted()} of ${VEHICLES} vehicles after 2 minutes`);
      await page.waitForTimeout(1_000);
    }
    await page.waitForTimeout(WARM_UP_MS);
    const health = async () => ((await (await fetch(`${baseUrl}/api/health`)).json()) as { stream: StreamTotals }).stream;
    const before = { server: await health(), page: pageBytes() };
    console.log(`map shows ${await counted()} moving vehicles: counting frames for ${MEASURE_MS / 1000} s ...`);
    const full = await countFrames(page, MEASURE_MS);
    const after = { server: await health(), page: pageBytes() };
    const metrics = await deckMetrics(page);
    const loadAfter = load();
    // FLEET_BENCH_MAP_PROFILE=1: where the page's own JavaScript spends its time, after the count
    const hottest = process.env.FLEET_BENCH_MAP_PROFILE === '1' ? await hottestFunctions(page, 5_000) : [];
    await page.screenshot({ path: path.join(resultsDir, 'bench-map.png') });
    console.log(`dragging the map around for ${PAN_MS / 1000} s: every frame redraws every dot ...`);
    const panning = await panAround(page, PAN_MS);

    const updates = after.server.vehicleUpdates - before.server.vehicleUpdates;
    const received = after.page - before.page;
    if (updates === 0 || received === 0) throw new Error(`the page was not fed while measuring: ${updates} vehicle updates streamed, ${received} bytes received`);
    const fps = full.fps;
    const bytesPerVehicleUpdate = Math.round(((after.server.updateBytes - before.server.updateBytes) / updates) * 100) / 100;
    const vehicles = await counted();
    const seconds = full.elapsedMs / 1000;
    console.log(`machine load (1 min)   ${loadBefore} → ${loadAfter} on 2 cores`);
    console.log(`empty map fps          ${empty.fps}   (baseline: roads only, same run; longest frame ${empty.worstMs.toFixed(0)} ms)`);
    console.log(`vehicles               ${vehicles}   (target ${targets.vehicles})`);
    console.log(`fps                    ${fps}   (target ≥ ${targets.fps}; ${Math.round((100 * fps) / Math.max(empty.fps, 0.1))} % of the empty map; longest frame ${full.worstMs.toFixed(0)} ms)`);
    console.log(`fps while dragging     ${panning.fps}   (target ≥ ${targets.fps}; longest frame ${panning.worstMs.toFixed(0)} ms): the camera moves every frame, so nothing is skipped`);
    console.log(`dots drawn             ${metrics.drawnVehicles} of ${vehicles} (one per ${CELL_PX} px square, in view; web/components/map/drawn-vehicles.ts)`);
    console.log(`deck.gl                redraws/s ${metrics.fps} (only when a dot moves by a pixel), cpu ${metrics.cpuMsPerFrame} ms/frame, gpu ${metrics.gpuMsPerFrame} ms/frame, setProps ${metrics.setPropsMs} ms, attributes ${metrics.updateAttributesMs} ms`);
    for (const { fn, ms } of hottest) console.log(`  js self time 5 s      ${String(ms).padStart(6)} ms  ${fn}`);
    console.log(`stream to the page     ${Math.round(updates / seconds)} vehicle updates/s, ${Math.round(received / seconds / 1024)} KiB/s received`);
    console.log(`bytesPerVehicleUpdate  ${bytesPerVehicleUpdate}   (target ≤ ${targets.bytesPerVehicleUpdate})`);
    // The map must keep its rate while it is dragged too: fpsWhileDragging beside the same target.
    console.log(JSON.stringify({ bench: 'map', figures: { vehicles, fps, bytesPerVehicleUpdate, fpsWhileDragging: panning.fps }, targets: { ...targets, fpsWhileDragging: targets.fps } }));
  } finally {
    feed?.stop();
    await browser.close();
    await app.stop();
    await nc.close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(`bench:map: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
