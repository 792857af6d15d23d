import type { Metadata } from 'next';
import { connection } from 'next/server';
import { OtaCampaigns } from '../../components/OtaCampaigns';
import { PageShell } from '../../components/PageShell';
import { temporalUiWorkflowsUrl } from '../../server/temporal-ui';

export const metadata: Metadata = { title: 'OTA campaigns · FleetTwin' };

/** Firmware rollouts: start, follow by wave, pause, resume, abort. */
export default async function OtaPage() {
  await connection(); // the Temporal UI's address is the running server's setting, not the build's
  return (
    <PageShell title="OTA campaigns" wide>
      <OtaCampaigns temporalUi={temporalUiWorkflowsUrl()} />
    </PageShell>
  );
}
