import { css, geofenceColors, healthColors, motionColors } from '../lib/vehicle-style';

/** What the dots mean (fill is motion, ring is health, fading is lost contact) and the geofences' outlines. */
export function MapLegend({ geofences }: { geofences: number }) {
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
      <span data-testid="geofence-count">{geofences === 1 ? '1 geofence:' : `${geofences} geofences:`}</span>
      {(['keep_out', 'keep_in', 'watch'] as const).map((rule) => (
        <span key={rule}>
          <span className="dot fence" style={{ borderColor: css(geofenceColors[rule]), background: css(geofenceColors[rule], 0.15) }} />
          {rule.replace('_', ' ')} area
        </span>
      ))}
    </div>
  );
}
