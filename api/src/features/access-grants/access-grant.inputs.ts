import { Field, GraphQLISODateTime, ID, InputType, ObjectType } from 'type-graphql';
import { AccessGrant, GrantKind } from '../../entities/index.js';

@InputType()
export class CreateAccessGrantInput {
  @Field(() => ID) memberId!: string;
  @Field(() => GrantKind, { defaultValue: GrantKind.MANUAL }) kind!: GrantKind;
  @Field(() => ID, { nullable: true, description: 'Null: every location' }) locationId?: string | null;
  @Field(() => GraphQLISODateTime) startsAt!: Date;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Null: open-ended' }) endsAt?: Date | null;
  @Field(() => Boolean, { nullable: true }) grantsWifi?: boolean;
  @Field(() => String, { nullable: true }) note?: string | null;
}

@InputType()
export class UpdateAccessGrantInput {
  @Field(() => ID) id!: string;
  @Field(() => GrantKind, { nullable: true }) kind?: GrantKind;
  @Field(() => ID, { nullable: true }) locationId?: string | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) startsAt?: Date;
  @Field(() => GraphQLISODateTime, { nullable: true }) endsAt?: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) cancelledAt?: Date | null;
  @Field(() => Boolean, { nullable: true }) grantsWifi?: boolean;
  @Field(() => String, { nullable: true }) note?: string | null;
}

@ObjectType()
export class AccessGrantPayload {
  @Field(() => AccessGrant) accessGrant!: AccessGrant;
}
