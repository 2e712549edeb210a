import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Permission } from '../../auth/permissions.js';
import { OutboxMessage, OutboxStatus } from '../../entities/index.js';
import { txOf, type GqlContext } from '../../graphql/context.js';
import { connectionComplexity, toConnection } from '../../graphql/relay.js';
import { OutboxMessageConnection, OutboxMessagePayload } from './outbox.inputs.js';

const BODY_NOTE =
  'Null unless the caller has the member:secret permission (bodies carry passphrases and links), and once the message was sent';

@Resolver(() => OutboxMessage)
export class OutboxResolver {
  @Authorized(Permission.AuditRead)
  @Query(() => OutboxMessageConnection, { complexity: connectionComplexity })
  async outboxMessages(
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Arg('status', () => OutboxStatus, { nullable: true }) status: OutboxStatus | null,
    @Ctx() ctx: GqlContext,
  ) {
    return toConnection(await ctx.services.outbox.list(ctx.em, ctx.actor!, status, first, after));
  }

  @FieldResolver(() => ID, { nullable: true })
  memberId(@Root() message: OutboxMessage): string | null {
    return message.member?.id ?? null;
  }

  @FieldResolver(() => String, { nullable: true, description: BODY_NOTE })
  async html(@Root() message: OutboxMessage, @Ctx() ctx: GqlContext): Promise<string | null> {
    return (await ctx.services.outbox.body(ctx.em, ctx.actor, message))?.html ?? null;
  }

  @FieldResolver(() => String, { nullable: true, description: BODY_NOTE })
  async text(@Root() message: OutboxMessage, @Ctx() ctx: GqlContext): Promise<string | null> {
    return (await ctx.services.outbox.body(ctx.em, ctx.actor, message))?.text ?? null;
  }

  @Authorized(Permission.MemberSecret)
  @Mutation(() => OutboxMessagePayload, { description: "Mails the member's WiFi credentials again" })
  async resendMemberCredentials(
    @Arg('memberId', () => ID) memberId: string,
    @Ctx() ctx: GqlContext,
  ): Promise<OutboxMessagePayload> {
    ctx.audit.targetType = 'Member';
    ctx.audit.targetId = memberId;
    return { outboxMessage: await ctx.services.outbox.resendMemberCredentials(txOf(ctx), memberId) };
  }
}
