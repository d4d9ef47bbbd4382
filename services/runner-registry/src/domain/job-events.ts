// The fields every job event carries (packages/contracts `customerJob`), from a job record.
import type { JobRecord } from '../data/job.repository';

export function jobEventBase(job: JobRecord): { jobId: string; projectId: string; customerId: string; resellerId: string | null; type: string } {
  return { jobId: job.id, projectId: job.projectId, customerId: job.customerId, resellerId: job.resellerId, type: job.type };
}
