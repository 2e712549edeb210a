import './enums.js';
import {
  AdminSession,
  AdminUser,
  ApiKey,
  AuditEvent,
  EmailTemplate,
  MagicLink,
  OutboxMessage,
} from './admin.entity.js';
import { Group } from './group.entity.js';
import { Integration, LocationMapping } from './integration.entity.js';
import { Location } from './location.entity.js';
import { AccessGrant, Device, Member, MemberPmk, MemberSource } from './member.entity.js';
import { MemberSession } from './member-session.entity.js';
import { NasClient } from './nas-client.entity.js';
import { RateLimitBucket } from './rate-limit.entity.js';
import { AuthEvent, RadiusSession } from './radius.entity.js';
import { SyncLogEntry, SyncRun, WebhookDelivery } from './sync.entity.js';

export * from './enums.js';
export { BaseEntity } from './base.entity.js';
export {
  AccessGrant,
  AdminSession,
  AdminUser,
  ApiKey,
  AuditEvent,
  AuthEvent,
  Device,
  EmailTemplate,
  Group,
  Integration,
  Location,
  LocationMapping,
  MagicLink,
  Member,
  MemberPmk,
  MemberSession,
  MemberSource,
  NasClient,
  OutboxMessage,
  RadiusSession,
  RateLimitBucket,
  SyncLogEntry,
  SyncRun,
  WebhookDelivery,
};
export { LocationBranding } from './location.entity.js';

export const ALL_ENTITIES = [
  Location,
  NasClient,
  Integration,
  LocationMapping,
  Member,
  MemberSource,
  AccessGrant,
  Device,
  MemberPmk,
  Group,
  RadiusSession,
  AuthEvent,
  SyncRun,
  SyncLogEntry,
  WebhookDelivery,
  AdminUser,
  AdminSession,
  ApiKey,
  MagicLink,
  MemberSession,
  AuditEvent,
  EmailTemplate,
  OutboxMessage,
  RateLimitBucket,
];
