/** The road basemap as the browser gets it from GET /api/basemap: small, drawn by deck.gl. */
export const roadKinds = ['foot', 'minor', 'secondary', 'major'] as const;
export type RoadKind = (typeof roadKinds)[number];

export interface Road {
  kind: RoadKind;
  name?: string;
  /** [lon, lat] pairs. */
  path: Array<[number, number]>;
}

export interface Basemap {
  /** The data's licence line, shown on the map. */
  attribution: string;
  /** [west, south, east, north] of all roads. */
  bounds: [number, number, number, number];
  /** Drawing order: footpaths first, major roads last (on top). */
  roads: Road[];
}
