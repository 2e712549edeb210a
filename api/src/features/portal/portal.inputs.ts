import { Field, GraphQLISODateTime, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DeviceLearnedBy, GrantKind } from '../../entities/index.js';

export enum AccessState {
  ACTIVE = 'ACTIVE',
  NO_ACCESS = 'NO_ACCESS',
  DISABLED = 'DISABLED',
}
export enum ProfileKind {
  APPLE_MOBILECONFIG = 'APPLE_MOBILECONFIG',
  WINDOWS_WLAN_XML = 'WINDOWS_WLAN_XML',
}
registerEnumType(AccessState, { name: 'AccessState' });
registerEnumType(ProfileKind, { name: 'ProfileKind' });

@ObjectType({ description: "A location's public face on the portal sign-in page" })
export class PortalLocation {
  @Field(() => String) name!: string;
  @Field(() => String) slug!: string;
  @Field(() => [String]) ssids!: string[];
  @Field(() => String, { nullable: true }) logoUrl!: string | null;
  @Field(() => String, { nullable: true }) primaryColor!: string | null;
  @Field(() => String, { nullable: true }) accentColor!: string | null;
}

@InputType()
export class RequestMagicLinkInput {
  @Field(() => String) locationSlug!: string;
  @Field(() => String) email!: string;
}

@ObjectType()
export class RequestMagicLinkPayload {
  @Field(() => Boolean, { description: 'Always true, whether or not the email is known' })
  accepted!: boolean;
}

@ObjectType()
export class RedeemMagicLinkPayload {
  @Field(() => String) locationSlug!: string;
}

@ObjectType()
export class PortalAccess {
  @Field(() => AccessState) state!: AccessState;
  @Field(() => String, {
    description:
      'MEMBERSHIP, DESK_BOOKING, … (the grant kind) when ACTIVE; otherwise the policy reason, e.g. NO_GRANT, GRANT_ENDED, MEMBER_DISABLED, NOT_HOME_LOCATION',
  })
  reason!: string;
  @Field(() => GrantKind, { nullable: true }) grantKind!: GrantKind | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Null = open-ended' })
  validUntil!: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'End of the last grant, when it ended' })
  endedAt!: Date | null;
}

@ObjectType()
export class PortalDevice {
  @Field(() => ID) id!: string;
  @Field(() => String) macAddress!: string;
  @Field(() => String, { nullable: true }) name!: string | null;
  @Field(() => DeviceLearnedBy) learnedBy!: DeviceLearnedBy;
  @Field(() => GraphQLISODateTime, { nullable: true }) firstSeenAt!: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) lastSeenAt!: Date | null;
}

@ObjectType()
export class PortalMe {
  @Field(() => String) email!: string;
  @Field(() => String) fullName!: string;
  @Field(() => String) username!: string;
  @Field(() => PortalLocation) location!: PortalLocation;
  @Field(() => String) timezone!: string;
  @Field(() => PortalAccess) access!: PortalAccess;
  @Field(() => Boolean) hasPassphrase!: boolean;
  @Field(() => GraphQLISODateTime, { nullable: true }) passphraseUpdatedAt!: Date | null;
  @Field(() => [PortalDevice]) devices!: PortalDevice[];
}

@ObjectType()
export class MyPassphrasePayload {
  @Field(() => String) passphrase!: string;
}

@ObjectType()
export class PassphraseCheck {
  @Field(() => Boolean) acceptable!: boolean;
  @Field(() => Int, { description: '0 (very weak) to 4 (very strong)' }) score!: number;
  @Field(() => [String], { description: 'Codes, e.g. PASSPHRASE_TOO_SHORT, PASSPHRASE_TOO_COMMON' })
  problems!: string[];
}

@InputType()
export class AddMyDeviceInput {
  @Field(() => String, { description: 'Any common spelling: aa:bb:…, AA-BB-…, aabb.ccdd.eeff, aabbccddeeff' })
  macAddress!: string;
  @Field(() => String, { nullable: true }) name?: string | null;
}

@ObjectType()
export class ProfileDownload {
  @Field(() => String, { description: '/portal-api/profiles/<token>: the same browser session only' })
  url!: string;
  @Field(() => GraphQLISODateTime) expiresAt!: Date;
}
