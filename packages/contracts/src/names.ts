// Broker names shared by every service (DESIGN.md §3).

/** The one durable topic exchange; routing key = event name. */
export const EVENTS_EXCHANGE = 'runfleet.events';

export const SERVICE_NAMES = ['api-gateway', 'billing', 'reseller', 'runner-registry', 'notifications'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** `<service>.<concern>`, e.g. `billing.job-completed`. */
export function queueName(service: ServiceName | string, concern: string): string {
  return `${service}.${concern}`;
}

/** `<service>.<concern>.dead` */
export function deadLetterQueueName(queue: string): string {
  return `${queue}.dead`;
}
