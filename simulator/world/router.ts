import ngraphPath from 'ngraph.path';
import { bearingDeg, haversineM, type LatLon } from './geo';
import type { RoadEdge, RoadNetwork, RoadNode } from './road-network';

/** A drivable path: the node sequence, its edges and the cumulative distance at every node. */
export interface Route {
  nodeIds: readonly number[];
  points: readonly LatLon[];
  /** Metres from the start to points[i]; the last entry is the route length. */
  cumulativeM: readonly number[];
  /** edges[i] goes from points[i] to points[i + 1]. */
  edges: readonly RoadEdge[];
  lengthM: number;
}

export interface Router {
  /** Shortest drivable path by length, or undefined when `to` cannot be reached from `from`. */
  route(from: number, to: number): Route | undefined;
}

/** A* over the directed road graph with the straight-line distance as the (admissible) heuristic. */
export function createRouter(network: RoadNetwork): Router {
  const finder = ngraphPath.aStar<RoadNode, RoadEdge>(network.graph, {
    oriented: true,
    distance: (_from, _to, link) => link.data.lengthM,
    heuristic: (from, to) => haversineM(from.data, to.data),
  });

  return {
    route(from, to) {
      network.node(from);
      network.node(to);
      if (from === to) return routeOf(network, [from]);
      const found = finder.find(from, to);
      if (found.length === 0) return undefined;
      return routeOf(
        network,
        found.map((n) => n.id as number).reverse(),
      );
    },
  };
}

/** Builds a Route along nodes that are consecutive in the graph, taking the shortest parallel edge. */
export function routeOf(network: RoadNetwork, nodeIds: readonly number[]): Route {
  const points: LatLon[] = [];
  const cumulativeM: number[] = [];
  const edges: RoadEdge[] = [];
  let total = 0;
  nodeIds.forEach((id, i) => {
    const node = network.node(id);
    if (i > 0) {
      const edge = shortestEdge(network, nodeIds[i - 1]!, id);
      edges.push(edge);
      total += edge.lengthM;
    }
    points.push({ lat: node.lat, lon: node.lon });
    cumulativeM.push(total);
  });
  return { nodeIds, points, cumulativeM, edges, lengthM: total };
}

function shortestEdge(network: RoadNetwork, from: number, to: number): RoadEdge {
  let best: RoadEdge | undefined;
  network.graph.forEachLinkedNode(
    from,
    (_node, link) => {
      if (link.toId === to && (!best || link.data.lengthM < best.lengthM)) best = link.data;
    },
    true,
  );
  if (!best) throw new RangeError(`no road from node ${from} to node ${to}`);
  return best;
}

/** Where a vehicle is after `distanceM` along a route: position, heading and the edge under it. */
export interface RoutePosition extends LatLon {
  headingDeg: number;
  /** Index of the edge being driven (edges.length - 1 at the end). */
  edgeIndex: number;
}

/**
 * Position at a distance along the route; `hint` (a previous edge index) makes forward scans O(1),
 * and `headings` (each edge's bearing, worked out once) spares the trigonometry of a step.
 */
export function positionAlong(route: Route, distanceM: number, hint = 0, headings?: ArrayLike<number>): RoutePosition {
  const first = route.points[0]!;
  if (route.edges.length === 0) return { ...first, headingDeg: 0, edgeIndex: 0 };
  const d = Math.max(0, Math.min(route.lengthM, distanceM));
  let i = Math.max(0, Math.min(hint, route.edges.length - 1));
  while (i > 0 && route.cumulativeM[i]! > d) i--;
  while (i < route.edges.length - 1 && route.cumulativeM[i + 1]! <= d) i++;
  const a = route.points[i]!;
  const b = route.points[i + 1]!;
  const span = route.cumulativeM[i + 1]! - route.cumulativeM[i]!;
  const t = span > 0 ? (d - route.cumulativeM[i]!) / span : 0;
  return {
    lat: a.lat + (b.lat - a.lat) * t,
    lon: a.lon + (b.lon - a.lon) * t,
    headingDeg: headings ? headings[i]! : bearingDeg(a, b),
    edgeIndex: i,
  };
}
