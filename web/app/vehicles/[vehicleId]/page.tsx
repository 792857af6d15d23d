import type { Metadata } from 'next';
import Link from 'next/link';
import { idSchema } from '../../../../twins/telemetry/schema';
import { TwinDetail } from '../../../components/TwinDetail';
import { decodeParam } from '../../../lib/decode-param';

interface VehiclePageProps {
  params: Promise<{ vehicleId: string }>;
}

export async function generateMetadata({ params }: VehiclePageProps): Promise<Metadata> {
  const vehicleId = decodeParam((await params).vehicleId);
  return { title: `${vehicleId} · FleetTwin` };
}

/** One vehicle's twin, full page. */
export default async function VehiclePage({ params }: VehiclePageProps) {
  const vehicleId = decodeParam((await params).vehicleId);
  const id = idSchema.safeParse(vehicleId);
  if (!id.success) {
    return (
      <div className="page">
        <Link href="/">← Fleet map</Link>
        <div className="notice notice-error" role="alert">
          <strong>Not a vehicle id: {JSON.stringify(vehicleId.slice(0, 80))}</strong>
          <span>{id.error.issues[0]?.message}</span>
        </div>
      </div>
    );
  }
  return <TwinDetail vehicleId={id.data} />;
}
