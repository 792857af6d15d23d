import type { LatLon } from './geo';

/**
 * Nearest-item lookups on a uniform grid of ~100 m cells: items are filed under every cell their
 * bounding box touches, and a search grows square rings of cells until no closer item can exist.
 */
export class GridIndex<T> {
  private static readonly CELL_DEG = 0.001;
  private readonly cells = new Map<string, T[]>();
  private minI = Infinity;
  private maxI = -Infinity;
  private minJ = Infinity;
  private maxJ = -Infinity;

  add(item: T, corners: readonly LatLon[]): void {
    const lats = corners.map((c) => this.cell(c.lat));
    const lons = corners.map((c) => this.cell(c.lon));
    const [i0, i1, j0, j1] = [Math.min(...lats), Math.max(...lats), Math.min(...lons), Math.max(...lons)];
    this.minI = Math.min(this.minI, i0);
    this.maxI = Math.max(this.maxI, i1);
    this.minJ = Math.min(this.minJ, j0);
    this.maxJ = Math.max(this.maxJ, j1);
    for (let i = i0; i <= i1; i++) {
      for (let j = j0; j <= j1; j++) {
        const key = this.key(i, j);
        const bucket = this.cells.get(key);
        if (bucket) bucket.push(item);
        else this.cells.set(key, [item]);
      }
    }
  }

  /** The item with the smallest `distanceM(item)` (ties: the first filed), or undefined if empty. */
  nearest(p: LatLon, distanceM: (item: T) => number): { item: T; distanceM: number } | undefined {
    if (this.cells.size === 0) return undefined;
    const ci = this.cell(p.lat);
    const cj = this.cell(p.lon);
    // Past this ring every cell has been seen.
    const lastRing = Math.max(Math.abs(ci - this.minI), Math.abs(ci - this.maxI), Math.abs(cj - this.minJ), Math.abs(cj - this.maxJ));
    // The narrower side of a cell: ring r + 1 is at least r cells of this size away.
    const cellM = GridIndex.CELL_DEG * 111_320 * Math.cos((p.lat * Math.PI) / 180);
    let best: T | undefined;
    let bestM = Infinity;
    const seen = new Set<T>();
    const visit = (i: number, j: number): void => {
      for (const item of this.cells.get(this.key(i, j)) ?? []) {
        if (seen.has(item)) continue;
        seen.add(item);
        const d = distanceM(item);
        if (d < bestM) {
          bestM = d;
          best = item;
        }
      }
    };
    visit(ci, cj);
    for (let r = 1; r <= lastRing; r++) {
      if (best !== undefined && (r - 1) * cellM > bestM) break;
      for (let k = -r; k <= r; k++) {
        visit(ci - r, cj + k);
        visit(ci + r, cj + k);
        if (k !== -r && k !== r) {
          visit(ci + k, cj - r);
          visit(ci + k, cj + r);
        }
      }
    }
    return best === undefined ? undefined : { item: best, distanceM: bestM };
  }

  private cell(deg: number): number {
    return Math.floor(deg / GridIndex.CELL_DEG);
  }

  private key(i: number, j: number): string {
    return `${i}:${j}`;
  }
}
