'use client';

import { useEffect, useRef } from 'react';
import {
  COORDINATE_SYSTEM,
  Deck,
  FlyToInterpolator,
  WebMercatorViewport,
  type MapViewState,
  type PickingInfo,
} from '@deck.gl/core';
import { PathLayer, ScatterplotLayer } from '@deck.gl/layers';
import type { Basemap, Road, RoadKind } from '../lib/basemap';
import type { FleetStore } from '../lib/fleet-store';
import type { Rgb } from '../lib/vehicle-style';

export interface FocusRequest {
  vehicleId: string;
  /** A new nonce flies again to the same vehicle. */
  nonce: number;
}

interface FleetMapProps {
  store: FleetStore;
  bounds: Basemap['bounds'];
  selectedId: string | null;
  focus: FocusRequest | null;
  onSelect(vehicleId: string | null): void;
  onProblem(message: string): void;
}

const roadStyle: Record<RoadKind, { color: [number, number, number, number]; widthM: number }> = {
  foot: { color: [36, 48, 63, 255], widthM: 2 },
  minor: { color: [44, 58, 76, 255], widthM: 5 },
  secondary: { color: [61, 78, 100, 255], widthM: 8 },
  major: { color: [82, 102, 128, 255], widthM: 11 },
};
const SELECTED_RING: Rgb = [255, 255, 255];
const FOCUS_ZOOM = 16.5;

/**
 * The deck.gl map, driven imperatively: vehicles move every animation frame, which must not
 * re-render React. Vehicle data are the store's typed arrays, handed over as binary attributes.
 */
export function FleetMap({ store, bounds, selectedId, focus, onSelect, onProblem }: FleetMapProps) {
  const container = useRef<HTMLDivElement>(null);
  const deckRef = useRef<Deck | null>(null);
  const viewState = useRef<MapViewState | null>(null);
  const latest = useRef({ selectedId, onSelect, onProblem });
  latest.current = { selectedId, onSelect, onProblem };
  const selectionChanged = useRef(true);

  useEffect(() => {
    selectionChanged.current = true;
  }, [selectedId]);

  useEffect(() => {
    const parent = container.current;
    if (!parent) return;
    const initial = fitView(bounds, parent.clientWidth, parent.clientHeight);
    viewState.current = initial;
    let roads: Road[] = [];
    let frame = 0;
    let drawnVersion = -1;
    let colours = { version: -1, fill: store.fillColors.subarray(0, 0), line: store.lineColors.subarray(0, 0) };

    const deck = new Deck({
      parent,
      initialViewState: initial,
      controller: { doubleClickZoom: true, touchRotate: false, dragRotate: false },
      onViewStateChange: ({ viewState: next }) => {
        viewState.current = next as MapViewState;
      },
      getCursor: ({ isHovering, isDragging }) => (isDragging ? 'grabbing' : isHovering ? 'pointer' : 'grab'),
      onClick: (info: PickingInfo) => {
        latest.current.onSelect(info.layer?.id === 'vehicles' && info.index >= 0 ? (store.ids[info.index] ?? null) : null);
      },
      getTooltip: (info: PickingInfo) => {
        if (info.layer?.id !== 'vehicles' || info.index < 0) return null;
        const v = store.summaries[info.index];
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

    const draw = (now: number) => {
      const moved = store.frame(now);
      if (moved || store.version !== drawnVersion || selectionChanged.current) {
        drawnVersion = store.version;
        selectionChanged.current = false;
        const count = store.count;
        // Colours change once a second at most: hand deck.gl new views (an upload) only then.
        if (colours.version !== store.version || colours.fill.buffer !== store.fillColors.buffer) {
          colours = {
            version: store.version,
            fill: store.fillColors.subarray(0, 4 * count),
            line: store.lineColors.subarray(0, 4 * count),
          };
        }
        deck.setProps({ layers: layersFor(store, roads, colours, latest.current.selectedId) });
      }
      frame = requestAnimationFrame(draw);
    };
    frame = requestAnimationFrame(draw);

    const controller = new AbortController();
    fetch('/api/basemap', { signal: controller.signal })
      .then((response) => {
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        return response.json() as Promise<Basemap>;
      })
      .then((basemap) => {
        roads = basemap.roads;
        selectionChanged.current = true;
      })
      .catch((err: unknown) => {
        if (!controller.signal.aborted) latest.current.onProblem(`The road map did not load (${String(err)}); vehicles are still live.`);
      });

    return () => {
      controller.abort();
      cancelAnimationFrame(frame);
      deck.finalize();
      deckRef.current = null;
    };
  }, [store, bounds]);

  useEffect(() => {
    const deck = deckRef.current;
    const summary = focus && store.get(focus.vehicleId);
    if (!deck || !summary) return;
    const current = viewState.current;
    deck.setProps({
      initialViewState: {
        longitude: summary.lon,
        latitude: summary.lat,
        zoom: Math.max(current?.zoom ?? 0, FOCUS_ZOOM),
        pitch: 0,
        bearing: 0,
        transitionDuration: 900,
        transitionInterpolator: new FlyToInterpolator(),
      },
    });
  }, [focus, store]);

  return <div ref={container} className="map" data-testid="fleet-map" />;
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

function layersFor(
  store: FleetStore,
  roads: Road[],
  colours: { fill: Uint8Array; line: Uint8Array },
  selectedId: string | null,
) {
  const count = store.count;
  const offsets = { coordinateSystem: COORDINATE_SYSTEM.LNGLAT_OFFSETS, coordinateOrigin: [...store.origin, 0] as [number, number, number] };
  const selected = selectedId === null ? undefined : store.indexOf(selectedId);
  return [
    new PathLayer<Road>({
      id: 'roads',
      data: roads,
      getPath: (road) => road.path,
      getColor: (road) => roadStyle[road.kind].color,
      getWidth: (road) => roadStyle[road.kind].widthM,
      widthUnits: 'meters',
      widthMinPixels: 1,
      capRounded: true,
      jointRounded: true,
    }),
    new ScatterplotLayer({
      id: 'vehicles',
      ...offsets,
      data: {
        length: count,
        attributes: {
          getPosition: { value: store.positions.subarray(0, 2 * count), size: 2 },
          getFillColor: { value: colours.fill, size: 4 },
          getLineColor: { value: colours.line, size: 4 },
        },
      },
      radiusUnits: 'meters',
      getRadius: 6,
      radiusMinPixels: 4.5,
      radiusMaxPixels: 12,
      stroked: true,
      lineWidthUnits: 'pixels',
      getLineWidth: 2,
      pickable: true,
      autoHighlight: true,
      highlightColor: [255, 255, 255, 90],
    }),
    new ScatterplotLayer<number>({
      id: 'selected-vehicle',
      ...offsets,
      data: selected === undefined ? [] : [selected],
      getPosition: (i) => [store.positions[2 * i]!, store.positions[2 * i + 1]!],
      updateTriggers: { getPosition: [store.positions[2 * (selected ?? 0)], store.positions[2 * (selected ?? 0) + 1]] },
      radiusUnits: 'pixels',
      getRadius: 13,
      filled: false,
      stroked: true,
      lineWidthUnits: 'pixels',
      getLineWidth: 2.5,
      getLineColor: [...SELECTED_RING, 230],
    }),
  ];
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
