/**
 * Makes and models of the simulated vans, as a delivery fleet's registry lists them; listed once
 * per share of the fleet, so an even pick gives a plausible mix. They change nothing in how a van
 * drives: they let operators filter the map and OTA campaigns tell fleets apart.
 */
export const vanModels = [
  { make: 'Ford', model: 'Transit' },
  { make: 'Ford', model: 'Transit' },
  { make: 'Ford', model: 'Transit' },
  { make: 'Mercedes-Benz', model: 'Sprinter' },
  { make: 'Mercedes-Benz', model: 'Sprinter' },
  { make: 'Renault', model: 'Master' },
  { make: 'Fiat', model: 'Ducato' },
  { make: 'Volkswagen', model: 'Crafter' },
] as const;

export type VanModel = (typeof vanModels)[number];
