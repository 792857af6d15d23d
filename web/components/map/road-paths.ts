import type { Road, RoadKind } from '../../lib/basemap';

type Rgba = [number, number, number, number];

export const roadStyle: Record<RoadKind, { color: Rgba; widthM: number }> = {
  foot: { color: [36, 48, 63, 255], widthM: 2 },
  minor: { color: [44, 58, 76, 255], widthM: 5 },
  secondary: { color: [61, 78, 100, 255], widthM: 8 },
  major: { color: [82, 102, 128, 255], widthM: 11 },
};

/** Every road in one binary PathLayer table: vertices as float32 offsets from `origin`, styles per vertex. */
export interface RoadPaths {
  length: number;
  startIndices: Uint32Array;
  attributes: {
    getPath: { value: Float32Array; size: 2 };
    getColor: { value: Uint8Array; size: 4 };
    getWidth: { value: Float32Array; size: 1 };
  };
}

export function roadPaths(roads: readonly Road[], origin: readonly [number, number]): RoadPaths {
  const drawn = roads.filter((road) => road.path.length >= 2);
  const vertices = drawn.reduce((n, road) => n + road.path.length, 0);
  const startIndices = new Uint32Array(drawn.length);
  const path = new Float32Array(2 * vertices);
  const color = new Uint8Array(4 * vertices);
  const width = new Float32Array(vertices);
  let v = 0;
  drawn.forEach((road, r) => {
    startIndices[r] = v;
    const style = roadStyle[road.kind];
    for (const [lon, lat] of road.path) {
      path[2 * v] = lon - origin[0];
      path[2 * v + 1] = lat - origin[1];
      color.set(style.color, 4 * v);
      width[v] = style.widthM;
      v++;
    }
  });
  return {
    length: drawn.length,
    startIndices,
    attributes: { getPath: { value: path, size: 2 }, getColor: { value: color, size: 4 }, getWidth: { value: width, size: 1 } },
  };
}
