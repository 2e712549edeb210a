import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Group, GroupOrigin } from '../../entities/index.js';

@InputType()
export class CreateGroupInput {
  @Field(() => String) name!: string;
  @Field(() => GroupOrigin, { defaultValue: GroupOrigin.MANUAL }) origin!: GroupOrigin;
  @Field(() => ID, { nullable: true }) locationId?: string | null;
  @Field(() => Int, { nullable: true }) vlanId?: number | null;
  @Field(() => Boolean, { nullable: true, description: "Take the next free VLAN from the location's pool" })
  autoVlan?: boolean;
  @Field(() => Int, { nullable: true }) bandwidthUpKbps?: number | null;
  @Field(() => Int, { nullable: true }) bandwidthDownKbps?: number | null;
  @Field(() => Int, { nullable: true }) sessionTimeoutSeconds?: number | null;
  @Field(() => Int, { nullable: true }) maxDevices?: number | null;
}

@InputType()
export class UpdateGroupInput {
  @Field(() => ID) id!: string;
  @Field(() => String, { nullable: true }) name?: string;
  @Field(() => GroupOrigin, { nullable: true }) origin?: GroupOrigin;
  @Field(() => ID, { nullable: true }) locationId?: string | null;
  @Field(() => Int, { nullable: true }) vlanId?: number | null;
  @Field(() => Boolean, { nullable: true }) autoVlan?: boolean;
  @Field(() => Int, { nullable: true }) bandwidthUpKbps?: number | null;
  @Field(() => Int, { nullable: true }) bandwidthDownKbps?: number | null;
  @Field(() => Int, { nullable: true }) sessionTimeoutSeconds?: number | null;
  @Field(() => Int, { nullable: true }) maxDevices?: number | null;
}

@ObjectType()
export class GroupPayload {
  @Field(() => Group) group!: Group;
}
