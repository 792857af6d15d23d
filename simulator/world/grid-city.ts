import { offsetM, type LatLon } from './geo';
import type { Rng } from './random';
import { RoadNetworkBuilder, type RoadNetwork, type TravelDirection } from './road-network';

export interface GridCityOptions {
  /** Blocks along each side: the city has (blocks + 1)² junctions. */
  blocks: number;
  /** Mean block edge in metres. */
  blockM?: number;
  /** Every n-th street is a two-way arterial. */
  arterialEvery?: number;
  /** South-west corner of the city. */
  origin?: LatLon;
}

/**
 * A generated city in the same graph form as Monaco: a jittered street grid whose every
 * `arterialEvery`-th street is a two-way 50 km/h arterial; local streets are 30 km/h, a third of
 * them one-way, and a few blocks are closed so routes are not all Manhattan staircases.
 */
export function generateGridCity(rng: Rng, options: GridCityOptions): RoadNetwork {
  const { blocks, blockM = 120, arterialEvery = 5, origin = { lat: 45.0, lon: 5.0 } } = options;
  if (!Number.isInteger(blocks) || blocks < 1) throw new RangeError('a grid city needs at least one block');
  const side = blocks + 1;
  const id = (row: number, col: number): number => row * side + col + 1;
  const builder = new RoadNetworkBuilder(`grid-${blocks}`);
  const jitter = blockM * 0.1;

  for (let row = 0; row < side; row++) {
    for (let col = 0; col < side; col++) {
      const at = offsetM(origin, row * blockM + rng.float(-jitter, jitter), col * blockM + rng.float(-jitter, jitter));
      builder.addNode(id(row, col), at);
    }
  }

  const street = (index: number, nodeIds: number[], kind: 'Avenue' | 'Street'): void => {
    const arterial = index % arterialEvery === 0;
    const direction: TravelDirection = arterial || !rng.chance(1 / 3) ? 'both' : rng.chance(0.5) ? 'forward' : 'backward';
    const props = arterial
      ? { roadClass: 'primary' as const, speedLimitKph: 50, name: `${kind} ${index}` }
      : { roadClass: 'residential' as const, speedLimitKph: 30, name: `${kind} ${index}` };
    for (let k = 1; k < nodeIds.length; k++) {
      // Closed blocks only on local streets: arterials keep the city connected.
      if (!arterial && rng.chance(0.04)) continue;
      builder.addRoad([nodeIds[k - 1]!, nodeIds[k]!], props, direction);
    }
  };

  for (let row = 0; row < side; row++) {
    street(row, Array.from({ length: side }, (_, col) => id(row, col)), 'Street');
  }
  for (let col = 0; col < side; col++) {
    street(col, Array.from({ length: side }, (_, row) => id(row, col)), 'Avenue');
  }
  return builder.build();
}
