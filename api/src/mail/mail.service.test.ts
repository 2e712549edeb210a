import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import type { EntityManager } from '@mikro-orm/postgresql';
import { SecretBox } from '../common/crypto/secret-box.js';
import { createLogger } from '../common/logger.js';
import type { MemberCredentials } from '../features/members/member-credentials.js';
import type { JobQueue, MailJobOptions } from '../jobs/job-queue.js';
import { TemplateKey } from './default-templates.js';
import { MailService } from './mail.service.js';

/** Just enough of an EntityManager for enqueue(): no saved templates, rows get ids. */
function fakeEm(): EntityManager {
  let n = 0;
  return {
    findOne: async () => null,
    create: (_entity: unknown, data: Record<string, unknown>) => ({ id: `msg-${++n}`, ...data }),
    flush: async () => undefined,
    getReference: (_entity: unknown, id: string) => ({ id }),
  } as unknown as EntityManager;
}

describe('MailService.enqueue', () => {
  it('queues sign-in links ahead of other mail (a big sync queues hundreds of credential emails)', async () => {
    const queued: Array<{ messageId: string; opts: MailJobOptions }> = [];
    const jobs: JobQueue = {
      computePmks: async () => undefined,
      backfillPmks: async () => undefined,
      sendMail: async (messageId, opts) => void queued.push({ messageId, opts }),
    };
    const mail = new MailService(
      {
        smtpUrl: 'smtp://127.0.0.1:2525',
        publicUrl: 'http://localhost:4000',
        mail: { from: 'wifi@example.com', maxAttempts: 3, retryDelaySeconds: 5 },
      },
      jobs,
      {} as MemberCredentials,
      SecretBox.fromHex(randomBytes(32).toString('hex')),
      createLogger('silent'),
    );
    const em = fakeEm();
    await mail.enqueue(em, {
      template: TemplateKey.memberCredentials,
      to: 'ada@example.com',
      vars: {
        member_name: 'Ada',
        space_name: 'Soho',
        ssid: 'Soho',
        username: 'ada@example.com',
        password: 'a-passphrase-1',
        portal_url: 'http://localhost:4000/portal/soho',
        profile_url: 'http://localhost:4000/portal/soho#profiles',
      },
    });
    await mail.enqueue(em, {
      template: TemplateKey.magicLink,
      to: 'ada@example.com',
      vars: { member_name: 'Ada', space_name: 'Soho', link: 'http://localhost:4000/x', expires_minutes: 15 },
    });
    assert.deepEqual(
      queued.map((q) => [q.messageId, q.opts.priority, q.opts.attempts]),
      [
        ['msg-1', 0, 3],
        ['msg-2', 10, 3],
      ],
    );
  });
});
