import type { Metadata } from 'next';
import { PageShell } from '../../components/PageShell';
import { SimConsole } from '../../components/SimConsole';

export const metadata: Metadata = { title: 'Simulator · FleetTwin' };

/** Simulator control for QA. */
export default function SimPage() {
  return (
    <PageShell title="Simulator" wide>
      <SimConsole />
    </PageShell>
  );
}
