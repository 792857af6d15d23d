import { haversineM, bearingDeg, turnAngleDeg, type LatLon } from '../world/geo';
import type { Rng } from '../world/random';
import type { RoadNetwork } from '../world/road-network';
import type { Route } from '../world/router';
import { drawCornerAccel, type DriverProfile } from './driver';

/** A stop on the way that is not a delivery: traffic lights, a give-way, a queue. */
export interface Hold {
  atM: number;
  durationS: number;
}

/**
 * One drive along a route, prepared for the speed controller: how fast each route point may be
 * passed (corners), the legal speed of each edge and where the vehicle has to stop on the way.
 */
export interface Leg {
  route: Route;
  /** Highest speed to pass route point i, m/s (corners; 0 at the end). */
  pointCapMps: Float64Array;
  /** Turn radius at route point i, metres (Infinity on a straight); shared by every leg on the route: read only. */
  radiusM: Float64Array;
  /** Cruise speed on edge i for this driver, m/s. */
  edgeCruiseMps: Float64Array;
  /** Bearing of edge i, degrees (positionAlong's `headings`); shared like `radiusM`. */
  edgeHeadingDeg: Float64Array;
  holds: Hold[];
}

/** Share of junctions with a red light or a queue, per pass. */
const HOLD_CHANCE = 0.08;
/** A junction's effective turning radius for a turn of 90°, metres. */
const JUNCTION_RADIUS_M = 8;

export function createLeg(route: Route, network: RoadNetwork, driver: DriverProfile, rng: Rng): Leg {
  const { radiusM, junction, edgeHeadingDeg } = geometryOf(route, network);
  const n = route.points.length;
  const pointCapMps = new Float64Array(n).fill(Infinity);
  const edgeCruiseMps = new Float64Array(Math.max(0, n - 1));
  route.edges.forEach((edge, i) => {
    edgeCruiseMps[i] = (edge.speedLimitKph / 3.6) * driver.speedFactor;
  });
  const holds: Hold[] = [];
  for (let i = 1; i < n - 1; i++) {
    const r = radiusM[i]!;
    if (Number.isFinite(r)) pointCapMps[i] = Math.sqrt(drawCornerAccel(driver, rng) * r);
    if (junction[i] && rng.chance(HOLD_CHANCE)) {
      holds.push({ atM: route.cumulativeM[i]!, durationS: rng.float(5, 45) });
    }
  }
  if (n > 0) pointCapMps[n - 1] = 0;
  return { route, pointCapMps, radiusM, edgeCruiseMps, edgeHeadingDeg, holds };
}

/** What a leg takes from its route alone: the same for every drive along it. */
interface RouteGeometry {
  radiusM: Float64Array;
  /** 1 where route point i is a junction (three or more neighbours). */
  junction: Uint8Array;
  edgeHeadingDeg: Float64Array;
}

/** Routes are shared and never changed (a what-if run drives the same ones for weeks): their geometry is worked out once. */
const geometries = new WeakMap<Route, RouteGeometry>();

function geometryOf(route: Route, network: RoadNetwork): RouteGeometry {
  let geometry = geometries.get(route);
  if (geometry) return geometry;
  const n = route.points.length;
  const radiusM = new Float64Array(n).fill(Infinity);
  const junction = new Uint8Array(n);
  const edgeHeadingDeg = new Float64Array(Math.max(0, n - 1));
  for (let i = 0; i < n - 1; i++) edgeHeadingDeg[i] = bearingDeg(route.points[i]!, route.points[i + 1]!);
  for (let i = 1; i < n - 1; i++) {
    radiusM[i] = turnRadiusM(route.points[i - 1]!, route.points[i]!, route.points[i + 1]!);
    junction[i] = isJunction(network, route.nodeIds[i]) ? 1 : 0;
  }
  geometry = { radiusM, junction, edgeHeadingDeg };
  geometries.set(route, geometry);
  return geometry;
}

/**
 * The radius a vehicle turns with at b: the circle through a, b, c for a curve drawn with many
 * points, or a junction's tight radius for a sharp turn between long straight segments.
 */
function turnRadiusM(a: LatLon, b: LatLon, c: LatLon): number {
  const angle = turnAngleDeg(bearingDeg(a, b), bearingDeg(b, c));
  if (angle < 5) return Infinity;
  const ab = haversineM(a, b);
  const bc = haversineM(b, c);
  const ac = haversineM(a, c);
  // Circumradius R = ab·bc·ac / (4·area); area from Heron's formula.
  const s = (ab + bc + ac) / 2;
  const area = Math.sqrt(Math.max(0, s * (s - ab) * (s - bc) * (s - ac)));
  const circum = area > 1e-9 ? (ab * bc * ac) / (4 * area) : Infinity;
  const junction = JUNCTION_RADIUS_M / Math.tan(((angle / 2) * Math.PI) / 180);
  return Math.max(4, Math.min(circum, junction));
}

function isJunction(network: RoadNetwork, nodeId: number | undefined): boolean {
  if (nodeId === undefined) return false;
  const neighbours = new Set<number | string>();
  network.graph.forEachLinkedNode(nodeId, (other) => {
    neighbours.add(other.id);
  });
  return neighbours.size >= 3;
}

/** What the road ahead asks of the driver right now. */
export interface SpeedPlan {
  /** Cruise speed of the edge being driven, m/s. */
  cruiseMps: number;
  /** Highest speed from which every constraint ahead can still be met braking at the driver's rate. */
  maxMps: number;
  /** Deceleration needed now to meet the most demanding constraint ahead, m/s² (0: none). */
  requiredDecelMps2: number;
}

/**
 * Looks ahead within braking distance at slower edges, corners, the next hold and the end of the
 * leg. Braking starts where the required deceleration reaches the driver's rate and then follows
 * the required deceleration, so it never jumps when the driver's rate changes between episodes.
 */
export function speedPlan(
  leg: Leg,
  distanceM: number,
  edgeIndex: number,
  speedMps: number,
  brakeMps2: number,
  nextHold: Hold | undefined,
  dtS: number,
): SpeedPlan {
  const { route, pointCapMps, edgeCruiseMps } = leg;
  if (route.edges.length === 0) return { cruiseMps: 0, maxMps: 0, requiredDecelMps2: 0 };
  const cruiseMps = edgeCruiseMps[edgeIndex]!;
  const horizonM = Math.max(speedMps, cruiseMps) ** 2 / (2 * Math.min(brakeMps2, 1)) + 30;
  // Runs every step of every driving vehicle: each limit tightens this one plan (no closure per call).
  const plan: SpeedPlan = { cruiseMps, maxMps: cruiseMps, requiredDecelMps2: 0 };
  for (let j = edgeIndex + 1; j < route.points.length; j++) {
    const aheadM = route.cumulativeM[j]! - distanceM;
    if (aheadM > horizonM) break;
    limitAt(plan, pointCapMps[j]!, aheadM, speedMps, brakeMps2, dtS);
    if (j < edgeCruiseMps.length) limitAt(plan, edgeCruiseMps[j]!, aheadM, speedMps, brakeMps2, dtS);
  }
  if (nextHold && nextHold.atM - distanceM <= horizonM) limitAt(plan, 0, nextHold.atM - distanceM, speedMps, brakeMps2, dtS);
  return plan;
}

/** Tightens `plan` by a speed cap `aheadM` metres ahead. */
function limitAt(plan: SpeedPlan, capMps: number, aheadM: number, speedMps: number, brakeMps2: number, dtS: number): void {
  const ahead = Math.max(0.01, aheadM);
  // Judged from where this step will end, so a step never carries the vehicle past its braking point.
  const reachable = Math.sqrt(capMps * capMps + 2 * brakeMps2 * Math.max(0, ahead - speedMps * dtS));
  if (reachable < plan.maxMps) plan.maxMps = reachable;
  if (capMps < speedMps) plan.requiredDecelMps2 = Math.max(plan.requiredDecelMps2, (speedMps * speedMps - capMps * capMps) / (2 * ahead));
}
