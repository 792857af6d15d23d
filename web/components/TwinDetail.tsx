'use client';

import Link from 'next/link';
import { TwinStatus } from './TwinStatus';
import { TwinView } from './TwinView';
import { useTwin } from './useTwin';

/** The twin page: the whole twin, refreshed live. */
export function TwinDetail({ vehicleId }: { vehicleId: string }) {
  const twin = useTwin(vehicleId);
  return (
    <div className="page">
      <nav className="crumbs">
        <Link href="/">← Fleet map</Link>
        <Link href={`/?vehicle=${encodeURIComponent(vehicleId)}`}>Show on the map</Link>
      </nav>
      <h1 className="page-title">{vehicleId}</h1>
      <TwinStatus state={twin} />
      {twin.reply !== undefined && <TwinView twin={twin.reply.twin} />}
    </div>
  );
}
