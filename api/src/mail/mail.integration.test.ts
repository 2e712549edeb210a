import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RateLimiter } from '../common/rate-limiter.js';
import { cleanup } from '../jobs/cleanup.job.js';
import { SMTP_MAX_CONNECTIONS } from './mail.service.js';
import { codeOf, ok, startTestApi, waitFor, type TestApi } from '../test-support/api-harness.js';
import { createLocation, createMember, setupOwner } from '../test-support/factories.js';
import { parts, startSmtpSink, type SmtpSink } from '../test-support/smtp-sink.js';

const SMTP_USER = 'smtp-login-user';
const SMTP_PASS = 'smtp-secret-pass';
const RESEND = `mutation($id: ID!) { resendMemberCredentials(memberId: $id) { outboxMessage { id status toAddress templateKey } } }`;
const OUTBOX = `query($s: OutboxStatus) { outboxMessages(first: 50, status: $s) { totalCount nodes { id status toAddress templateKey attempts lastError sentAt memberId subject html text } } }`;
const REVEAL = `mutation($id: ID!) { revealMemberPassphrase(memberId: $id) }`;
const UPDATE = `mutation($i: EmailTemplateInput!) { updateEmailTemplate(input: $i) { emailTemplate { key customized subject updatedAt } } }`;
const PREVIEW = `query($i: EmailTemplateInput!) { previewEmailTemplate(input: $i) { subject html text } }`;

let sink: SmtpSink;
let smtp: TestApi;
let captured: TestApi;
let owner: string;
let capturedOwner: string;
let loc: { id: string; slug: string };

const rowOf = async (t: TestApi, id: string) =>
  (await t.api.orm.em.fork().execute('select * from outbox_message where id = ?', [id]))[0] as Record<
    string,
    unknown
  >;

const em = () => captured.api.orm.em.fork();
const limiter = { prune: async () => 0 } as unknown as RateLimiter;
const resendCaptured = async (memberId: string): Promise<string> =>
  ok(await captured.gql(RESEND, { id: memberId }, { token: capturedOwner })).resendMemberCredentials
    .outboxMessage.id;
/** Makes a captured message `days` old (and gives it `status`); its member's passphrase is older still. */
async function age(id: string, days: number, status = 'CAPTURED'): Promise<void> {
  await em().execute(
    `update outbox_message set status = ?, created_at = now() - make_interval(days => ?) where id = ?`,
    [status, days, id],
  );
  await em().execute(
    `update member set passphrase_updated_at = now() - make_interval(days => ?)
      where id = (select member_id from outbox_message where id = ?) and passphrase_updated_at > now() - make_interval(days => ?)`,
    [days + 1, id, days],
  );
}

const outbox = async (t: TestApi, token: string, status?: string) =>
  ok(await t.gql(OUTBOX, { s: status ?? null }, { token })).outboxMessages.nodes as Array<
    Record<string, any>
  >;

before(async () => {
  sink = await startSmtpSink();
  smtp = await startTestApi({
    env: {
      SMTP_URL: sink.url({ user: SMTP_USER, pass: SMTP_PASS }),
      MAIL_FROM: 'Harbour WiFi <wifi@example.com>',
      MAIL_MAX_ATTEMPTS: '2',
      MAIL_RETRY_DELAY_SECONDS: '1',
    },
  });
  owner = await setupOwner(smtp);
  loc = await createLocation(smtp, owner, { name: 'Harbour & Co', ssids: ['Harbour<5G>'] });
  captured = await startTestApi();
  capturedOwner = await setupOwner(captured);
});
after(async () => {
  await smtp?.stop();
  await captured?.stop();
  await sink?.stop();
});

describe('mail delivery over SMTP', () => {
  it('sends the credentials mail with a text and an escaped HTML part to the member', async () => {
    const m = await createMember(smtp, owner, [loc.id], { fullName: `Ada <b>"O'Neil" & co` });
    const passphrase = ok(await smtp.gql(REVEAL, { id: m.id }, { token: owner })).revealMemberPassphrase;
    const r = ok(await smtp.gql(RESEND, { id: m.id }, { token: owner })).resendMemberCredentials;
    assert.equal(r.outboxMessage.status, 'PENDING');
    assert.equal(r.outboxMessage.templateKey, 'member-credentials');
    const mail = await waitFor(async () => sink.received.find((x) => x.to.includes(m.email)), 20_000, 'mail');
    assert.deepEqual(mail.to, [m.email]);
    assert.equal(mail.from, 'wifi@example.com');
    assert.equal(mail.user, SMTP_USER);
    const p = parts(mail.raw);
    assert.match(p.headers, /multipart\/alternative/i);
    assert.ok(p.text && p.html, 'both parts');
    assert.ok(p.text.includes(`Ada <b>"O'Neil" & co`), 'text part is not escaped');
    assert.ok(p.text.includes(passphrase));
    assert.ok(p.text.includes('Harbour<5G>'));
    assert.ok(p.html.includes('Ada &lt;b&gt;&#34;O&#39;Neil&#34; &amp; co'), 'HTML part is escaped');
    assert.ok(!p.html.includes('<b>"O'));
    assert.ok(p.html.includes('Harbour&lt;5G&gt;'));
    assert.ok(p.html.includes(`/portal/${loc.slug}`));
    const sent = await waitFor(async () => {
      const row = (await outbox(smtp, owner)).find((x) => x.id === r.outboxMessage.id);
      return row?.status === 'SENT' ? row : null;
    });
    assert.equal(sent.attempts, 1);
    assert.equal(sent.memberId, m.id);
    assert.ok(sent.sentAt);
    assert.ok(sent.subject, 'subject, recipient and template stay for the record');
    assert.equal(sent.text, null, 'the body is cleared once sent');
    assert.equal(sent.html, null);
    assert.ok(!JSON.stringify(await rowOf(smtp, sent.id)).includes(passphrase));
  });

  it('retries a rejected message, then marks it FAILED without SMTP credentials in the error', async () => {
    const m = await createMember(smtp, owner, [loc.id], { email: `bounce-${Date.now()}@example.com` });
    const r = ok(await smtp.gql(RESEND, { id: m.id }, { token: owner })).resendMemberCredentials;
    const failed = await waitFor(
      async () => {
        const row = (await outbox(smtp, owner, 'FAILED')).find((x) => x.id === r.outboxMessage.id);
        return row ?? null;
      },
      30_000,
      'FAILED',
    );
    assert.equal(failed.attempts, 2);
    assert.equal(sink.rejected, 2);
    assert.match(failed.lastError, /550/);
    assert.ok(!failed.lastError.includes(SMTP_USER) && !failed.lastError.includes(SMTP_PASS));
    assert.equal(failed.sentAt, null);
  });

  it('fails a message whose body cannot be decrypted, without sending anything', async () => {
    const r = ok(
      await smtp.gql(RESEND, { id: (await createMember(smtp, owner, [loc.id])).id }, { token: owner }),
    );
    const source = r.resendMemberCredentials.outboxMessage.id;
    const id = '01a20be2-0000-7000-8000-0000000000aa';
    const to = `undecryptable-${Date.now()}@example.com`;
    // The other row's ciphertext (its AAD names that message), or none if it was sent already.
    await smtp.api.orm.em.fork().execute(
      `insert into outbox_message (id, to_address, subject, template_key, status, attempts, body_enc)
         select ?, ?, subject, template_key, 'PENDING', 0, body_enc from outbox_message where id = ?`,
      [id, to, source],
    );
    await smtp.api.services.mail.deliver(smtp.api.orm.em.fork(), id);
    const row = await rowOf(smtp, id);
    assert.equal(row.status, 'FAILED');
    assert.equal(row.attempts, 0);
    assert.ok(!sink.received.some((x) => x.to.includes(to)));
  });

  it('shows bodies only to callers with the secrets permission', async () => {
    const key = ok(
      await smtp.gql(
        `mutation { createApiKey(input: { name: "audit", scopes: [READ, AUDIT_READ] }) { key } }`,
        {},
        { token: owner },
      ),
    ).createApiKey.key;
    const rows = await outbox(smtp, key);
    assert.ok(rows.length > 0);
    for (const row of rows) {
      assert.equal(row.html, null);
      assert.equal(row.text, null);
    }
    const reader = ok(
      await smtp.gql(
        `mutation { createApiKey(input: { name: "r", scopes: [READ] }) { key } }`,
        {},
        { token: owner },
      ),
    ).createApiKey.key;
    assert.equal(codeOf(await smtp.gql(OUTBOX, {}, { token: reader })), 'FORBIDDEN');
  });
});

describe('SMTP connections', () => {
  it('are pooled (a burst of mail shares a few) and closed when the API stops', async () => {
    const own = await startSmtpSink();
    const t = await startTestApi({ env: { SMTP_URL: own.url() } });
    try {
      const token = await setupOwner(t);
      const l = await createLocation(t, token);
      for (let i = 0; i < 6; i++) {
        const m = await createMember(t, token, [l.id]);
        ok(await t.gql(RESEND, { id: m.id }, { token }));
      }
      await waitFor(async () => own.received.length >= 6 || null, 20_000, 'six mails');
      assert.ok(own.connections <= SMTP_MAX_CONNECTIONS, `${own.connections} connections for six mails`);
      assert.ok(own.open > 0, 'the pool keeps a connection for the next mail');
    } finally {
      await t.stop();
    }
    await waitFor(async () => own.open === 0 || null, 5_000, 'the pool closed at stop');
    await own.stop();
  });
});

describe('mail without SMTP_URL', () => {
  it('keeps the message in the outbox as CAPTURED', async () => {
    const l = await createLocation(captured, capturedOwner);
    const m = await createMember(captured, capturedOwner, [l.id]);
    const r = ok(await captured.gql(RESEND, { id: m.id }, { token: capturedOwner })).resendMemberCredentials;
    assert.equal(r.outboxMessage.status, 'CAPTURED');
    const row = (await outbox(captured, capturedOwner, 'CAPTURED')).find((x) => x.id === r.outboxMessage.id)!;
    assert.equal(row.toAddress, m.email);
    assert.equal(row.attempts, 0);
    const passphrase = ok(
      await captured.gql(REVEAL, { id: m.id }, { token: capturedOwner }),
    ).revealMemberPassphrase;
    assert.ok(row.html.includes(passphrase), 'admins with the secrets permission read bodies');
    assert.ok(row.text.includes(passphrase));
    assert.ok(!sink.received.some((x) => x.to.includes(m.email)));
    assert.ok(!JSON.stringify(await rowOf(captured, row.id)).includes(passphrase), 'encrypted at rest');
  });

  it("refuses a body copied from another message's row", async () => {
    const l = await createLocation(captured, capturedOwner);
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const m = await createMember(captured, capturedOwner, [l.id]);
      ids.push(
        ok(await captured.gql(RESEND, { id: m.id }, { token: capturedOwner })).resendMemberCredentials
          .outboxMessage.id,
      );
    }
    await captured.api.orm.em
      .fork()
      .execute(
        'update outbox_message set body_enc = (select body_enc from outbox_message where id = ?) where id = ?',
        [ids[0], ids[1]],
      );
    const rows = await outbox(captured, capturedOwner, 'CAPTURED');
    assert.ok(rows.find((x) => x.id === ids[0])!.text);
    const copied = rows.find((x) => x.id === ids[1])!;
    assert.equal(copied.text, null);
    assert.equal(copied.html, null);
  });
});

describe('outbox retention', () => {
  it('prunes sent, failed and captured messages after 30 days, keeping pending and recent ones', async () => {
    const l = await createLocation(captured, capturedOwner);
    const cases = [
      ['SENT', 31, false],
      ['FAILED', 31, false],
      ['SENT', 29, true],
      ['CAPTURED', 29, true],
      ['PENDING', 31, true],
    ] as const;
    const ids: string[] = [];
    for (const [status, days] of cases) {
      const m = await createMember(captured, capturedOwner, [l.id]);
      const id = await resendCaptured(m.id);
      await age(id, days, status);
      ids.push(id);
    }
    // an old sign-in link, and a credentials mail superseded by a newer one
    const m = await createMember(captured, capturedOwner, [l.id]);
    const magic = await resendCaptured(m.id);
    await em().execute(`update outbox_message set template_key = 'magic-link' where id = ?`, [magic]);
    await age(magic, 31);
    const older = await resendCaptured(m.id);
    await age(older, 40);
    const newest = await resendCaptured(m.id);
    await age(newest, 35);

    const counts = await cleanup(em(), limiter);
    assert.ok(counts.outboxMessages! >= 2);
    assert.ok(counts.capturedMessages! >= 2);
    for (const [i, [, , kept]] of cases.entries()) {
      assert.equal(Boolean(await rowOf(captured, ids[i]!)), kept, `${cases[i]!.join(' ')}`);
    }
    assert.equal(Boolean(await rowOf(captured, magic)), false, 'an old sign-in link goes');
    assert.equal(Boolean(await rowOf(captured, older)), false, 'a superseded credentials mail goes');
    assert.equal(Boolean(await rowOf(captured, newest)), true, "the member's newest credentials mail stays");
  });

  it('drops a captured credentials mail once the passphrase changed or the member was deleted', async () => {
    const l = await createLocation(captured, capturedOwner);
    const rotated = await createMember(captured, capturedOwner, [l.id]);
    const deleted = await createMember(captured, capturedOwner, [l.id]);
    const ids = [await resendCaptured(rotated.id), await resendCaptured(deleted.id)];
    for (const id of ids) await age(id, 31);
    ok(
      await captured.gql(
        `mutation($id: ID!) { rotateMemberPassphrase(memberId: $id) { member { id } } }`,
        { id: rotated.id },
        { token: capturedOwner },
      ),
    );
    ok(
      await captured.gql(
        `mutation($id: ID!) { deleteMember(memberId: $id) { member { id } } }`,
        { id: deleted.id },
        { token: capturedOwner },
      ),
    );
    await cleanup(em(), limiter);
    for (const id of ids) assert.equal(Boolean(await rowOf(captured, id)), false);
  });
});

describe('email templates', () => {
  const base = {
    key: 'member-credentials',
    subject: 'Hi {{ member_name }}',
    html: '<p>{{ password }}</p>',
    text: '{{ password }}',
  };

  it('lists both built-in templates as defaults', async () => {
    const list = ok(
      await smtp.gql(`{ emailTemplates { key customized variables updatedAt } }`, {}, { token: owner }),
    ).emailTemplates as Array<Record<string, any>>;
    const keys = list.map((x) => x.key).sort();
    assert.deepEqual(keys, ['magic-link', 'member-credentials']);
    const magic = list.find((x) => x.key === 'magic-link')!;
    assert.deepEqual([...magic.variables].sort(), ['expires_minutes', 'link', 'member_name', 'space_name']);
  });

  it('refuses a syntax error at save time with its line, and an unknown variable', async () => {
    const r = await smtp.gql(
      UPDATE,
      { i: { ...base, html: '<p>\n{% if password %}\nno end' } },
      { token: owner },
    );
    assert.equal(codeOf(r), 'VALIDATION_FAILED');
    const problem = r.errors![0]!.extensions!.problems[0];
    assert.equal(problem.field, 'html');
    assert.equal(problem.code, 'TEMPLATE_SYNTAX');
    assert.equal(typeof problem.line, 'number');
    const unknown = await smtp.gql(
      UPDATE,
      { i: { ...base, text: 'line one\n{{ secret_sauce }}' } },
      { token: owner },
    );
    assert.equal(codeOf(unknown), 'VALIDATION_FAILED');
    assert.equal(unknown.errors![0]!.extensions!.problems[0].code, 'TEMPLATE_UNKNOWN_VARIABLE');
    assert.equal(unknown.errors![0]!.extensions!.problems[0].line, 2);
    const include = await smtp.gql(
      UPDATE,
      { i: { ...base, text: "{% include '/etc/passwd' %}" } },
      { token: owner },
    );
    assert.equal(codeOf(include), 'VALIDATION_FAILED');
  });

  it('previews with sample values, escaping only the HTML part', async () => {
    const p = ok(
      await smtp.gql(
        PREVIEW,
        { i: { ...base, html: '<i>{{ member_name }}</i>{{ "<x>" }}', text: '{{ "<x>" }}' } },
        { token: owner },
      ),
    ).previewEmailTemplate;
    assert.equal(p.subject, 'Hi Ada Lovelace');
    assert.equal(p.html, '<i>Ada Lovelace</i>&lt;x&gt;');
    assert.equal(p.text, '<x>');
  });

  it('uses a saved template for new mail, and the default again after a reset', async () => {
    const saved = ok(
      await smtp.gql(UPDATE, { i: { ...base, subject: 'Custom for {{ member_name }}' } }, { token: owner }),
    ).updateEmailTemplate.emailTemplate;
    assert.equal(saved.customized, true);
    assert.ok(saved.updatedAt);
    const m = await createMember(smtp, owner, [loc.id], { fullName: 'Grace' });
    ok(await smtp.gql(RESEND, { id: m.id }, { token: owner }));
    const mail = await waitFor(async () => sink.received.find((x) => x.to.includes(m.email)), 20_000, 'mail');
    assert.match(parts(mail.raw).headers, /Subject: Custom for Grace/);
    const reset = ok(
      await smtp.gql(
        `mutation { resetEmailTemplate(key: "member-credentials") { emailTemplate { customized subject } } }`,
        {},
        { token: owner },
      ),
    ).resetEmailTemplate.emailTemplate;
    assert.equal(reset.customized, false);
    assert.match(reset.subject, /space_name/);
  });

  it('refuses unknown keys and non-admins', async () => {
    assert.equal(
      codeOf(await smtp.gql(UPDATE, { i: { ...base, key: 'nope' } }, { token: owner })),
      'NOT_FOUND',
    );
    const reader = ok(
      await smtp.gql(
        `mutation { createApiKey(input: { name: "r2", scopes: [READ] }) { key } }`,
        {},
        { token: owner },
      ),
    ).createApiKey.key;
    assert.equal(codeOf(await smtp.gql(`{ emailTemplates { key } }`, {}, { token: reader })), 'FORBIDDEN');
  });
});
