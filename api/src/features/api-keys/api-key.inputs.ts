import { Field, GraphQLISODateTime, InputType, ObjectType } from 'type-graphql';
import { ApiKey, ApiScope } from '../../entities/index.js';

@InputType()
export class CreateApiKeyInput {
  @Field(() => String) name!: string;
  @Field(() => [ApiScope]) scopes!: ApiScope[];
  @Field(() => GraphQLISODateTime, { nullable: true }) expiresAt?: Date | null;
}

@ObjectType({ description: 'The key is shown once, here; only its hash is stored.' })
export class CreateApiKeyPayload {
  @Field(() => ApiKey) apiKey!: ApiKey;
  @Field(() => String) key!: string;
}

@ObjectType()
export class ApiKeyPayload {
  @Field(() => ApiKey) apiKey!: ApiKey;
}
