'use client';

import { useCallback, useEffect, useRef } from 'react';
import { Deck, FlyToInterpolator, WebMercatorViewport, type Layer, type MapViewState, type PickingInfo } from '@deck.gl/core';
import type { Geofence } from '../../twins/geofences/geofence';
import type { Basemap } from '../lib/basemap';
import { filterMask, type FleetFilter } from '../lib/fleet-counts';
import { easeOut, type FleetStore } from '../lib/fleet-store';
import { DrawnVehicles } from './map/drawn-vehicles';
import { geofenceLayer, roadLayer, selectionLayers, vehicleLayer, type VehicleTable } from './map/layers';
import { roadPaths } from './map/road-paths';

export interface FocusRequest {
  vehicleId: string;
  /** A new nonce flies again to the same vehicle. */
  nonce: number;
}

interface FleetMapProps {
  store: FleetStore;
  bounds: Basemap['bounds'];
  selectedId: string | null;
  filter: FleetFilter;
  /** Drawn under the vehicles. */
  geofences: Geofence[];
  focus: FocusRequest | null;
  onSelect(vehicleId: string | null): void;
  onProblem(message: string): void;
}

const FOCUS_ZOOM = 16.5;
const FLY_MS = 900;
/** How long the camera must rest, the map let go, before the roads are drawn again where it stopped. */
const BASE_REST_MS = 150;

/**
 * The deck.gl map, driven imperatively: vehicles move every animation frame, which must not
 * re-render React. Vehicle data are the store's typed arrays, handed over as binary attributes.
 */
export function FleetMap({ store, bounds, selectedId, filter, geofences, focus, onSelect, onProblem }: FleetMapProps) {
  const container = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const baseCanvasRef = useRef<HTMLCanvasElement>(null);
  /** Roads and geofences, on a canvas of their own under the vehicles (see the effect below). */
  const baseRef = useRef<Deck | null>(null);
  const deckRef = useRef<Deck | null>(null);
  const viewState = useRef<MapViewState | null>(null);
  const latest = useRef({ selectedId, filter, onSelect, onProblem });
  latest.current = { selectedId, filter, onSelect, onProblem };
  const selectionChanged = useRef(true);
  /** The vehicle the camera keeps centred after a fly-to, from `after` (ms, performance clock). */
  const follow = useRef<{ vehicleId: string; after: number } | null>(null);

  const fencesLayer = useRef<Layer | null>(null);

  useEffect(() => {
    selectionChanged.current = true;
  }, [filter]);

  const roadsLayer = useRef<Layer | null>(null);
  /** The still layers are drawn again only when they or the camera change. */
  const drawBase = useCallback(() => baseRef.current?.setProps({ layers: [roadsLayer.current, fencesLayer.current] }), []);

  useEffect(() => {
    fencesLayer.current = geofences.length ? geofenceLayer(geofences, store.origin) : null;
    drawBase();
  }, [geofences, store, drawBase]);

  useEffect(() => {
    selectionChanged.current = true;
    if (follow.current && follow.current.vehicleId !== selectedId) follow.current = null;
  }, [selectedId]);

  useEffect(() => {
    const parent = container.current;
    const canvas = canvasRef.current;
    const baseCanvas = baseCanvasRef.current;
    const baseBox = baseCanvas?.parentElement;
    if (!parent || !canvas || !baseCanvas || !baseBox) return;
    const initial = fitView(bounds, parent.clientWidth, parent.clientHeight);
    viewState.current = initial;
    // The vehicles move every frame; the roads do not. Drawn in one canvas, every frame drew the
    // whole road network again, most of a frame's time where WebGL runs on the CPU (bench:map).
    // So the roads are a second deck.gl canvas underneath, following the camera and redrawn only
    // when it moves.
    const base = new Deck({ canvas: baseCanvas, viewState: initial, controller: false, useDevicePixels: false, layers: [] });
    baseRef.current = base;
    // A pan at the same zoom shifts the last road picture (a CSS transform, no drawing) and draws
    // it again once the camera rests: redrawing the roads on every frame of a drag is what kept
    // dragging slow where WebGL runs on the CPU. A pause while the mouse still holds the map is
    // no rest: drawing the roads then (~100 ms there) stalled the drag it paused (bench:map).
    let baseCamera = initial;
    let baseRest: ReturnType<typeof setTimeout> | undefined;
    let dragging = false;
    const restBase = () => {
      clearTimeout(baseRest);
      baseRest = setTimeout(() => redrawBase(viewState.current ?? baseCamera), BASE_REST_MS);
    };
    const redrawBase = (camera: MapViewState) => {
      baseCamera = camera;
      baseBox.style.transform = '';
      base.setProps({ viewState: camera });
    };
    const moveCamera = (next: MapViewState) => {
      viewState.current = next;
      clearTimeout(baseRest);
      if (next.zoom !== baseCamera.zoom || next.bearing !== baseCamera.bearing || next.pitch !== baseCamera.pitch) {
        redrawBase(next);
        return;
      }
      const { clientWidth: width, clientHeight: height } = parent;
      const [x, y] = new WebMercatorViewport({ ...baseCamera, width, height }).project([next.longitude, next.latitude]);
      const [dx, dy] = [width / 2 - x!, height / 2 - y!];
      // The road canvas reaches a quarter of the view beyond each edge (globals.css .map-base);
      // shifted further it would show a bare edge (a long drag, a followed vehicle): draw now.
      if (Math.abs(dx) > width / 4 || Math.abs(dy) > height / 4) {
        redrawBase(next);
        return;
      }
      baseBox.style.transform = `translate(${dx}px, ${dy}px)`;
      if (!dragging) restBase();
    };
    let frame = 0;
    let drawn = { version: -1, progress: -1, camera: null as MapViewState | null };
    const dots = new DrawnVehicles();
    let table: VehicleTable | null = null;
    let tableFor: { version: number; filter: FleetFilter | null; camera: MapViewState | null; selected: number | undefined } | null = null;
    let mask = new Float32Array(1024);
    let trail: { version: number; slot: number; points: Array<[number, number]> } = { version: -1, slot: -1, points: [] };

    // Our own canvas, not one deck.gl adds: a remount (React strict mode, HMR) reuses it.
    const deck = new Deck({
      canvas,
      initialViewState: initial,
      controller: { doubleClickZoom: true, touchRotate: false, dragRotate: false },
      // Dots are a few pixels wide: a click or hover that close still finds the vehicle.
      pickingRadius: 6,
      // Drawing is on the CPU where there is no GPU (SwiftShader): a device pixel per CSS pixel
      // keeps the fill cost of 20,000 dots at a quarter on a 2x screen.
      useDevicePixels: false,
      // deck.gl's own figures, once a second, for anyone profiling the page (bench:map reads them).
      _onMetrics: (metrics) => {
        parent.dataset.fps = metrics.fps.toFixed(1);
        parent.dataset.cpuMsPerFrame = metrics.cpuTimePerFrame.toFixed(2);
        parent.dataset.gpuMsPerFrame = metrics.gpuTimePerFrame.toFixed(2);
        parent.dataset.setPropsMs = metrics.setPropsTime.toFixed(2);
        parent.dataset.updateAttributesMs = metrics.updateAttributesTime.toFixed(2);
      },
      onInteractionStateChange: ({ isDragging = false }) => {
        if (dragging && !isDragging && baseBox.style.transform) restBase();
        dragging = isDragging;
      },
      onViewStateChange: ({ viewState: next, interactionState }) => {
        moveCamera(next as MapViewState);
        // Dragging the map takes the camera back from a followed vehicle; zooming keeps it.
        if (interactionState.isDragging || interactionState.isPanning) follow.current = null;
      },
      getCursor: ({ isHovering, isDragging }) => (isDragging ? 'grabbing' : isHovering ? 'pointer' : 'grab'),
      onClick: (info: PickingInfo) => {
        latest.current.onSelect(pickedVehicle(info));
      },
      getTooltip: (info: PickingInfo) => {
        const v = store.get(pickedVehicle(info) ?? '');
        if (!v) return null;
        return {
          text: `${v.id}\n${v.motion} · ${Math.round(v.speedKph)} km/h\n${v.health} · ${v.connectivity}`,
          style: tooltipStyle,
        };
      },
      onError: (error: Error) => {
        latest.current.onProblem(`The map cannot draw: ${error.message}`);
      },
    });
    deckRef.current = deck;

    const pickedVehicle = (info: PickingInfo): string | null =>
      info.layer?.id === 'vehicles' && info.index >= 0 && info.index < dots.count ? (store.ids[dots.slots[info.index]!] ?? null) : null;

    /**
     * The dots deck.gl draws (drawn-vehicles.ts); packed again (an upload) only when the store,
     * the filter, the selection or the camera changed.
     */
    const vehicleTable = (selected: number | undefined): VehicleTable => {
      const { filter: wanted } = latest.current;
      const camera = viewState.current;
      const { clientWidth: width, clientHeight: height } = parent;
      const key = tableFor;
      const sameCamera = key?.camera === camera || (camera !== null && dots.fits({ ...camera, width, height }));
      if (table && key && key.version === store.version && key.filter === wanted && sameCamera && key.selected === selected) return table;
      const count = store.count;
      if (mask.length < count) mask = new Float32Array(Math.max(count, 2 * mask.length));
      filterMask(store.states, store.ids, count, wanted, mask);
      if (camera) dots.update(store, mask, { ...camera, width, height }, selected);
      tableFor = { version: store.version, filter: wanted, camera, selected };
      parent.dataset.drawnVehicles = String(dots.count);
      table = {
        length: dots.count,
        attributes: {
          getPosition: { value: dots.glideTo.subarray(0, 2 * dots.count), size: 2 },
          getGlideFrom: { value: dots.glideFrom.subarray(0, 2 * dots.count), size: 2 },
          getFillColor: { value: dots.fillColors.subarray(0, 4 * dots.count), size: 4 },
          getLineColor: { value: dots.lineColors.subarray(0, 4 * dots.count), size: 4 },
        },
      };
      return table;
    };

    const draw = (now: number) => {
      frame = requestAnimationFrame(draw);
      const progress = store.glideProgress(now);
      const selected = latest.current.selectedId === null ? undefined : store.indexOf(latest.current.selectedId);
      const at = selected === undefined ? null : store.positionAt(selected, now);
      const followed = follow.current && now >= follow.current.after ? store.indexOf(follow.current.vehicleId) : undefined;
      if (followed !== undefined && progress < 1 && viewState.current) {
        const [x, y] = followed === selected && at ? at : store.positionAt(followed, now);
        moveCamera({ ...viewState.current, longitude: x + store.origin[0], latitude: y + store.origin[1] });
        deck.setProps({ initialViewState: viewState.current });
      }
      const vehicles = vehicleTable(selected);
      // Nothing changed and no dot moved by a pixel: deck.gl keeps the last picture. Without a GPU
      // every redraw costs the CPU; a dot's hard edge shows no step smaller than a pixel.
      const unchanged = store.version === drawn.version && viewState.current === drawn.camera && !selectionChanged.current;
      if (unchanged && Math.abs(easeOut(progress) - easeOut(drawn.progress)) * dots.maxGlidePx < 1) return;
      drawn = { version: store.version, progress, camera: viewState.current };
      selectionChanged.current = false;
      if (selected !== undefined && (trail.version !== store.version || trail.slot !== selected)) {
        trail = { version: store.version, slot: selected, points: store.trailOf(selected) };
      }
      deck.setProps({
        layers: [
          vehicleLayer(vehicles, store.origin, progress),
          ...selectionLayers(store.origin, selected === undefined ? [] : trail.points, at),
        ],
      });
    };
    frame = requestAnimationFrame(draw);

    const controller = new AbortController();
    fetch('/api/basemap', { signal: controller.signal })
      .then((response) => {
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        return response.json() as Promise<Basemap>;
      })
      .then((basemap) => {
        roadsLayer.current = roadLayer(roadPaths(basemap.roads, store.origin), store.origin);
        drawBase();
      })
      .catch((err: unknown) => {
        if (!controller.signal.aborted) latest.current.onProblem(`The road map did not load (${String(err)}); vehicles are still live.`);
      });

    return () => {
      clearTimeout(baseRest);
      controller.abort();
      cancelAnimationFrame(frame);
      deck.finalize();
      deckRef.current = null;
      base.finalize();
      baseRef.current = null;
    };
  }, [store, bounds, drawBase]);

  useEffect(() => {
    const deck = deckRef.current;
    const summary = focus && store.get(focus.vehicleId);
    if (!deck || !summary) return;
    const current = viewState.current;
    follow.current = { vehicleId: focus.vehicleId, after: performance.now() + FLY_MS };
    deck.setProps({
      initialViewState: {
        longitude: summary.lon,
        latitude: summary.lat,
        zoom: Math.max(current?.zoom ?? 0, FOCUS_ZOOM),
        pitch: 0,
        bearing: 0,
        transitionDuration: FLY_MS,
        transitionInterpolator: new FlyToInterpolator(),
      },
    });
  }, [focus, store]);

  return (
    <div ref={container} className="map" data-testid="fleet-map">
      {/* A box of its own, so deck.gl puts this canvas's (unused) tooltip there, not beside the vehicles'. */}
      <div className="map-base">
        <canvas ref={baseCanvasRef} className="map-canvas" />
      </div>
      <canvas ref={canvasRef} className="map-canvas map-vehicles" />
    </div>
  );
}

function fitView(bounds: Basemap['bounds'], width: number, height: number): MapViewState {
  const [west, south, east, north] = bounds;
  const { longitude, latitude, zoom } = new WebMercatorViewport({ width: Math.max(width, 64), height: Math.max(height, 64) }).fitBounds(
    [
      [west, south],
      [east, north],
    ],
    { padding: Math.min(48, width / 8, height / 8) },
  );
  return { longitude, latitude, zoom, pitch: 0, bearing: 0 };
}

const tooltipStyle = {
  background: 'rgba(15, 21, 30, 0.95)',
  color: '#e2e8f0',
  font: '12px/1.45 ui-monospace, SFMono-Regular, Menlo, monospace',
  border: '1px solid #2a3646',
  borderRadius: '6px',
  padding: '6px 8px',
  whiteSpace: 'pre',
};
