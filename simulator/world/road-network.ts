import createGraph, { type Graph } from 'ngraph.graph';
import { haversineM, type LatLon } from './geo';
import { GridIndex } from './grid-index';

export const roadClasses = [
  'motorway',
  'trunk',
  'primary',
  'secondary',
  'tertiary',
  'unclassified',
  'residential',
  'living_street',
  'service',
  'road',
] as const;
export type RoadClass = (typeof roadClasses)[number];

export interface RoadNode extends LatLon {
  id: number;
}

/** One directed, drivable piece of road between two nodes. A two-way road is two edges. */
export interface RoadEdge {
  from: number;
  to: number;
  lengthM: number;
  roadClass: RoadClass;
  speedLimitKph: number;
  name?: string;
}

export type TravelDirection = 'both' | 'forward' | 'backward';

export interface RoadNetwork {
  name: string;
  graph: Graph<RoadNode, RoadEdge>;
  /** Nodes of the largest strongly connected part: from any of them every other is reachable. */
  routableNodeIds: readonly number[];
  /** The routable node nearest to a point (straight-line), for snapping coordinates to the road. */
  nearestNode(point: LatLon): RoadNode;
  node(id: number): RoadNode;
  totalLengthM: number;
}

export interface RoadProps {
  roadClass: RoadClass;
  speedLimitKph: number;
  name?: string;
}

/** Collects nodes and roads, then freezes them into a RoadNetwork. */
export class RoadNetworkBuilder {
  private readonly graph = createGraph<RoadNode, RoadEdge>({ multigraph: true });
  private lengthM = 0;

  constructor(private readonly name: string) {}

  addNode(id: number, point: LatLon): void {
    if (!this.graph.hasNode(id)) this.graph.addNode(id, { id, lat: point.lat, lon: point.lon });
  }

  /** Adds the road along `nodeIds` (already added), one edge per consecutive pair and direction. */
  addRoad(nodeIds: readonly number[], props: RoadProps, direction: TravelDirection): void {
    for (let i = 1; i < nodeIds.length; i++) {
      const a = this.node(nodeIds[i - 1]!);
      const b = this.node(nodeIds[i]!);
      if (a.id === b.id) continue;
      const lengthM = haversineM(a, b);
      this.lengthM += lengthM;
      const base = { lengthM, roadClass: props.roadClass, speedLimitKph: props.speedLimitKph, ...(props.name ? { name: props.name } : {}) };
      if (direction !== 'backward') this.graph.addLink(a.id, b.id, { from: a.id, to: b.id, ...base });
      if (direction !== 'forward') this.graph.addLink(b.id, a.id, { from: b.id, to: a.id, ...base });
    }
  }

  private node(id: number): RoadNode {
    const node = this.graph.getNode(id);
    if (!node) throw new Error(`road ${this.name}: node ${id} was not added`);
    return node.data;
  }

  build(): RoadNetwork {
    const graph = this.graph;
    const routable = largestStronglyConnected(graph);
    const index = new GridIndex<RoadNode>();
    for (const id of routable) {
      const node = graph.getNode(id)!.data;
      index.add(node, [node]);
    }
    if (routable.length === 0) throw new Error(`road network ${this.name} has no routable nodes`);
    return {
      name: this.name,
      graph,
      routableNodeIds: routable,
      nearestNode: (point) => index.nearest(point, (node) => haversineM(point, node))!.item,
      node: (id) => {
        const node = graph.getNode(id);
        if (!node) throw new RangeError(`no road node ${id} in ${this.name}`);
        return node.data;
      },
      totalLengthM: this.lengthM,
    };
  }
}

/** Iterative Tarjan: ids of the biggest strongly connected component (ties: the first found). */
function largestStronglyConnected(graph: Graph<RoadNode, RoadEdge>): number[] {
  const out = new Map<number, number[]>();
  graph.forEachNode((n) => {
    out.set(n.id as number, []);
  });
  graph.forEachLink((l) => {
    out.get(l.fromId as number)!.push(l.toId as number);
  });
  const index = new Map<number, number>();
  const low = new Map<number, number>();
  const onStack = new Set<number>();
  const stack: number[] = [];
  let counter = 0;
  let best: number[] = [];

  for (const root of out.keys()) {
    if (index.has(root)) continue;
    const work: Array<{ id: number; next: number }> = [{ id: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length) {
      const frame = work[work.length - 1]!;
      const targets = out.get(frame.id)!;
      if (frame.next < targets.length) {
        const w = targets[frame.next++]!;
        if (!index.has(w)) {
          index.set(w, counter);
          low.set(w, counter++);
          stack.push(w);
          onStack.add(w);
          work.push({ id: w, next: 0 });
        } else if (onStack.has(w)) {
          low.set(frame.id, Math.min(low.get(frame.id)!, index.get(w)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.id, Math.min(low.get(parent.id)!, low.get(frame.id)!));
      if (low.get(frame.id) === index.get(frame.id)) {
        const component: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== frame.id);
        if (component.length > best.length) best = component;
      }
    }
  }
  return best.sort((a, b) => a - b);
}
