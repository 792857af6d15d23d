'use client';

import { facetNames, facetValues, type FacetName, type FacetSelection, type FleetFacets } from '../lib/fleet-facets';

interface FacetFiltersProps {
  facets: FleetFacets | undefined;
  /** Why the registry could not be read (the map works without it). */
  error: string | null;
  selection: FacetSelection;
  onChange(selection: FacetSelection): void;
}

const labels: Record<FacetName, string> = { region: 'Region', model: 'Model', firmware: 'Firmware' };

/** Region, model and firmware pickers from the registry; each narrows the map to the vehicles that match. */
export function FacetFilters({ facets, error, selection, onChange }: FacetFiltersProps) {
  if (!facets) {
    return error ? (
      <span className="facet-error muted" title={error} data-testid="facets-error">
        filters unavailable
      </span>
    ) : null;
  }
  return (
    <div className="facets" aria-label="registry filters">
      {facetNames.map((name) => (
        <label key={name} className="facet">
          <span className="facet-label">{labels[name]}</span>
          <select
            value={selection[name] ?? ''}
            data-testid={`facet-${name}`}
            onChange={(e) => {
              const { [name]: _dropped, ...rest } = selection;
              onChange(e.target.value === '' ? rest : { ...rest, [name]: e.target.value });
            }}
          >
            <option value="">any</option>
            {facetValues(facets, name).map(({ value, vehicles }) => (
              <option key={value} value={value}>
                {value} ({vehicles.toLocaleString()})
              </option>
            ))}
          </select>
        </label>
      ))}
    </div>
  );
}
