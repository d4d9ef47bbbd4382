// Keeps the registry's read model of customers and projects (issue 14 item 4): jobs run only in
// an active project of an active customer, and the registry never asks the reseller service.
import type { Envelope, EventData } from '@runfleet/contracts';
import type { Db } from '../db';
import { recordCustomerCreated, recordCustomerUpdated, recordProject } from '../data/account.repository';

export const ACCOUNT_EVENTS = ['customer.created', 'customer.updated', 'project.created', 'project.archived'] as const;
export type AccountEvent = (typeof ACCOUNT_EVENTS)[number];

export type AccountEnvelope = {
  [N in AccountEvent]: Pick<Envelope, 'occurredAt'> & { type: N; data: EventData<N> };
}[AccountEvent];

export async function applyAccountEvent(tx: Db, envelope: AccountEnvelope): Promise<void> {
  const occurredAt = new Date(envelope.occurredAt);
  switch (envelope.type) {
    case 'customer.created':
      return recordCustomerCreated(tx, { id: envelope.data.customerId, resellerId: envelope.data.resellerId, currency: envelope.data.currency, occurredAt });
    case 'customer.updated':
      return recordCustomerUpdated(tx, { id: envelope.data.customerId, resellerId: envelope.data.resellerId, active: envelope.data.active, occurredAt });
    case 'project.created':
    case 'project.archived':
      return recordProject(tx, {
        id: envelope.data.projectId,
        customerId: envelope.data.customerId,
        resellerId: envelope.data.resellerId,
        name: envelope.data.name,
        archived: envelope.type === 'project.archived',
      });
  }
}
