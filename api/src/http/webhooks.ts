import { SecretAad } from '@lanyard/schema';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import express, { type Request, type Response, type Router } from 'express';
import type { Counter } from 'prom-client';
import type { SecretBox } from '../common/crypto/secret-box.js';
import type { Logger } from '../common/logger.js';
import { Integration, SyncTrigger, WebhookDelivery, WebhookOutcome } from '../entities/index.js';
import type { RunDispatcher, SyncRunner } from '../features/integrations/integration.service.js';
import { UpstreamError, UpstreamErrorCode } from '../integrations/connector.js';
import type { ConnectorRegistry } from '../integrations/registry.js';

export interface WebhookDeps {
  orm: MikroORM;
  secrets: SecretBox;
  connectors: ConnectorRegistry;
  runner: SyncRunner;
  dispatcher: RunDispatcher;
  logger: Logger;
  /** lanyard_webhook_deliveries_total{outcome} */
  deliveries: Counter<'outcome'>;
  /** lanyard_webhook_unverified_deliveries_total */
  unverified: Counter;
}

async function queuedFullRun(em: EntityManager, integrationId: string): Promise<string | null> {
  const rows = await em.execute<Array<{ id: string }>>(
    `select id from sync_run where integration_id = ? and status = 'QUEUED' and request->>'mode' = 'FULL'
      order by id limit 1`,
    [integrationId],
  );
  return rows[0]?.id ?? null;
}

const TOKEN_RE = /^[A-Za-z0-9_-]{20,100}$/;
const SUFFIX_RE = /^[A-Za-z0-9_.-]{1,100}$/;

/**
 * POST /webhooks/<token>[/<action>]: verifies and records the delivery, then syncs the members it
 * names from the upstream API (the body is never trusted as data). Replays of one delivery id are
 * answered 200 and change nothing.
 */
export function webhookRouter(deps: WebhookDeps): Router {
  const router = express.Router();
  const raw = express.raw({ type: () => true, limit: '1mb' });
  const handler = (req: Request, res: Response) => {
    handle(deps, req, res).catch((err: unknown) => {
      deps.logger.error({ err: (err as Error).message }, 'webhook handling failed');
      if (!res.headersSent) res.status(500).json({ error: 'internal error' });
    });
  };
  router.post('/webhooks/:token', raw, handler);
  router.post('/webhooks/:token/:action', raw, handler);
  return router;
}

async function handle(deps: WebhookDeps, req: Request, res: Response): Promise<void> {
  const count = (outcome: string) => deps.deliveries.inc({ outcome });
  const token = String(req.params.token ?? '');
  const action = req.params.action === undefined ? null : String(req.params.action);
  if (!TOKEN_RE.test(token) || (action !== null && !SUFFIX_RE.test(action))) {
    count(WebhookOutcome.UNKNOWN_ENDPOINT);
    res.status(404).json({ error: 'unknown webhook endpoint' });
    return;
  }
  const em = deps.orm.em.fork();
  const integration = await em.findOne(
    Integration,
    { webhookToken: token },
    { populate: ['webhookSecretEnc'] },
  );
  if (!integration) {
    count(WebhookOutcome.UNKNOWN_ENDPOINT);
    res.status(404).json({ error: 'unknown webhook endpoint' });
    return;
  }
  const secret = integration.webhookSecretEnc
    ? deps.secrets.decrypt(integration.webhookSecretEnc, SecretAad.webhookSecret(integration.id)).toString()
    : null;
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers))
    headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  let effect;
  try {
    effect = deps.connectors.parseWebhook(
      integration.kind,
      { headers, rawBody, pathSuffix: action },
      secret,
      new Date(),
    );
  } catch (err) {
    if (!(err instanceof UpstreamError)) throw err;
    const outcome =
      err.code === UpstreamErrorCode.WEBHOOK_SIGNATURE_INVALID
        ? WebhookOutcome.SIGNATURE_INVALID
        : WebhookOutcome.MALFORMED;
    em.create(WebhookDelivery, {
      integration,
      event: action ?? 'unknown',
      deliveryId: null,
      verified: false,
      outcome,
      error: err.message,
      processedAt: new Date(),
    });
    await em.flush();
    count(outcome);
    res.status(outcome === WebhookOutcome.SIGNATURE_INVALID ? 401 : 400).json({ error: err.code });
    return;
  }

  // One transaction: the delivery row (unique per integration + delivery id) and the run it starts.
  // A redelivery is a duplicate, unless the run the first delivery started failed (upstream down,
  // say): then the platform's retry is what brings the change in, so it starts a new run. Nexudus
  // sends no delivery id; its id is a hash of the body, so a redelivery has the same one.
  const result = await em.transactional(async (tem) => {
    const inserted = await tem.execute<Array<{ id: string }>>(
      `insert into webhook_delivery (id, created_at, updated_at, integration_id, event, delivery_id, verified, outcome)
       values (?, now(), now(), ?, ?, ?, ?, ?)
       on conflict (integration_id, delivery_id) do update
          set updated_at = now(), verified = excluded.verified, outcome = excluded.outcome,
              sync_run_id = null, processed_at = null, error = null
        where webhook_delivery.sync_run_id in (select id from sync_run where status = 'FAILED')
       returning id`,
      [
        crypto.randomUUID(),
        integration.id,
        effect.event.slice(0, 200),
        effect.deliveryId.slice(0, 200),
        secret !== null,
        WebhookOutcome.QUEUED,
      ],
    );
    if (inserted.length === 0) return { outcome: WebhookOutcome.DUPLICATE, runId: null };
    const deliveryId = inserted[0]!.id;
    let outcome: string = WebhookOutcome.QUEUED;
    let runId: string | null = null;
    let queuedFull: string | null = null;
    if (!integration.enabled) outcome = WebhookOutcome.DISABLED;
    else if (!effect.fullSync && effect.memberExternalIds.length === 0) outcome = WebhookOutcome.IGNORED;
    else if (effect.fullSync && (queuedFull = await queuedFullRun(tem, integration.id))) {
      // A burst of team/tariff events (or a forged unsigned stream) costs one full sync, not one each.
      outcome = WebhookOutcome.COALESCED;
      runId = queuedFull;
    } else {
      const fresh = await tem.findOneOrFail(Integration, { id: integration.id });
      const run = await deps.runner.createRun(
        tem,
        fresh,
        SyncTrigger.WEBHOOK,
        effect.fullSync ? { mode: 'FULL' } : { mode: 'MEMBERS', memberExternalIds: effect.memberExternalIds },
      );
      runId = run.id;
    }
    await tem.execute(
      `update webhook_delivery set outcome = ?, sync_run_id = ?, processed_at = now() where id = ?`,
      [outcome, runId, deliveryId],
    );
    return { outcome, runId };
  });
  count(result.outcome);
  // Accepted on the documented no-secret terms: recorded (verified = false), counted, and the
  // integration carries a WEBHOOK_SECRET_MISSING warning.
  if (secret === null && result.outcome !== WebhookOutcome.DUPLICATE) deps.unverified.inc();
  if (result.runId && result.outcome === WebhookOutcome.QUEUED) deps.dispatcher.dispatch(result.runId);
  res.status(result.outcome === WebhookOutcome.DUPLICATE ? 200 : 202).json({ outcome: result.outcome });
}
