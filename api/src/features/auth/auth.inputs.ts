import { Field, GraphQLISODateTime, InputType, ObjectType } from 'type-graphql';
import { AdminUser } from '../../entities/index.js';

@InputType()
export class SetupFirstAdminInput {
  @Field(() => String) email!: string;
  @Field(() => String) password!: string;
}

@InputType()
export class LoginInput {
  @Field(() => String) email!: string;
  @Field(() => String) password!: string;
}

@ObjectType()
export class AuthPayload {
  /** Bearer token for API clients; browsers also get it as an HttpOnly cookie. */
  @Field(() => String) token!: string;
  /** Send back as the X-CSRF-Token header when authenticating with the cookie. */
  @Field(() => String) csrfToken!: string;
  @Field(() => GraphQLISODateTime) expiresAt!: Date;
  @Field(() => AdminUser) admin!: AdminUser;
}

@ObjectType()
export class SetupStatus {
  @Field(() => Boolean) needsSetup!: boolean;
}
