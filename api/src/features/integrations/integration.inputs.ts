import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Integration, IntegrationKind, LocationMapping, SyncRun } from '../../entities/index.js';

export enum DeprovisionModeEnum {
  DELETE = 'DELETE',
  DISABLE = 'DISABLE',
}
export enum UsernameFormatEnum {
  EMAIL = 'EMAIL',
  MEMBER_ID = 'MEMBER_ID',
  CUSTOM_FIELD = 'CUSTOM_FIELD',
}
export enum PassphraseSourceEnum {
  GENERATED = 'GENERATED',
  UPSTREAM_FIELD = 'UPSTREAM_FIELD',
}
export enum VlanModeEnum {
  PER_TEAM = 'PER_TEAM',
  NONE = 'NONE',
}
export enum SyncModeEnum {
  FULL = 'FULL',
  INCREMENTAL = 'INCREMENTAL',
}
registerEnumType(DeprovisionModeEnum, { name: 'DeprovisionMode' });
registerEnumType(UsernameFormatEnum, { name: 'UsernameFormat' });
registerEnumType(PassphraseSourceEnum, { name: 'PassphraseSource' });
registerEnumType(VlanModeEnum, { name: 'VlanMode' });
registerEnumType(SyncModeEnum, { name: 'SyncMode' });

export enum IntegrationWarningCode {
  /** No webhook signing secret: deliveries are accepted without a signature check. */
  WEBHOOK_SECRET_MISSING = 'WEBHOOK_SECRET_MISSING',
}
registerEnumType(IntegrationWarningCode, { name: 'IntegrationWarningCode' });

@ObjectType({ description: 'Something about an integration that an admin should fix.' })
export class IntegrationWarning {
  @Field(() => IntegrationWarningCode) code!: IntegrationWarningCode;
  @Field(() => String) message!: string;
  @Field(() => Int, {
    nullable: true,
    description:
      'How many events it concerns (WEBHOOK_SECRET_MISSING: unverified deliveries accepted in 30 days).',
  })
  count!: number | null;
}

@InputType({
  description:
    'Only the fields the kind needs: Nexudus email + password (+ totp), Andcards clientId + clientSecret.',
})
export class IntegrationCredentialsInput {
  @Field(() => String, { nullable: true }) email?: string | null;
  @Field(() => String, { nullable: true, description: 'Used once to mint tokens; never stored.' })
  password?: string | null;
  @Field(() => String, { nullable: true }) totp?: string | null;
  @Field(() => String, { nullable: true }) clientId?: string | null;
  @Field(() => String, { nullable: true }) clientSecret?: string | null;
}

@InputType()
export class PlanMappingInput {
  @Field(() => String) planExternalId!: string;
  @Field(() => Boolean, { defaultValue: false, description: 'The plan gives no WiFi (e.g. Virtual Office).' })
  noAccess!: boolean;
  @Field(() => ID, { nullable: true, description: 'Members on this plan join this group.' })
  groupId?: string | null;
}

@InputType({ description: 'Omitted fields keep their current value (or the default on creation).' })
export class IntegrationSettingsInput {
  @Field(() => Boolean, { nullable: true }) autoProvision?: boolean;
  @Field(() => DeprovisionModeEnum, { nullable: true }) deprovision?: DeprovisionModeEnum;
  @Field(() => UsernameFormatEnum, { nullable: true }) usernameFormat?: UsernameFormatEnum;
  @Field(() => String, { nullable: true }) usernameField?: string | null;
  @Field(() => PassphraseSourceEnum, { nullable: true }) passphraseSource?: PassphraseSourceEnum;
  @Field(() => String, { nullable: true }) passphraseField?: string | null;
  @Field(() => [PlanMappingInput], { nullable: true }) planMappings?: PlanMappingInput[];
  @Field(() => Boolean, { nullable: true }) unmappedPlansGrantAccess?: boolean;
  @Field(() => VlanModeEnum, { nullable: true }) vlanMode?: VlanModeEnum;
  @Field(() => Boolean, { nullable: true }) roaming?: boolean;
  @Field(() => Boolean, { nullable: true }) bookingAccess?: boolean;
  @Field(() => Boolean, { nullable: true }) checkInAccess?: boolean;
  @Field(() => Boolean, { nullable: true }) credentialEmail?: boolean;
  @Field(() => Int, { nullable: true }) syncIntervalMinutes?: number;
  @Field(() => Int, { nullable: true }) safetyThresholdPercent?: number;
  @Field(() => Int, { nullable: true }) safetyMinimumPeople?: number;
}

@InputType()
export class CreateIntegrationInput {
  @Field(() => IntegrationKind) kind!: IntegrationKind;
  @Field(() => String) name!: string;
  @Field(() => String, {
    nullable: true,
    description: "Defaults to the vendor's API; set it for a simulator or a regional host.",
  })
  baseUrl?: string | null;
  @Field(() => IntegrationCredentialsInput) credentials!: IntegrationCredentialsInput;
  @Field(() => IntegrationSettingsInput, { nullable: true }) settings?: IntegrationSettingsInput | null;
  @Field(() => String, {
    nullable: true,
    description: 'Webhook signing secret from the platform (Nexudus app secret, Svix whsec_…).',
  })
  webhookSecret?: string | null;
}

@InputType()
export class UpdateIntegrationInput {
  @Field(() => ID) id!: string;
  @Field(() => String, { nullable: true }) name?: string;
  @Field(() => String, { nullable: true }) baseUrl?: string;
  @Field(() => IntegrationSettingsInput, { nullable: true }) settings?: IntegrationSettingsInput;
  @Field(() => String, { nullable: true, description: 'Empty string removes the secret.' })
  webhookSecret?: string;
  @Field(() => Boolean, { nullable: true, description: 'Disabled integrations are not synced.' })
  enabled?: boolean;
}

@InputType()
export class ReconnectIntegrationInput {
  @Field(() => ID) id!: string;
  @Field(() => IntegrationCredentialsInput) credentials!: IntegrationCredentialsInput;
}

@InputType()
export class RemapLocationInput {
  @Field(() => ID) mappingId!: string;
  @Field(() => ID) locationId!: string;
}

@ObjectType('PlanMapping')
export class PlanMappingType {
  @Field(() => String) planExternalId!: string;
  @Field(() => Boolean) noAccess!: boolean;
  @Field(() => ID, { nullable: true }) groupId!: string | null;
}

@ObjectType('IntegrationSettings')
export class IntegrationSettingsType {
  @Field(() => Boolean) autoProvision!: boolean;
  @Field(() => DeprovisionModeEnum) deprovision!: DeprovisionModeEnum;
  @Field(() => UsernameFormatEnum) usernameFormat!: UsernameFormatEnum;
  @Field(() => String, { nullable: true }) usernameField!: string | null;
  @Field(() => PassphraseSourceEnum) passphraseSource!: PassphraseSourceEnum;
  @Field(() => String, { nullable: true }) passphraseField!: string | null;
  @Field(() => [PlanMappingType]) planMappings!: PlanMappingType[];
  @Field(() => Boolean) unmappedPlansGrantAccess!: boolean;
  @Field(() => VlanModeEnum) vlanMode!: VlanModeEnum;
  @Field(() => Boolean) roaming!: boolean;
  @Field(() => Boolean) bookingAccess!: boolean;
  @Field(() => Boolean) checkInAccess!: boolean;
  @Field(() => Boolean) credentialEmail!: boolean;
  @Field(() => Int) syncIntervalMinutes!: number;
  @Field(() => Int) safetyThresholdPercent!: number;
  @Field(() => Int) safetyMinimumPeople!: number;
}

@ObjectType()
export class IntegrationPayload {
  @Field(() => Integration) integration!: Integration;
  @Field(() => SyncRun, {
    nullable: true,
    description: 'The run started by this change (the first sync on creation).',
  })
  run?: SyncRun | null;
}

@ObjectType()
export class SyncRunPayload {
  @Field(() => SyncRun) run!: SyncRun;
}

@ObjectType()
export class LocationMappingPayload {
  @Field(() => LocationMapping) mapping!: LocationMapping;
}
