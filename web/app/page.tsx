import { FleetConsole } from '../components/FleetConsole';
import { monacoBasemap } from '../server/monaco-basemap';

/** The live fleet map. The road data itself comes from /api/basemap; the view is fitted now. */
export default function FleetPage() {
  return <FleetConsole bounds={monacoBasemap.bounds} attribution={monacoBasemap.attribution} />;
}
