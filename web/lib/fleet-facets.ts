/**
 * Registry facets the map filters by besides the twins' own states: per facet, each value and the
 * ids of the vehicles that have it (a vehicle has one region and one model, and the firmware
 * versions of all its devices).
 */
export const facetNames = ['region', 'model', 'firmware'] as const;
export type FacetName = (typeof facetNames)[number];
export type FleetFacets = Record<FacetName, Record<string, string[]>>;

/** The value chosen per facet; absent: any. */
export type FacetSelection = Partial<Record<FacetName, string>>;

/** The facet's values, most common first, with their vehicle counts. */
export function facetValues(facets: FleetFacets, name: FacetName): Array<{ value: string; vehicles: number }> {
  return Object.entries(facets[name])
    .map(([value, ids]) => ({ value, vehicles: ids.length }))
    .sort((a, b) => b.vehicles - a.vehicles || a.value.localeCompare(b.value));
}

/** Vehicle ids that match every chosen facet; null when nothing is chosen (every vehicle passes). */
export function vehiclesMatching(facets: FleetFacets, selection: FacetSelection): ReadonlySet<string> | null {
  let allowed: Set<string> | null = null;
  for (const name of facetNames) {
    const value = selection[name];
    if (value === undefined) continue;
    const ids: string[] = facets[name][value] ?? [];
    allowed = allowed === null ? new Set(ids) : new Set(ids.filter((id) => allowed!.has(id)));
  }
  return allowed;
}
