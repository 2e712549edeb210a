import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { MacFormat, NasClient, NasVendor } from '../../entities/index.js';

@InputType()
export class CreateNasClientInput {
  @Field(() => ID) locationId!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { description: 'Source IP address or CIDR network of the access point/controller' })
  ipAddress!: string;
  @Field(() => NasVendor, { defaultValue: NasVendor.generic }) vendor!: NasVendor;
  @Field(() => String, {
    nullable: true,
    description: 'Shared secret; generated (24 random bytes) when omitted',
  })
  secret?: string | null;
  @Field(() => MacFormat, { nullable: true }) macFormat?: MacFormat;
  @Field(() => Int, { nullable: true }) coaPort?: number;
  @Field(() => Boolean, { nullable: true }) requireMessageAuthenticator?: boolean;
}

@InputType()
export class UpdateNasClientInput {
  @Field(() => ID) id!: string;
  @Field(() => ID, { nullable: true }) locationId?: string;
  @Field(() => String, { nullable: true }) name?: string;
  @Field(() => String, { nullable: true }) ipAddress?: string;
  @Field(() => NasVendor, { nullable: true }) vendor?: NasVendor;
  @Field(() => MacFormat, { nullable: true }) macFormat?: MacFormat;
  @Field(() => Int, { nullable: true }) coaPort?: number;
  @Field(() => Boolean, { nullable: true }) requireMessageAuthenticator?: boolean;
}

@InputType()
export class RotateNasClientSecretInput {
  @Field(() => ID) id!: string;
  @Field(() => String, { nullable: true }) secret?: string | null;
}

@ObjectType()
export class NasClientPayload {
  @Field(() => NasClient) nasClient!: NasClient;
}

@ObjectType({
  description: 'The shared secret is shown once, here; it is stored encrypted and never readable again.',
})
export class NasClientWithSecretPayload {
  @Field(() => NasClient) nasClient!: NasClient;
  @Field(() => String) secret!: string;
}
