import { css, healthColors, motionColors } from '../lib/vehicle-style';

/** What the dots mean: fill is motion, ring is health, fading is lost contact. */
export function MapLegend() {
  return (
    <div className="legend" aria-label="legend">
      {(['driving', 'idle', 'parked'] as const).map((motion) => (
        <span key={motion}>
          <span className="dot" style={{ background: css(motionColors[motion]) }} />
          {motion}
        </span>
      ))}
      {(['warn', 'critical'] as const).map((health) => (
        <span key={health}>
          <span className="dot ring" style={{ borderColor: css(healthColors[health]) }} />
          {health}
        </span>
      ))}
      <span>
        <span className="dot" style={{ background: css(motionColors.driving, 0.35) }} />
        stale / offline
      </span>
    </div>
  );
}
