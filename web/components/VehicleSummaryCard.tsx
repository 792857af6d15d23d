import type { LiveVehicle } from '../lib/fleet-store';
import { formatNumber } from '../lib/format';
import { connectivityColors, css, healthColors, motionColors } from '../lib/vehicle-style';

/** The live line of the fleet stream for one vehicle. */
export function VehicleSummaryCard({ summary }: { summary: LiveVehicle }) {
  return (
    <div className="summary" data-testid="vehicle-summary">
      <div className="chips">
        <span className="chip" style={{ borderColor: css(motionColors[summary.motion]) }}>
          <span className="dot" style={{ background: css(motionColors[summary.motion]) }} />
          {summary.motion}
        </span>
        <span className="chip" style={{ borderColor: css(summary.health === 'ok' ? [74, 222, 128] : healthColors[summary.health]) }}>
          health {summary.health}
        </span>
        <span className="chip" style={{ borderColor: css(connectivityColors[summary.connectivity]) }}>
          {summary.connectivity}
        </span>
      </div>
      <dl className="kv">
        <div className="kv-row">
          <dt>speed</dt>
          <dd>
            {formatNumber(Math.round(summary.speedKph))} km/h · heading {Math.round(summary.headingDeg)}°
          </dd>
        </div>
        <div className="kv-row">
          <dt>position</dt>
          <dd className="num">
            {summary.lat.toFixed(5)}, {summary.lon.toFixed(5)}
          </dd>
        </div>
      </dl>
    </div>
  );
}
