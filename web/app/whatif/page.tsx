import type { Metadata } from 'next';
import { PageShell } from '../../components/PageShell';
import { WhatIfConsole } from '../../components/WhatIfConsole';

export const metadata: Metadata = { title: 'What-if · FleetTwin' };

/** What-if runs for planners. */
export default function WhatIfPage() {
  return (
    <PageShell title="What-if" wide>
      <WhatIfConsole />
    </PageShell>
  );
}
