import { generateGridCity } from './grid-city';
import { haversineM } from './geo';
import { loadMonaco } from './monaco';
import type { Rng } from './random';
import type { RoadNetwork, RoadNode } from './road-network';
import { createRouter, type Router } from './router';

export const worldKinds = ['monaco', 'grid'] as const;
export type WorldKind = (typeof worldKinds)[number];

/** The roads, the router over them and the places vehicles start from and deliver to. */
export interface World {
  kind: WorldKind;
  network: RoadNetwork;
  router: Router;
  /** Where vehicles start and end their shifts. */
  depots: readonly RoadNode[];
  /** Nodes a delivery stop may be at: any routable node. */
  stopNodeIds: readonly number[];
}

export interface WorldOptions {
  kind: WorldKind;
  depots?: number;
  /** Size of the generated city (grid only). */
  gridBlocks?: number;
}

export function createWorld(rng: Rng, options: WorldOptions): World {
  const network = options.kind === 'monaco' ? loadMonaco() : generateGridCity(rng.fork('city'), { blocks: options.gridBlocks ?? 20 });
  return {
    kind: options.kind,
    network,
    router: createRouter(network),
    depots: spreadNodes(network, rng.fork('depots'), options.depots ?? 3),
    stopNodeIds: network.routableNodeIds,
  };
}

/** Farthest-point sampling: depots spread over the city instead of clustering by chance. */
function spreadNodes(network: RoadNetwork, rng: Rng, count: number): RoadNode[] {
  const candidates = network.routableNodeIds.map((id) => network.node(id));
  const chosen: RoadNode[] = [rng.pick(candidates)];
  const nearest = candidates.map((c) => haversineM(c, chosen[0]!));
  while (chosen.length < Math.min(count, candidates.length)) {
    let far = 0;
    for (let i = 1; i < candidates.length; i++) if (nearest[i]! > nearest[far]!) far = i;
    const next = candidates[far]!;
    chosen.push(next);
    candidates.forEach((c, i) => {
      nearest[i] = Math.min(nearest[i]!, haversineM(c, next));
    });
  }
  return chosen;
}
