import type { FleetStore } from '../../lib/fleet-store';
import { healthRank } from '../../lib/fleet-wire';

/** Vehicles whose positions fall in one square of this many screen pixels share one dot (a dot is ~11 px across). */
export const CELL_PX = 3;
/** Vehicles this far outside the viewport still get dots, so a vehicle gliding in does not pop up at the edge. */
const MARGIN_PX = 32;
/** deck.gl's world is 512 pixels wide at zoom 0. */
const WORLD_PX = 512;

export interface DotCamera {
  longitude: number;
  latitude: number;
  zoom: number;
  width: number;
  height: number;
}

/**
 * The vehicles worth a dot at this camera, packed for the GPU. Without a GPU (chromium's
 * SwiftShader) every dot costs a vertex and ~100 fragments on the CPU, and at the fitted zoom
 * thousands of the 20,000 sit on the same few pixels, each drawn over the last. So a dot is drawn
 * only for vehicles the filter shows, inside the viewport (plus a margin), and one per CELL_PX
 * square: the most severe health there, else the one drawn last (the one on top anyway). Zooming
 * in spreads them out again; the selected vehicle is always drawn. Counts and the legend come
 * from the store, not from here.
 */
export class DrawnVehicles {
  count = 0;
  /** Store slot of each drawn dot: picking reports dot indexes. */
  slots = new Uint32Array(0);
  glideFrom = new Float32Array(0);
  glideTo = new Float32Array(0);
  fillColors = new Uint8Array(0);
  lineColors = new Uint8Array(0);
  /** The longest glide among the drawn dots, in screen pixels: frames that move nothing by half a pixel need no redraw. */
  maxGlidePx = 0;
  private cells = new Int32Array(0);
  private winner = new Uint8Array(0);
  private packedFor: DotCamera | null = null;

  /**
   * Whether the dots packed last still serve `camera`: cells are fixed in the world, so a pan at
   * the same zoom changes only which vehicles are near the edges, and the margin covers a short
   * one. A drag then uploads nothing new each frame.
   */
  fits(camera: DotCamera): boolean {
    const last = this.packedFor;
    if (!last || last.zoom !== camera.zoom || last.width !== camera.width || last.height !== camera.height) return false;
    const scale = (WORLD_PX * 2 ** camera.zoom) / 360;
    const dx = (camera.longitude - last.longitude) * scale;
    const dy = (mercatorY(camera.latitude) - mercatorY(last.latitude)) * ((WORLD_PX * 2 ** camera.zoom) / (2 * Math.PI));
    return Math.hypot(dx, dy) < MARGIN_PX / 2;
  }

  /** Packs the dots for `camera`. `shown` is the filter's mask (1 shown) over the store's slots. */
  update(store: FleetStore, shown: Float32Array, camera: DotCamera, keep: number | undefined): void {
    this.packedFor = { ...camera };
    const n = store.count;
    const scale = (WORLD_PX * 2 ** camera.zoom) / 360;
    const yScale = (WORLD_PX * 2 ** camera.zoom) / (2 * Math.PI);
    const cols = Math.ceil((camera.width + 2 * MARGIN_PX) / CELL_PX) + 1;
    const rows = Math.ceil((camera.height + 2 * MARGIN_PX) / CELL_PX) + 1;
    if (this.cells.length < cols * rows) this.cells = new Int32Array(cols * rows);
    this.cells.fill(-1, 0, cols * rows);
    if (this.winner.length < n) this.winner = new Uint8Array(Math.max(n, 2 * this.winner.length));
    this.winner.fill(0, 0, n);

    // Cells are fixed in the world (at this zoom), not on the screen: panning never changes which
    // vehicle of a crowded cell gets the dot.
    const col0 = Math.floor(((camera.longitude + 180) * scale - camera.width / 2 - MARGIN_PX) / CELL_PX);
    const row0 = Math.floor(((Math.PI - mercatorY(camera.latitude)) * yScale - camera.height / 2 - MARGIN_PX) / CELL_PX);
    const { glideTo, states, origin } = store;
    for (let i = 0; i < n; i++) {
      if (shown[i]! < 0.5) continue;
      const col = Math.floor(((glideTo[2 * i]! + origin[0] + 180) * scale) / CELL_PX) - col0;
      const row = Math.floor(((Math.PI - mercatorY(glideTo[2 * i + 1]! + origin[1])) * yScale) / CELL_PX) - row0;
      if (col < 0 || row < 0 || col >= cols || row >= rows) continue;
      const cell = row * cols + col;
      const there = this.cells[cell]!;
      if (there < 0 || healthRank(states[i]!) >= healthRank(states[there]!)) this.cells[cell] = i;
    }
    for (let c = 0; c < cols * rows; c++) {
      const i = this.cells[c]!;
      if (i >= 0) this.winner[i] = 1;
    }
    if (keep !== undefined && keep < n) this.winner[keep] = 1;
    // Latitude as a linear scale is exact enough to measure a glide of a few metres.
    this.pack(store, scale, (yScale * Math.PI) / 180 / Math.cos((camera.latitude * Math.PI) / 180));
  }

  /** Copies the winners, in slot order (the order they are drawn in), into the dot arrays. */
  private pack(store: FleetStore, lonScale: number, latScale: number): void {
    const n = store.count;
    let drawn = 0;
    for (let i = 0; i < n; i++) drawn += this.winner[i]!;
    if (this.slots.length < drawn) this.grow(Math.max(drawn, 2 * this.slots.length));
    let d = 0;
    let maxGlide = 0;
    for (let i = 0; i < n; i++) {
      if (!this.winner[i]) continue;
      this.slots[d] = i;
      for (let k = 0; k < 2; k++) {
        this.glideFrom[2 * d + k] = store.glideFrom[2 * i + k]!;
        this.glideTo[2 * d + k] = store.glideTo[2 * i + k]!;
      }
      for (let k = 0; k < 4; k++) {
        this.fillColors[4 * d + k] = store.fillColors[4 * i + k]!;
        this.lineColors[4 * d + k] = store.lineColors[4 * i + k]!;
      }
      const dx = (store.glideTo[2 * i]! - store.glideFrom[2 * i]!) * lonScale;
      const dy = (store.glideTo[2 * i + 1]! - store.glideFrom[2 * i + 1]!) * latScale;
      maxGlide = Math.max(maxGlide, Math.hypot(dx, dy));
      d++;
    }
    this.count = drawn;
    this.maxGlidePx = maxGlide;
  }

  private grow(capacity: number): void {
    this.slots = new Uint32Array(capacity);
    this.glideFrom = new Float32Array(2 * capacity);
    this.glideTo = new Float32Array(2 * capacity);
    this.fillColors = new Uint8Array(4 * capacity);
    this.lineColors = new Uint8Array(4 * capacity);
  }
}

/** Web Mercator's y of a latitude, in radians of the projection (north is larger). */
function mercatorY(latitude: number): number {
  return Math.log(Math.tan(Math.PI / 4 + (latitude * Math.PI) / 360));
}
