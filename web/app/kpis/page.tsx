import type { Metadata } from 'next';
import { KpiBoard } from '../../components/KpiBoard';
import { PageShell } from '../../components/PageShell';

export const metadata: Metadata = { title: 'KPIs · FleetTwin' };

/** The fleet's KPIs against their targets. */
export default function KpisPage() {
  return (
    <PageShell title="KPIs" wide>
      <KpiBoard />
    </PageShell>
  );
}
