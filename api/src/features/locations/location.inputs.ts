import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Location } from '../../entities/index.js';

@InputType()
export class LocationBrandingInput {
  @Field(() => String, { nullable: true }) logoUrl?: string | null;
  @Field(() => String, { nullable: true }) primaryColor?: string | null;
  @Field(() => String, { nullable: true }) accentColor?: string | null;
  @Field(() => String, { nullable: true }) welcomeText?: string | null;
}

@InputType()
export class CreateLocationInput {
  @Field(() => String) name!: string;
  @Field(() => String, { description: 'Portal URL segment: lower-case letters, digits, dashes' })
  slug!: string;
  @Field(() => String, { description: 'IANA time zone, e.g. Europe/London' }) timezone!: string;
  @Field(() => [String], { defaultValue: [] }) ssids!: string[];
  @Field(() => Int, { nullable: true }) defaultVlanId?: number | null;
  @Field(() => Int, { nullable: true }) vlanPoolStart?: number | null;
  @Field(() => Int, { nullable: true }) vlanPoolEnd?: number | null;
  @Field(() => LocationBrandingInput, { nullable: true }) branding?: LocationBrandingInput | null;
}

@InputType()
export class UpdateLocationInput {
  @Field(() => ID) id!: string;
  @Field(() => String, { nullable: true }) name?: string;
  @Field(() => String, { nullable: true }) slug?: string;
  @Field(() => String, { nullable: true }) timezone?: string;
  @Field(() => [String], { nullable: true }) ssids?: string[];
  @Field(() => Int, { nullable: true }) defaultVlanId?: number | null;
  @Field(() => Int, { nullable: true }) vlanPoolStart?: number | null;
  @Field(() => Int, { nullable: true }) vlanPoolEnd?: number | null;
  @Field(() => LocationBrandingInput, { nullable: true }) branding?: LocationBrandingInput | null;
}

@ObjectType()
export class LocationPayload {
  @Field(() => Location) location!: Location;
}
