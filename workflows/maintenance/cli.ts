import { userInfo } from 'node:os';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { idSchema } from '../../twins/telemetry/schema';
import { withClient } from '../cli';
import { approveWorkOrder, completeWorkOrder, listOpenWorkOrders, rejectWorkOrder, workOrderStatus, WorkOrderStateError } from './client';
import { workOrderOutcomes, type OpenWorkOrder, type WorkOrderOutcome, type WorkOrderPhase } from './types';

const phases: WorkOrderPhase[] = ['awaiting_approval', 'scheduling', 'scheduled', 'in_service'];

/** A work order id as the starter makes them: wo-<vehicleId>-<component>. */
function workOrderIdArg(raw: string): string {
  if (!/^wo-[A-Za-z0-9_-]{1,64}-[a-z0-9_]{1,40}$/.test(raw)) {
    throw new InvalidArgumentError(`"${raw}" is not a work order id (wo-<vehicleId>-<component>, as \`fleet workorders list\` shows).`);
  }
  return raw;
}

function vehicleIdArg(raw: string): string {
  if (!idSchema.safeParse(raw).success) throw new InvalidArgumentError(`"${raw}" is not a vehicle id.`);
  return raw;
}

function nonEmpty(what: string) {
  return (raw: string): string => {
    const text = raw.trim();
    if (text.length === 0 || text.length > 500) throw new InvalidArgumentError(`${what} must be 1-500 characters.`);
    return text;
  };
}

export function register(program: Command): void {
  const workorders = program
    .command('workorders')
    .description('Maintenance work orders (Temporal workflows wo-<vehicleId>-<component>): list the open ones, approve, reject, complete');

  workorders
    .command('list')
    .description('List open work orders, most urgent first')
    .option('--vehicle <id>', 'only this vehicle', vehicleIdArg)
    .addOption(new Option('--phase <phase>', 'only orders in this phase').choices(phases))
    .option('--escalated', 'only orders escalated past their SLA')
    .option('--json', 'print JSON')
    .action(async (opts: { vehicle?: string; phase?: WorkOrderPhase; escalated?: boolean; json?: boolean }) => {
      await withClient('workorders list', async (client, temporal) => {
        const orders = await listOpenWorkOrders(client, temporal, {
          ...(opts.vehicle ? { vehicleId: opts.vehicle } : {}),
          ...(opts.phase ? { phase: opts.phase } : {}),
          ...(opts.escalated ? { escalated: true } : {}),
        });
        if (opts.json) console.log(JSON.stringify(orders, null, 2));
        else printOrders(orders);
      });
    });

  workorders
    .command('status')
    .description("Print a work order's full status (triggers, approval, slot, escalations, outcome) as JSON")
    .argument('<workOrderId>', 'e.g. wo-V00001-cooling', workOrderIdArg)
    .action(async (id: string) => {
      await explained('workorders status', async (client) => console.log(JSON.stringify(await workOrderStatus(client, id), null, 2)));
    });

  workorders
    .command('approve')
    .description('Approve a work order waiting for approval: it is booked into a depot slot next')
    .argument('<workOrderId>', 'e.g. wo-V00001-cooling', workOrderIdArg)
    .option('--by <name>', 'who approves (recorded in the audit log)', nonEmpty('--by'), userInfo().username)
    .option('--note <text>', 'why', nonEmpty('--note'))
    .action(async (id: string, opts: { by: string; note?: string }) => {
      await explained('workorders approve', async (client) => {
        await approveWorkOrder(client, id, { by: opts.by, ...(opts.note ? { note: opts.note } : {}) });
        console.log(`${id}: approved by ${opts.by}`);
      });
    });

  workorders
    .command('reject')
    .description('Reject a work order waiting for approval: it closes and the twin leaves "due"')
    .argument('<workOrderId>', 'e.g. wo-V00001-cooling', workOrderIdArg)
    .requiredOption('--reason <text>', 'why (recorded)', nonEmpty('--reason'))
    .option('--by <name>', 'who rejects (recorded in the audit log)', nonEmpty('--by'), userInfo().username)
    .action(async (id: string, opts: { by: string; reason: string }) => {
      await explained('workorders reject', async (client) => {
        await rejectWorkOrder(client, id, { by: opts.by, reason: opts.reason });
        console.log(`${id}: rejected by ${opts.by}`);
      });
    });

  workorders
    .command('complete')
    .description("Record the technician's outcome of an approved order: it closes and the twin is back in service")
    .argument('<workOrderId>', 'e.g. wo-V00001-cooling', workOrderIdArg)
    .addOption(new Option('--outcome <outcome>', 'what the technician found').choices(workOrderOutcomes).makeOptionMandatory())
    .requiredOption('--technician <name>', 'who did the work', nonEmpty('--technician'))
    .option('--notes <text>', 'what was done', nonEmpty('--notes'))
    .action(async (id: string, opts: { outcome: WorkOrderOutcome; technician: string; notes?: string }) => {
      await explained('workorders complete', async (client) => {
        await completeWorkOrder(client, id, { outcome: opts.outcome, technician: opts.technician, ...(opts.notes ? { notes: opts.notes } : {}) });
        console.log(`${id}: outcome ${opts.outcome} recorded`);
      });
    });
}

/** withClient, plus a request the order's state refuses: one line, exit 1. */
async function explained(command: string, work: Parameters<typeof withClient>[1]): Promise<void> {
  await withClient(command, async (...args) => {
    try {
      await work(...args);
    } catch (err) {
      if (!(err instanceof WorkOrderStateError)) throw err;
      console.error(`fleet ${command}: ${err.message}`);
      process.exitCode = 1;
    }
  });
}

function printOrders(orders: OpenWorkOrder[]): void {
  if (orders.length === 0) {
    console.log('no open work orders');
    return;
  }
  const rows = orders.map((o) => [
    o.workflowId, o.phase + (o.escalated ? ' (escalated)' : ''), o.risk.toFixed(2), o.depotId ?? '-', new Date(o.openedAt).toISOString().slice(0, 16), o.reason,
  ]);
  const header = ['ORDER', 'PHASE', 'RISK', 'DEPOT', 'OPENED (UTC)', 'REASON'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const row of [header, ...rows]) console.log(row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '));
}
