import type { FleetCounts } from '../lib/fleet-counts';
import { connectivityColors, css, healthColors, motionColors, type Rgb } from '../lib/vehicle-style';

function Count({ label, value, color, testId }: { label: string; value: number; color?: Rgb; testId: string }) {
  return (
    <span className="count" data-testid={testId}>
      {color && <span className="dot" style={{ background: css(color) }} />}
      <span className="count-value">{value.toLocaleString()}</span>
      <span className="count-label">{label}</span>
    </span>
  );
}

/** The fleet in numbers: how many, what they do, how fresh, how healthy. */
export function FleetHeader({ counts }: { counts: FleetCounts }) {
  return (
    <div className="counts" aria-label="fleet counts">
      <Count label="vehicles" value={counts.vehicles} testId="count-vehicles" />
      <span className="count-group">
        <Count label="driving" value={counts.motion.driving} color={motionColors.driving} testId="count-driving" />
        <Count label="idle" value={counts.motion.idle} color={motionColors.idle} testId="count-idle" />
        <Count label="parked" value={counts.motion.parked} color={motionColors.parked} testId="count-parked" />
      </span>
      <span className="count-group">
        <Count label="online" value={counts.connectivity.online} color={connectivityColors.online} testId="count-online" />
        <Count label="stale" value={counts.connectivity.stale} color={connectivityColors.stale} testId="count-stale" />
        <Count label="offline" value={counts.connectivity.offline} color={connectivityColors.offline} testId="count-offline" />
      </span>
      <span className="count-group">
        <Count label="warn" value={counts.health.warn} color={healthColors.warn} testId="count-warn" />
        <Count label="critical" value={counts.health.critical} color={healthColors.critical} testId="count-critical" />
      </span>
    </div>
  );
}
