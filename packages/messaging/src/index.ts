// Runfleet's reliable messaging over RabbitMQ (DESIGN.md §3, §6; docs/messaging.md): outbox,
// relay, publisher, consumers with inbox, retries and dead letters, metrics.
export * from './amqp-connection';
export * from './consumer';
export * from './database-errors';
export * from './dead-letters';
export * from './event-envelope';
export * from './inbox';
export * from './message-headers';
export * from './messaging';
export * from './messaging-metrics';
export * from './outbox-relay';
export * from './outbox-writer';
export * from './publisher';
export * from './queue-subscription';
export * from './sql-executor';
export * from './topology';
export * from './outbox-events';
