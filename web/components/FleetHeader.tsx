import type { FilterDimension, FleetCounts, FleetFilter } from '../lib/fleet-counts';
import { connectivityColors, css, healthColors, motionColors, type Rgb } from '../lib/vehicle-style';

interface CountProps {
  label: string;
  value: number;
  color?: Rgb;
  testId: string;
  /** Present for counts that double as filter toggles. */
  hidden?: boolean;
  onToggle?(): void;
}

function Count({ label, value, color, testId, hidden, onToggle }: CountProps) {
  const content = (
    <>
      {color && <span className="dot" style={{ background: css(color) }} />}
      <span className="count-value">{value.toLocaleString()}</span>
      <span className="count-label">{label}</span>
    </>
  );
  if (!onToggle) {
    return (
      <span className="count" data-testid={testId}>
        {content}
      </span>
    );
  }
  return (
    <button
      type="button"
      className={`count count-toggle${hidden ? ' count-hidden' : ''}`}
      data-testid={testId}
      aria-pressed={!hidden}
      title={hidden ? `show ${label} vehicles` : `hide ${label} vehicles`}
      onClick={onToggle}
    >
      {content}
    </button>
  );
}

interface FleetHeaderProps {
  counts: FleetCounts;
  /** How many the filters leave on the map; null when nothing is filtered. */
  shown: number | null;
  filter: FleetFilter;
  onToggle(dimension: FilterDimension, value: string): void;
}

/** The fleet in numbers — how many, what they do, how fresh, how healthy — and, by a click, a filter. */
export function FleetHeader({ counts, shown, filter, onToggle }: FleetHeaderProps) {
  const toggle = (dimension: FilterDimension, value: string) => ({
    hidden: (filter[dimension] as ReadonlySet<string>).has(value),
    onToggle: () => onToggle(dimension, value),
  });
  return (
    <div className="counts" aria-label="fleet counts and filters">
      <Count label="vehicles" value={counts.vehicles} testId="count-vehicles" />
      {shown !== null && <Count label="shown" value={shown} testId="count-shown" />}
      <span className="count-group">
        <Count label="driving" value={counts.motion.driving} color={motionColors.driving} testId="count-driving" {...toggle('motion', 'driving')} />
        <Count label="idle" value={counts.motion.idle} color={motionColors.idle} testId="count-idle" {...toggle('motion', 'idle')} />
        <Count label="parked" value={counts.motion.parked} color={motionColors.parked} testId="count-parked" {...toggle('motion', 'parked')} />
      </span>
      <span className="count-group">
        <Count label="online" value={counts.connectivity.online} color={connectivityColors.online} testId="count-online" {...toggle('connectivity', 'online')} />
        <Count label="stale" value={counts.connectivity.stale} color={connectivityColors.stale} testId="count-stale" {...toggle('connectivity', 'stale')} />
        <Count label="offline" value={counts.connectivity.offline} color={connectivityColors.offline} testId="count-offline" {...toggle('connectivity', 'offline')} />
      </span>
      <span className="count-group">
        <Count label="ok" value={counts.health.ok} color={[74, 222, 128]} testId="count-ok" {...toggle('health', 'ok')} />
        <Count label="warn" value={counts.health.warn} color={healthColors.warn} testId="count-warn" {...toggle('health', 'warn')} />
        <Count label="critical" value={counts.health.critical} color={healthColors.critical} testId="count-critical" {...toggle('health', 'critical')} />
      </span>
    </div>
  );
}
