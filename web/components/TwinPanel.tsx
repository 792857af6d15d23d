'use client';

import Link from 'next/link';
import type { LiveVehicle } from '../lib/fleet-store';
import { TwinStatus } from './TwinStatus';
import { TwinView } from './TwinView';
import { useTwin } from './useTwin';
import { VehicleSummaryCard } from './VehicleSummaryCard';

interface TwinPanelProps {
  vehicleId: string;
  /** From the fleet stream; undefined when the vehicle is not on the map. */
  summary: LiveVehicle | undefined;
  onClose(): void;
}

/** The side panel of the map: the selected vehicle's live summary and its full twin. */
export function TwinPanel({ vehicleId, summary, onClose }: TwinPanelProps) {
  const twin = useTwin(vehicleId);
  return (
    <aside className="panel" aria-label={`vehicle ${vehicleId}`} data-testid="twin-panel">
      <header className="panel-header">
        <h2 title={vehicleId}>{vehicleId}</h2>
        <button type="button" className="icon-button" onClick={onClose} aria-label="close">
          ×
        </button>
      </header>
      <div className="panel-body">
        {summary ? <VehicleSummaryCard summary={summary} /> : <p className="muted">Not on the map right now.</p>}
        <Link className="detail-link" href={`/vehicles/${encodeURIComponent(vehicleId)}`}>
          Open the twin page →
        </Link>
        <TwinStatus state={twin} />
        {twin.reply !== undefined && <TwinView twin={twin.reply.twin} />}
      </div>
    </aside>
  );
}
