// What a long-polling claim needs to know about a newly queued job to decide whether it should
// wake up (issue 14 item 5: an incompatible job must not wake it), and the runner side of that test.

export interface QueuedJobNotice {
  type: string;
  requiredLabels: Record<string, string>;
  customerId: string;
}

export interface WaitingRunner {
  jobTypes: readonly string[];
  labels: Record<string, string>;
  /** null: a shared runner, which runs any customer's jobs */
  customerId: string | null;
}

/** The same rule as the claim statement (job.repository.ts assignNextJob), in memory. */
export function canTake(runner: WaitingRunner, job: QueuedJobNotice): boolean {
  if (!runner.jobTypes.includes(job.type)) return false;
  if (runner.customerId !== null && runner.customerId !== job.customerId) return false;
  return Object.entries(job.requiredLabels).every(([key, value]) => runner.labels[key] === value);
}

/** Where use cases hand queued jobs to be announced once their transaction has committed. */
export interface QueuedJobAnnouncer {
  announce(jobs: readonly QueuedJobNotice[]): void;
}
