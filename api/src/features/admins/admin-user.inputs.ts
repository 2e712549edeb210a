import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { AdminRole, AdminUser } from '../../entities/index.js';

@InputType()
export class CreateAdminUserInput {
  @Field(() => String) email!: string;
  @Field(() => String) password!: string;
  @Field(() => AdminRole) role!: AdminRole;
  @Field(() => [ID], { nullable: true, description: 'Required for LOCATION_MANAGER' }) locationIds?: string[];
}

@InputType()
export class UpdateAdminUserInput {
  @Field(() => ID) id!: string;
  @Field(() => AdminRole, { nullable: true }) role?: AdminRole;
  @Field(() => [ID], { nullable: true }) locationIds?: string[];
  @Field(() => Boolean, { nullable: true }) disabled?: boolean;
  @Field(() => String, { nullable: true }) password?: string;
}

@ObjectType()
export class AdminUserPayload {
  @Field(() => AdminUser) adminUser!: AdminUser;
}
