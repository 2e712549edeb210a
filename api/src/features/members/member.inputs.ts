import { Field, GraphQLISODateTime, ID, InputType, Int, ObjectType } from 'type-graphql';
import { GrantKind, Member, MemberStatus } from '../../entities/index.js';
import { connectionType } from '../../graphql/relay.js';

@InputType()
export class MemberFilterInput {
  @Field(() => String, { nullable: true, description: 'Matches name, email, username or company' })
  search?: string | null;
  @Field(() => MemberStatus, { nullable: true, description: 'Default: every status except DELETED' })
  status?: MemberStatus | null;
  @Field(() => ID, { nullable: true }) locationId?: string | null;
  @Field(() => ID, { nullable: true }) groupId?: string | null;
  @Field(() => ID, { nullable: true }) integrationId?: string | null;
  @Field(() => Boolean, {
    nullable: true,
    description: 'Only members with (true) or without (false) access now',
  })
  hasAccess?: boolean | null;
}

@InputType()
export class CreateMemberInput {
  @Field(() => String) email!: string;
  @Field(() => String) fullName!: string;
  @Field(() => [ID], { description: 'Home locations' }) locationIds!: string[];
  @Field(() => String, { nullable: true }) company?: string | null;
  @Field(() => String, { nullable: true, description: 'RADIUS username; defaults to the email' }) username?:
    string | null;
  @Field(() => Boolean, { nullable: true }) roaming?: boolean;
  @Field(() => [ID], { nullable: true }) groupIds?: string[];
}

@InputType()
export class UpdateMemberInput {
  @Field(() => ID) id!: string;
  @Field(() => String, { nullable: true }) email?: string;
  @Field(() => String, { nullable: true }) fullName?: string;
  @Field(() => String, { nullable: true }) company?: string | null;
  @Field(() => String, { nullable: true }) username?: string | null;
  @Field(() => Boolean, { nullable: true }) roaming?: boolean;
  @Field(() => [ID], { nullable: true }) locationIds?: string[];
  @Field(() => [ID], { nullable: true }) groupIds?: string[];
}

@InputType()
export class SetMemberPassphraseInput {
  @Field(() => ID) memberId!: string;
  @Field(() => String, { description: '8–63 printable ASCII characters, not a common password' })
  passphrase!: string;
}

@ObjectType()
export class MemberPayload {
  @Field(() => Member) member!: Member;
}

@ObjectType()
export class MemberConnection extends connectionType(Member, 'Member') {}

@ObjectType({ description: 'Why a member does or does not have access at a location, right now.' })
export class AccessDecisionType {
  @Field(() => Boolean) allowed!: boolean;
  @Field(() => String, { description: 'Reason code, e.g. ALLOWED, GRANT_ENDED, NOT_HOME_LOCATION' })
  reason!: string;
  @Field(() => ID, { nullable: true }) grantId!: string | null;
  @Field(() => GrantKind, { nullable: true }) grantKind!: GrantKind | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Null with allowed=true: open-ended' })
  validUntil!: Date | null;
  @Field(() => Int, { nullable: true }) vlanId!: number | null;
  @Field(() => Int, { nullable: true }) sessionTimeoutSeconds!: number | null;
  @Field(() => Int, { nullable: true }) bandwidthUpKbps!: number | null;
  @Field(() => Int, { nullable: true }) bandwidthDownKbps!: number | null;
  @Field(() => Int, { nullable: true }) maxDevices!: number | null;
}
