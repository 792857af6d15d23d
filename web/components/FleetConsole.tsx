'use client';

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { GeofenceList } from '../server/geofences-api';
import type { Basemap } from '../lib/basemap';
import { countFleet, countShown, isFiltering, noFilter, toggleFilter, type FilterDimension, type FleetFilter } from '../lib/fleet-counts';
import { vehiclesMatching, type FacetSelection, type FleetFacets } from '../lib/fleet-facets';
import { FleetStore } from '../lib/fleet-store';
import { AppNav } from './AppNav';
import { FacetFilters } from './FacetFilters';
import { FleetHeader } from './FleetHeader';
import { FleetMap, type FocusRequest } from './FleetMap';
import { MapLegend } from './MapLegend';
import { TwinPanel } from './TwinPanel';
import { useFleetStream, type FleetStreamState } from './useFleetStream';
import { usePolled } from './usePolled';
import { VehicleSearch } from './VehicleSearch';

interface FleetConsoleProps {
  bounds: Basemap['bounds'];
  attribution: string;
}

/** The live map page: counts, search, the map, and the selected vehicle's twin. */
export function FleetConsole({ bounds, attribution }: FleetConsoleProps) {
  // Positions are stored as offsets from the middle of the map (see FleetStore).
  const [store] = useState(() => new FleetStore([(bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2]));
  const stream = useFleetStream(store);
  const counts = useMemo(() => countFleet(store.states, store.count), [store, stream.version]);
  const [stateFilter, setStateFilter] = useState<FleetFilter>(noFilter);
  const toggle = useCallback((dimension: FilterDimension, value: string) => setStateFilter((f) => toggleFilter(f, dimension, value)), []);
  // The registry changes rarely (a new vehicle, a firmware update): a minute is fresh enough.
  const facets = usePolled<FleetFacets>('/api/fleet/facets', 60_000);
  const [selection, setSelection] = useState<FacetSelection>({});
  // Geofences are drawn by hand, rarely: ten seconds is fresh enough.
  const fences = usePolled<GeofenceList>('/api/geofences', 10_000);
  const geofences = useMemo(() => fences.data?.geofences ?? [], [fences.data]);
  const filter = useMemo<FleetFilter>(
    () => ({ ...stateFilter, vehicles: facets.data ? vehiclesMatching(facets.data, selection) : null }),
    [stateFilter, facets.data, selection],
  );
  const shown = useMemo(
    () => (isFiltering(filter) ? countShown(store.states, store.ids, store.count, filter) : null),
    [store, filter, stream.version],
  );
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [focus, setFocus] = useState<FocusRequest | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const select = useCallback((vehicleId: string | null, fly: boolean) => {
    setSelectedId(vehicleId);
    if (vehicleId && fly) setFocus({ vehicleId, nonce: Date.now() });
    const url = vehicleId ? `?vehicle=${encodeURIComponent(vehicleId)}` : window.location.pathname;
    window.history.replaceState(null, '', url);
  }, []);

  // A link to /?vehicle=<id> opens with that vehicle selected.
  useEffect(() => {
    const linked = new URLSearchParams(window.location.search).get('vehicle');
    if (linked) setSelectedId(linked);
  }, []);
  // ... and flies to it once the first snapshot has placed it (only then, not on later picks).
  const selectedRef = useRef(selectedId);
  selectedRef.current = selectedId;
  const { loaded } = stream;
  useEffect(() => {
    const linked = selectedRef.current;
    if (loaded && linked) setFocus({ vehicleId: linked, nonce: Date.now() });
  }, [loaded]);

  const pick = useCallback((vehicleId: string) => select(vehicleId, true), [select]);
  const closePanel = useCallback(() => select(null, false), [select]);
  const selectFromMap = useCallback((vehicleId: string | null) => select(vehicleId, false), [select]);

  return (
    <div className="console">
      <header className="topbar">
        <div className="brand">
          <span className="brand-name">FleetTwin</span>
          <StreamPill stream={stream} />
        </div>
        <AppNav />
        <FleetHeader counts={counts} shown={shown} filter={filter} onToggle={toggle} />
        <FacetFilters facets={facets.data} error={facets.error} selection={selection} onChange={setSelection} />
        <VehicleSearch ids={store.ids} version={stream.version} onPick={pick} />
      </header>
      <main className="stage">
        <div className="map-area">
          <FleetMap
            store={store}
            bounds={bounds}
            selectedId={selectedId}
            filter={filter}
            geofences={geofences}
            focus={focus}
            onSelect={selectFromMap}
            onProblem={setProblem}
          />
          <div className="banners">
            {stream.connection === 'reconnecting' && (
              <div className="banner banner-warn" role="status" data-testid="banner-reconnecting">
                Live updates interrupted — reconnecting… The map shows the last positions received.
              </div>
            )}
            {stream.connection === 'live' && stream.nats !== null && stream.nats !== 'connected' && (
              <div className="banner banner-warn" role="status" data-testid="banner-nats">
                The web server cannot reach NATS ({stream.nats}) — showing the last known fleet while it retries.
              </div>
            )}
            {problem && (
              <div className="banner banner-error" role="alert">
                {problem}
                <button type="button" className="icon-button" onClick={() => setProblem(null)} aria-label="dismiss">
                  ×
                </button>
              </div>
            )}
          </div>
          {stream.loaded && store.count === 0 && <EmptyFleet natsUp={stream.nats === 'connected'} />}
          {!stream.loaded && (
            <div className="overlay-card muted" data-testid="loading">
              {stream.connection === 'reconnecting' ? 'Waiting for the web server…' : 'Connecting to the fleet stream…'}
            </div>
          )}
          <MapLegend geofences={geofences.length} />
          <div className="attribution">
            Roads:{' '}
            <a href="https://www.openstreetmap.org/copyright" target="_blank" rel="noreferrer">
              {attribution}
            </a>
          </div>
        </div>
        {selectedId && <TwinPanel vehicleId={selectedId} summary={store.get(selectedId)} onClose={closePanel} />}
      </main>
    </div>
  );
}

function StreamPill({ stream }: { stream: FleetStreamState }) {
  const live = stream.connection === 'live' && stream.nats === 'connected';
  const label = stream.connection !== 'live' ? stream.connection : live ? 'live' : 'no NATS';
  return (
    <span className={`pill ${live ? 'pill-live' : 'pill-warn'}`} data-testid="stream-state">
      {label}
    </span>
  );
}

function EmptyFleet({ natsUp }: { natsUp: boolean }) {
  return (
    <div className="overlay-card" data-testid="empty-fleet">
      <strong>No vehicles yet</strong>
      {natsUp ? (
        <span>
          Is the simulator running? <code>fleet up</code> starts 50.
        </span>
      ) : (
        <span>The web server is not connected to NATS yet, so no twin host can reach it.</span>
      )}
    </div>
  );
}
