import { Arg, Authorized, ID, Resolver, Root, Subscription } from 'type-graphql';
import { Permission } from '../../auth/permissions.js';
import { Topic } from '../../events/pg-pubsub.js';
import type { GqlContext } from '../../graphql/context.js';
import { MemberChangedEvent, SyncRunEvent } from './event.types.js';

interface RawEvent {
  [key: string]: unknown;
  at: string;
}

@Resolver()
export class EventResolver {
  @Authorized(Permission.MemberRead)
  @Subscription(() => MemberChangedEvent, {
    topics: Topic.memberChanged,
    filter: async ({ payload, args, context }) => {
      const memberId = (payload as { memberId: string }).memberId;
      if (args.memberId && memberId !== args.memberId) return false;
      return (context as GqlContext).services.members.isVisible(
        (context as GqlContext).em.fork(),
        (context as GqlContext).actor!,
        memberId,
      );
    },
  })
  memberChanged(
    @Root() payload: RawEvent,
    @Arg('memberId', () => ID, { nullable: true }) _memberId: string | null,
  ): MemberChangedEvent {
    return { ...(payload as unknown as MemberChangedEvent), at: new Date(payload.at) };
  }

  /** Live log of one sync run, from whichever API process runs it. */
  @Authorized(Permission.IntegrationRead)
  @Subscription(() => SyncRunEvent, {
    topics: Topic.syncRunEvents,
    topicId: ({ args }) => args.runId,
  })
  syncRunEvents(@Root() payload: RawEvent, @Arg('runId', () => ID) _runId: string): SyncRunEvent {
    return {
      runId: String(payload.runId),
      seq: (payload.seq as number | undefined) ?? null,
      level: (payload.level as SyncRunEvent['level']) ?? null,
      message: (payload.message as string | undefined) ?? null,
      status: (payload.status as SyncRunEvent['status']) ?? null,
      at: new Date(payload.at),
    };
  }
}
