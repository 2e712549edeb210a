import { Field, GraphQLISODateTime, ID, Int, ObjectType } from 'type-graphql';
import { LogLevel, SyncRunStatus } from '../../entities/index.js';

@ObjectType({ description: "A member's access-relevant data changed (credentials, status, groups, grants)." })
export class MemberChangedEvent {
  @Field(() => ID) memberId!: string;
  @Field(() => String) reason!: string;
  @Field(() => GraphQLISODateTime) at!: Date;
}

@ObjectType({ description: 'A log line or status change of a sync run.' })
export class SyncRunEvent {
  @Field(() => ID) runId!: string;
  @Field(() => Int, { nullable: true }) seq!: number | null;
  @Field(() => LogLevel, { nullable: true }) level!: LogLevel | null;
  @Field(() => String, { nullable: true }) message!: string | null;
  @Field(() => SyncRunStatus, { nullable: true }) status!: SyncRunStatus | null;
  @Field(() => GraphQLISODateTime) at!: Date;
}
