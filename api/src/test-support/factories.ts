/** Test data through the public API, with defaults that make each call unique. */
import { randomBytes } from 'node:crypto';
import { ok, waitFor, type TestApi } from './api-harness.js';

const uniq = () => randomBytes(4).toString('hex');
export const OWNER_PASSWORD = 'owner-password-123';

export async function setupOwner(t: TestApi, email = 'owner@example.com'): Promise<string> {
  const r = ok(
    await t.gql(`mutation($i: SetupFirstAdminInput!) { setupFirstAdmin(input: $i) { token } }`, {
      i: { email, password: OWNER_PASSWORD },
    }),
  );
  return r.setupFirstAdmin.token;
}

export async function createAdmin(
  t: TestApi,
  ownerToken: string,
  role: string,
  locationIds: string[] = [],
): Promise<{ id: string; token: string; email: string }> {
  const email = `${role.toLowerCase()}-${uniq()}@example.com`;
  const password = 'admin-password-123';
  const created = ok(
    await t.gql(
      `mutation($i: CreateAdminUserInput!) { createAdminUser(input: $i) { adminUser { id } } }`,
      { i: { email, password, role, locationIds } },
      { token: ownerToken },
    ),
  );
  const login = ok(
    await t.gql(`mutation($i: LoginInput!) { login(input: $i) { token } }`, { i: { email, password } }),
  );
  return { id: created.createAdminUser.adminUser.id, token: login.login.token, email };
}

export async function createLocation(
  t: TestApi,
  token: string,
  overrides: Record<string, unknown> = {},
): Promise<{ id: string; slug: string }> {
  const slug = `loc-${uniq()}`;
  const r = ok(
    await t.gql(
      `mutation($i: CreateLocationInput!) { createLocation(input: $i) { location { id slug } } }`,
      {
        i: { name: `Location ${slug}`, slug, timezone: 'Europe/London', ssids: ['Lanyard'], ...overrides },
      },
      { token },
    ),
  );
  return r.createLocation.location;
}

export async function createMember(
  t: TestApi,
  token: string,
  locationIds: string[],
  overrides: Record<string, unknown> = {},
): Promise<{ id: string; email: string; username: string }> {
  const email = `member-${uniq()}@example.com`;
  const r = ok(
    await t.gql(
      `mutation($i: CreateMemberInput!) { createMember(input: $i) { member { id email username } } }`,
      {
        i: { email, fullName: `Member ${email}`, locationIds, ...overrides },
      },
      { token },
    ),
  );
  return r.createMember.member;
}

export async function createGrant(
  t: TestApi,
  token: string,
  input: Record<string, unknown>,
): Promise<{ id: string }> {
  const r = ok(
    await t.gql(
      `mutation($i: CreateAccessGrantInput!) { createAccessGrant(input: $i) { accessGrant { id } } }`,
      { i: input },
      { token },
    ),
  );
  return r.createAccessGrant.accessGrant;
}

/**
 * A member with a grant at the location that began a day ago (MEMBERSHIP unless `grant` says
 * otherwise): someone the portal lets sign in there.
 */
export async function createMemberWithAccess(
  t: TestApi,
  token: string,
  locationId: string,
  opts: { member?: Record<string, unknown>; grant?: Record<string, unknown> } = {},
): Promise<{ id: string; email: string; username: string; grantId: string }> {
  const m = await createMember(t, token, [locationId], opts.member);
  const grant = await createGrant(t, token, {
    memberId: m.id,
    kind: 'MEMBERSHIP',
    locationId,
    startsAt: new Date(Date.now() - 86_400_000).toISOString(),
    ...opts.grant,
  });
  return { ...m, grantId: grant.id };
}

export interface RunWait {
  /** Fields of SyncRun to return besides `status` (default `id status error`). */
  fields?: string;
  timeoutMs?: number;
}

/** A sync run once it has ended (SUCCEEDED, FAILED or HELD). */
export async function endedRun(
  t: TestApi,
  token: string,
  runId: string,
  opts: RunWait = {},
): Promise<Record<string, any>> {
  const query = `query($id: ID!) { syncRun(id: $id) { status ${opts.fields ?? 'id status error'} } }`;
  return waitFor(
    async () => {
      const r = ok(await t.gql(query, { id: runId }, { token })).syncRun;
      return ['SUCCEEDED', 'FAILED', 'HELD'].includes(r.status) ? r : null;
    },
    opts.timeoutMs,
    `sync run ${runId}`,
  );
}

/** "Sync now" (`runSync`), then the run once it has ended. */
export async function runSyncToEnd(
  t: TestApi,
  token: string,
  integrationId: string,
  opts: RunWait = {},
): Promise<Record<string, any>> {
  const run = ok(
    await t.gql(
      `mutation($id: ID!) { runSync(integrationId: $id) { id } }`,
      { id: integrationId },
      { token },
    ),
  ).runSync;
  return endedRun(t, token, run.id, opts);
}
