/** Names of the pg-boss queues. */
export const Queue = {
  pmkCompute: 'pmk-compute',
  pmkBackfill: 'pmk-backfill',
  cleanup: 'cleanup',
} as const;

/** What services need from the job system (pg-boss in production; a recorder in unit tests). */
export interface JobQueue {
  computePmks(memberId: string): Promise<void>;
  backfillPmks(): Promise<void>;
}
