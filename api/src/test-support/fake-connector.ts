import { createHmac, timingSafeEqual } from 'node:crypto';
import { IntegrationKind } from '../entities/enums.js';
import type { Integration } from '../entities/index.js';
import {
  UpstreamError,
  UpstreamErrorCode,
  type Connector,
  type CredentialStore,
  type FetchOptions,
  type StoredCredentials,
  type UpstreamMember,
  type UpstreamMembership,
  type UpstreamSnapshot,
  type WebhookEffect,
  type WebhookRequest,
} from '../integrations/connector.js';
import type { ConnectorRegistry } from '../integrations/registry.js';

/**
 * An in-memory upstream for the API's tests (the real connectors are tested against the simulators
 * in tests/). Credentials: email `admin@fake.test` + password `right`, or any clientId with
 * clientSecret `right`. A MEMBERS fetch answers PARTIAL with the records of the ids asked for.
 * Webhook body: `{"event": "...", "members": ["id", ...], "id": "..."}`, signed with
 * `x-fake-signature: hex(hmac-sha256(secret, body))`.
 */
export class FakeUpstream {
  snapshot: Omit<UpstreamSnapshot, 'scope' | 'fetchedAt'> = {
    locations: [],
    groups: [],
    plans: [],
    members: [],
    memberships: [],
    bookings: [],
    checkIns: [],
  };
  /** When set, fetches fail with it. */
  failWith: UpstreamError | null = null;
  /** When set, fetches answer with it instead of `snapshot`. */
  respond: ((options: FetchOptions) => UpstreamSnapshot) | null = null;
  /** When set, fetches wait for it (concurrency tests). */
  gate: Promise<void> | null = null;
  /** When set, each fetch first stores these as refreshed tokens, as a connector near token expiry does. */
  refreshTo: StoredCredentials | null = null;
  /** Every fetch's options (without the log), in order. */
  requests: Array<Omit<FetchOptions, 'log'>> = [];
  /** Connectors built for this upstream (a sync run builds one; a webhook delivery none). */
  connectorsBuilt = 0;

  registry(): ConnectorRegistry {
    return FakeUpstream.registryOf(() => this);
  }

  /** A registry whose integrations read the upstream `of` gives them (several integrations). */
  static registryOf(of: (integration: Integration) => FakeUpstream): ConnectorRegistry {
    return {
      connect: async (kind, req) => {
        if (kind === IntegrationKind.NEXUDUS) {
          if (req.password !== 'right')
            throw new UpstreamError(UpstreamErrorCode.UNAUTHORIZED, 'token endpoint refused the login (401)');
          return {
            kind: 'NEXUDUS',
            accessToken: 'a',
            refreshToken: 'r',
            expiresAt: new Date(Date.now() + 3600_000).toISOString(),
          };
        }
        if (req.clientSecret !== 'right')
          throw new UpstreamError(UpstreamErrorCode.UNAUTHORIZED, 'locations (401)');
        return { kind: 'ANDCARDS', clientId: req.clientId!, clientSecret: req.clientSecret };
      },
      create: (integration, store) => of(integration).connector(store),
      parseWebhook: (_kind, request, secret) => parseFakeWebhook(request, secret),
      defaultBaseUrl: () => 'https://upstream.fake.test',
    };
  }

  private connector(store: CredentialStore): Connector {
    this.connectorsBuilt++;
    return {
      fetchSnapshot: async (options) => {
        const { log, ...rest } = options;
        this.requests.push(rest);
        log.info('fake upstream: fetching');
        if (this.refreshTo) {
          await store.load();
          await store.save(this.refreshTo);
        }
        if (this.gate) await this.gate;
        if (this.failWith) throw this.failWith;
        if (this.respond) return structuredClone(this.respond(options));
        const ids = options.mode === 'MEMBERS' ? new Set(options.memberExternalIds ?? []) : null;
        const keep = <T extends { memberExternalId: string }>(rows: T[]) =>
          ids ? rows.filter((r) => ids.has(r.memberExternalId)) : rows;
        const s = structuredClone(this.snapshot);
        return {
          ...s,
          scope: ids ? { kind: 'PARTIAL', memberExternalIds: [...ids] } : { kind: 'FULL' },
          fetchedAt: new Date(),
          members: ids ? s.members.filter((m) => ids.has(m.externalId)) : s.members,
          memberships: keep(s.memberships),
          bookings: keep(s.bookings),
          checkIns: keep(s.checkIns),
        };
      },
    };
  }
}

function parseFakeWebhook(request: WebhookRequest, secret: string | null): WebhookEffect {
  if (secret !== null) {
    const given = Buffer.from(request.headers['x-fake-signature'] ?? '', 'hex');
    const want = createHmac('sha256', secret).update(request.rawBody).digest();
    if (given.length !== want.length || !timingSafeEqual(given, want))
      throw new UpstreamError(UpstreamErrorCode.WEBHOOK_SIGNATURE_INVALID, 'signature does not match');
  }
  let body: { event?: unknown; members?: unknown; id?: unknown };
  try {
    body = JSON.parse(request.rawBody.toString('utf8'));
  } catch {
    throw new UpstreamError(UpstreamErrorCode.WEBHOOK_MALFORMED, 'body is not JSON');
  }
  if (typeof body.event !== 'string' || typeof body.id !== 'string' || !Array.isArray(body.members))
    throw new UpstreamError(UpstreamErrorCode.WEBHOOK_MALFORMED, 'missing event, id or members');
  return {
    event: body.event,
    deliveryId: body.id,
    memberExternalIds: body.members.map(String),
    fullSync: body.event === 'full',
  };
}

export function signFake(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/** An active upstream person `<id>@example.com` homed at location `loc-1`. */
export function fakeMember(id: string, o: Partial<UpstreamMember> = {}): UpstreamMember {
  return {
    externalId: id,
    email: `${id}@example.com`,
    fullName: `Person ${id}`,
    company: null,
    locationExternalIds: ['loc-1'],
    homeLocationExternalId: 'loc-1',
    groupExternalIds: [],
    active: true,
    fields: {},
    ...o,
  };
}

/** An open-ended contract on plan `plan-1` at `loc-1`, started on 1 January 2026. */
export function fakeMembership(
  id: string,
  memberId: string,
  o: Partial<UpstreamMembership> = {},
): UpstreamMembership {
  return {
    externalId: id,
    memberExternalId: memberId,
    planExternalId: 'plan-1',
    locationExternalId: 'loc-1',
    startsAt: new Date('2026-01-01T00:00:00Z'),
    endsAt: null,
    cancelledAt: null,
    ...o,
  };
}
