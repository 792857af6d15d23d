import { haversineM, lerp, pointToSegment, type LatLon } from './geo';
import { GridIndex } from './grid-index';
import type { RoadEdge, RoadNetwork } from './road-network';
import type { Route, Router } from './router';

/** A point on a road segment a-b (either direction), `t` of the way from a to b. */
export interface RoadPoint extends LatLon {
  /** The edge a→b if drivable, and b→a if drivable: at least one is set. */
  forward?: RoadEdge;
  backward?: RoadEdge;
  a: number;
  b: number;
  t: number;
  /** How far the snapped coordinate was from the road. */
  offRoadM: number;
}

interface Segment {
  a: number;
  b: number;
  forward?: RoadEdge;
  backward?: RoadEdge;
}

/**
 * Snaps coordinates onto the nearest drivable segment (GraphHopper's way, rather than to the
 * nearest node: a long straight road has no node near its middle) and routes between such points.
 */
export class PointRouter {
  private readonly segments = new GridIndex<Segment>();

  constructor(
    private readonly network: RoadNetwork,
    private readonly router: Router,
  ) {
    const byPair = new Map<string, Segment>();
    network.graph.forEachLink((link) => {
      const edge = link.data;
      const [a, b] = edge.from < edge.to ? [edge.from, edge.to] : [edge.to, edge.from];
      const key = `${a}:${b}`;
      let segment = byPair.get(key);
      if (!segment) {
        segment = { a, b };
        byPair.set(key, segment);
        this.segments.add(segment, [network.node(a), network.node(b)]);
      }
      const slot = edge.from === a ? 'forward' : 'backward';
      if (!segment[slot] || edge.lengthM < segment[slot].lengthM) segment[slot] = edge;
    });
  }

  snap(point: LatLon): RoadPoint {
    const hit = this.segments.nearest(point, (s) => pointToSegment(point, this.network.node(s.a), this.network.node(s.b)).distanceM);
    if (!hit) throw new Error(`road network ${this.network.name} is empty`);
    const { a, b } = hit.item;
    const { t } = pointToSegment(point, this.network.node(a), this.network.node(b));
    const on = lerp(this.network.node(a), this.network.node(b), t);
    return { ...on, a, b, t, offRoadM: haversineM(point, on), ...pick(hit.item) };
  }

  /** Shortest drivable route between two coordinates, each snapped onto its nearest segment. */
  route(fromPoint: LatLon, toPoint: LatLon): Route | undefined {
    const from = this.snap(fromPoint);
    const to = this.snap(toPoint);
    let best: Route | undefined;
    const consider = (route: Route | undefined): void => {
      if (route && (!best || route.lengthM < best.lengthM)) best = route;
    };

    // Both on one segment, in a drivable direction: no graph search needed.
    if (from.a === to.a && from.b === to.b) {
      const along = from.t <= to.t ? from.forward : from.backward;
      if (along) consider(this.partial(from, to, along, Math.abs(to.t - from.t)));
    }

    for (const leave of exits(from)) {
      for (const enter of entries(to)) {
        const middle = this.router.route(leave.node, enter.node);
        if (!middle) continue;
        consider(join(from, leave, middle, enter, to));
      }
    }
    return best;
  }

  private partial(from: RoadPoint, to: RoadPoint, edge: RoadEdge, fraction: number): Route {
    const lengthM = edge.lengthM * fraction;
    return {
      nodeIds: [],
      points: [point(from), point(to)],
      cumulativeM: [0, lengthM],
      edges: [{ ...edge, lengthM }],
      lengthM,
    };
  }
}

function pick(s: Segment): Pick<RoadPoint, 'forward' | 'backward'> {
  return { ...(s.forward ? { forward: s.forward } : {}), ...(s.backward ? { backward: s.backward } : {}) };
}

function point(p: LatLon): LatLon {
  return { lat: p.lat, lon: p.lon };
}

/** A way off (or onto) a segment: the node reached, the edge used and the metres on it. */
interface Link {
  node: number;
  edge: RoadEdge;
  lengthM: number;
}

function exits(p: RoadPoint): Link[] {
  const out: Link[] = [];
  if (p.forward) out.push({ node: p.b, edge: p.forward, lengthM: p.forward.lengthM * (1 - p.t) });
  if (p.backward) out.push({ node: p.a, edge: p.backward, lengthM: p.backward.lengthM * p.t });
  return out;
}

function entries(p: RoadPoint): Link[] {
  const out: Link[] = [];
  if (p.forward) out.push({ node: p.a, edge: p.forward, lengthM: p.forward.lengthM * p.t });
  if (p.backward) out.push({ node: p.b, edge: p.backward, lengthM: p.backward.lengthM * (1 - p.t) });
  return out;
}

function join(from: RoadPoint, leave: Link, middle: Route, enter: Link, to: RoadPoint): Route {
  const points: LatLon[] = [point(from), ...middle.points, point(to)];
  const edges: RoadEdge[] = [{ ...leave.edge, lengthM: leave.lengthM }, ...middle.edges, { ...enter.edge, lengthM: enter.lengthM }];
  const cumulativeM: number[] = [0];
  for (const edge of edges) cumulativeM.push(cumulativeM[cumulativeM.length - 1]! + edge.lengthM);
  return { nodeIds: middle.nodeIds, points, cumulativeM, edges, lengthM: cumulativeM[cumulativeM.length - 1]! };
}
