// Stopping and starting the RabbitMQ application on this machine (the Erlang node stays up), which
// to clients looks like a broker restart. Only under withBrokerRestartLock.
import { execFile } from 'node:child_process';

function rabbitmqctl(...args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('rabbitmqctl', args, { timeout: 60_000 }, (err, _stdout, stderr) => {
      if (err) reject(new Error(`rabbitmqctl ${args.join(' ')}: ${err.message} ${stderr}`));
      else resolve();
    });
  });
}

export const stopBroker = () => rabbitmqctl('stop_app');
export const startBroker = async () => {
  await rabbitmqctl('start_app');
  await rabbitmqctl('await_startup');
};
