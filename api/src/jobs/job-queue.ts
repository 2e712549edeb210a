import type { EntityManager } from '@mikro-orm/postgresql';

/** Names of the pg-boss queues. */
export const Queue = {
  pmkCompute: 'pmk-compute',
  pmkBackfill: 'pmk-backfill',
  cleanup: 'cleanup',
  mailSend: 'mail-send',
  credentialDelivery: 'credential-delivery',
} as const;

export interface MailJobOptions {
  /** Total delivery attempts (pg-boss retries one less). */
  attempts: number;
  retryDelaySeconds: number;
  /** Higher goes first (pg-boss priority); default 0. */
  priority?: number;
}

/** What services need from the job system (pg-boss in production; a recorder in unit tests). */
export interface JobQueue {
  computePmks(memberId: string): Promise<void>;
  backfillPmks(): Promise<void>;
  /**
   * Queues delivery of an outbox message. With `em`, the job is written in that EntityManager's
   * transaction: it exists only if the message does.
   */
  sendMail(messageId: string, opts: MailJobOptions, em?: EntityManager): Promise<void>;
}
