// Turbopack loads *.geojson as JSON (next.config.ts); the basemap module validates what it reads.
declare module '*.geojson' {
  const value: unknown;
  export default value;
}
