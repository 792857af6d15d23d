import type { Metadata } from 'next';
import { connection } from 'next/server';
import { PageShell } from '../../components/PageShell';
import { WorkOrderQueue } from '../../components/WorkOrderQueue';
import { temporalUiWorkflowsUrl } from '../../server/temporal-ui';

export const metadata: Metadata = { title: 'Work orders · FleetTwin' };

/** The maintenance work-order queue. */
export default async function WorkOrdersPage() {
  await connection(); // the Temporal UI's address is the running server's setting, not the build's
  return (
    <PageShell title="Work orders" wide>
      <WorkOrderQueue temporalUi={temporalUiWorkflowsUrl()} />
    </PageShell>
  );
}
