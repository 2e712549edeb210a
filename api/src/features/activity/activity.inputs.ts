import { Field, GraphQLISODateTime, ID, InputType, Int, ObjectType } from 'type-graphql';
import { AuthEvent, AuthResult, Member, NasClient, RadiusSession } from '../../entities/index.js';
import { connectionType } from '../../graphql/relay.js';

@InputType()
export class RadiusSessionFilterInput {
  @Field(() => ID, { nullable: true }) memberId?: string | null;
  @Field(() => ID, { nullable: true }) nasClientId?: string | null;
  @Field(() => ID, { nullable: true }) locationId?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'Only open (true) or only ended (false) sessions' })
  open?: boolean | null;
}

@InputType()
export class AuthEventFilterInput {
  @Field(() => ID, { nullable: true }) memberId?: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'Any spelling: aa:bb:cc:dd:ee:ff, AA-BB-…, aabb.ccdd.eeff',
  })
  macAddress?: string | null;
  @Field(() => ID, { nullable: true }) nasClientId?: string | null;
  @Field(() => AuthResult, { nullable: true }) result?: AuthResult | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Only decisions at or after this time' })
  since?: Date | null;
}

@ObjectType()
export class RadiusSessionConnection extends connectionType(RadiusSession, 'RadiusSession') {}

@ObjectType()
export class AuthEventConnection extends connectionType(AuthEvent, 'AuthEvent') {}

@ObjectType({ description: 'RADIUS decisions in one minute' })
export class AuthMinute {
  @Field(() => GraphQLISODateTime, { description: 'Start of the minute' }) minute!: Date;
  @Field(() => Int) accepted!: number;
  @Field(() => Int) rejected!: number;
}

@ObjectType()
export class ReasonCount {
  @Field(() => String) reason!: string;
  @Field(() => Int) count!: number;
}

@ObjectType({ description: 'What an operator looks at first; scoped to the actor’s locations' })
export class Dashboard {
  @Field(() => Int) membersWithAccessNow!: number;
  @Field(() => Int) activeSessions!: number;
  @Field(() => [AuthMinute], { description: 'The last 60 minutes, oldest first, one entry per minute' })
  authPerMinute!: AuthMinute[];
  @Field(() => Int) acceptedLastHour!: number;
  @Field(() => Int) rejectedLastHour!: number;
  @Field(() => [ReasonCount], { description: 'Most frequent reject reasons of the last hour' })
  topRejectReasons!: ReasonCount[];
  @Field(() => Int) nasClientCount!: number;
  @Field(() => [NasClient], { description: 'NAS clients with no request or accounting in 24 hours' })
  nasClientsSilent!: NasClient[];
}

@ObjectType()
export class DisconnectMemberPayload {
  @Field(() => Member) member!: Member;
  @Field(() => Int, { description: 'Open sessions the RADIUS server was asked to disconnect' })
  sessionsRequested!: number;
}
