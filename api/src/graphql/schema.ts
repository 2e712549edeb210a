import type { GraphQLSchema } from 'graphql';
import { buildSchema, type PubSub } from 'type-graphql';
import { AccessGrantResolver } from '../features/access-grants/access-grant.resolver.js';
import { AdminUserResolver } from '../features/admins/admin-user.resolver.js';
import { ApiKeyResolver } from '../features/api-keys/api-key.resolver.js';
import { AuditResolver } from '../features/audit/audit.resolver.js';
import { AuthResolver } from '../features/auth/auth.resolver.js';
import { EmailTemplateResolver } from '../features/email-templates/email-template.resolver.js';
import { EventResolver } from '../features/events/event.resolver.js';
import { OutboxResolver } from '../features/outbox/outbox.resolver.js';
import { PortalResolver } from '../features/portal/portal.resolver.js';
import { GroupResolver } from '../features/groups/group.resolver.js';
import { LocationResolver } from '../features/locations/location.resolver.js';
import { MemberResolver } from '../features/members/member.resolver.js';
import { NasClientResolver } from '../features/nas-clients/nas-client.resolver.js';
import { mutationTransaction, PermissionAuthChecker } from './guards.js';
import { validateArguments } from './validate-args.js';

export const RESOLVERS = [
  AuthResolver,
  LocationResolver,
  NasClientResolver,
  GroupResolver,
  MemberResolver,
  AccessGrantResolver,
  AdminUserResolver,
  ApiKeyResolver,
  AuditResolver,
  EventResolver,
  EmailTemplateResolver,
  OutboxResolver,
  PortalResolver,
] as const;

/** Public operations: everything else carries @Authorized (a test enforces it). */
export const PUBLIC_OPERATIONS = new Set([
  'setupStatus',
  'setupFirstAdmin',
  'login',
  // The portal's sign-in; `me` answers null when signed out.
  'portalLocation',
  'requestMagicLink',
  'redeemMagicLink',
  'me',
]);

export function buildLanyardSchema(
  opts: { pubSub?: PubSub; onHookError?: (err: unknown) => void } = {},
): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [...RESOLVERS],
    pubSub: opts.pubSub ?? {
      publish: () => undefined,
      subscribe: () => ({ [Symbol.asyncIterator]: async function* () {} }),
    },
    authChecker: PermissionAuthChecker,
    globalMiddlewares: [validateArguments, mutationTransaction(opts.onHookError ?? (() => undefined))],
    validate: false,
    emitSchemaFile: false,
  });
}
