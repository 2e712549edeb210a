import { gql, type TypedDocumentNode } from '@apollo/client';
import type { IntegrationSettings } from '@lanyard/schema';

// Integrations, sync runs, email templates and the outbox (hand-written, checked against
// schema/schema.graphql). Only the lazy pages import this file.

export type IntegrationKind = 'NEXUDUS' | 'ANDCARDS';
export type IntegrationHealth = 'CONNECTED' | 'NEEDS_RECONNECT' | 'ERROR' | 'NEVER_SYNCED';
export type SyncRunStatus = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'HELD' | 'DISCARDED';
export type SyncTrigger = 'MANUAL' | 'SCHEDULE' | 'WEBHOOK';
export type SyncRunMode = 'FULL' | 'INCREMENTAL' | 'MEMBERS';
export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
export type OutboxStatus = 'PENDING' | 'SENT' | 'FAILED' | 'CAPTURED';
// The settings as the API stores them (and their defaults) are shared through @lanyard/schema.
export type {
  DeprovisionMode,
  IntegrationSettings,
  PassphraseSource,
  PlanMapping,
  UsernameFormat,
  VlanMode,
} from '@lanyard/schema';

export interface RunCounts {
  created: number;
  updated: number;
  disabled: number;
  enabled: number;
  deleted: number;
  unchanged: number;
  errors: number;
}

export interface SyncRunRow extends RunCounts {
  id: string;
  status: SyncRunStatus;
  trigger: SyncTrigger;
  mode: SyncRunMode;
  heldReason: string | null;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface IntegrationRow {
  id: string;
  name: string;
  kind: IntegrationKind;
  enabled: boolean;
  status: IntegrationHealth;
  lastError: string | null;
  lastSyncAt: string | null;
  lastRun: SyncRunRow | null;
}

export interface LocationMapping {
  id: string;
  externalId: string;
  externalName: string | null;
  location: { id: string; name: string };
}

export interface IntegrationWarning {
  code: string;
  count: number | null;
  message: string;
}

export interface IntegrationDetail extends IntegrationRow {
  baseUrl: string;
  webhookUrl: string | null;
  webhookEndpoints: Array<{ event: string; url: string }>;
  hasWebhookSecret: boolean;
  warnings: IntegrationWarning[];
  tokenExpiresAt: string | null;
  settings: IntegrationSettings;
  locationMappings: LocationMapping[];
}

export interface LogLine {
  seq: number;
  level: LogLevel;
  message: string;
  createdAt: string;
}

export interface SyncRunDetail extends SyncRunRow {
  integration: { id: string; name: string; kind: IntegrationKind };
  log: LogLine[];
}

export interface SyncRunEvent {
  runId: string;
  seq: number | null;
  level: LogLevel | null;
  message: string | null;
  status: SyncRunStatus | null;
  at: string;
}

export interface CredentialsInput {
  email?: string;
  password?: string;
  totp?: string;
  clientId?: string;
  clientSecret?: string;
}

export type SettingsInput = Partial<IntegrationSettings>;

export interface CreateIntegrationInput {
  kind: IntegrationKind;
  name: string;
  baseUrl?: string;
  webhookSecret?: string;
  credentials: CredentialsInput;
  settings?: SettingsInput;
}

export interface UpdateIntegrationInput {
  id: string;
  name?: string;
  baseUrl?: string;
  enabled?: boolean;
  webhookSecret?: string;
  settings?: SettingsInput;
}

interface Connection<T> {
  nodes: T[];
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const RUN_FIELDS = `id status trigger mode heldReason error createdAt startedAt finishedAt
  created updated disabled enabled deleted unchanged errors`;
const ROW_FIELDS = `id name kind enabled status lastError lastSyncAt lastRun { ${RUN_FIELDS} }`;
const DETAIL_FIELDS = `${ROW_FIELDS} baseUrl webhookUrl webhookEndpoints { event url } hasWebhookSecret
  warnings { code count message } tokenExpiresAt
  settings { autoProvision deprovision usernameFormat usernameField passphraseSource passphraseField
    planMappings { planExternalId groupId noAccess } unmappedPlansGrantAccess vlanMode roaming bookingAccess
    checkInAccess credentialEmail syncIntervalMinutes safetyThresholdPercent safetyMinimumPeople }
  locationMappings { id externalId externalName location { id name } }`;

export const INTEGRATIONS: TypedDocumentNode<{ integrations: IntegrationRow[] }, Record<string, never>> = gql(
  `query Integrations { integrations { ${ROW_FIELDS} } }`,
);

export const INTEGRATION: TypedDocumentNode<{ integration: IntegrationDetail }, { id: string }> = gql(
  `query Integration($id: ID!) { integration(id: $id) { ${DETAIL_FIELDS} } }`,
);

type IntegrationPayload<K extends string> = Record<
  K,
  { integration: IntegrationDetail; run: SyncRunRow | null }
>;

export const CREATE_INTEGRATION: TypedDocumentNode<
  IntegrationPayload<'createIntegration'>,
  { input: CreateIntegrationInput }
> = gql(`mutation CreateIntegration($input: CreateIntegrationInput!) {
  createIntegration(input: $input) { integration { ${DETAIL_FIELDS} } run { ${RUN_FIELDS} } } }`);

export const UPDATE_INTEGRATION: TypedDocumentNode<
  IntegrationPayload<'updateIntegration'>,
  { input: UpdateIntegrationInput }
> = gql(`mutation UpdateIntegration($input: UpdateIntegrationInput!) {
  updateIntegration(input: $input) { integration { ${DETAIL_FIELDS} } run { ${RUN_FIELDS} } } }`);

export const RECONNECT_INTEGRATION: TypedDocumentNode<
  IntegrationPayload<'reconnectIntegration'>,
  { input: { id: string; credentials: CredentialsInput } }
> = gql(`mutation ReconnectIntegration($input: ReconnectIntegrationInput!) {
  reconnectIntegration(input: $input) { integration { ${DETAIL_FIELDS} } run { ${RUN_FIELDS} } } }`);

export const DELETE_INTEGRATION: TypedDocumentNode<
  { deleteIntegration: { deletedId: string } },
  { id: string }
> = gql`
  mutation DeleteIntegration($id: ID!) {
    deleteIntegration(id: $id) {
      deletedId
    }
  }
`;

export const REMAP_LOCATION: TypedDocumentNode<
  { remapLocation: { mapping: LocationMapping } },
  { input: { mappingId: string; locationId: string } }
> = gql`
  mutation RemapLocation($input: RemapLocationInput!) {
    remapLocation(input: $input) {
      mapping {
        id
        externalId
        externalName
        location {
          id
          name
        }
      }
    }
  }
`;

export const RUN_SYNC: TypedDocumentNode<
  { runSync: SyncRunRow },
  { integrationId: string; mode?: 'FULL' | 'INCREMENTAL' }
> = gql(`mutation RunSync($integrationId: ID!, $mode: SyncMode) {
  runSync(integrationId: $integrationId, mode: $mode) { ${RUN_FIELDS} } }`);

export const SYNC_RUNS: TypedDocumentNode<
  { syncRuns: Connection<SyncRunRow> },
  { integrationId: string; first: number; after?: string | null }
> = gql(`query SyncRuns($integrationId: ID!, $first: Int, $after: String) {
  syncRuns(filter: { integrationId: $integrationId }, first: $first, after: $after) {
    nodes { ${RUN_FIELDS} } totalCount pageInfo { hasNextPage endCursor } } }`);

export const SYNC_RUN: TypedDocumentNode<{ syncRun: SyncRunDetail }, { id: string; afterSeq?: number }> =
  gql(`query SyncRun($id: ID!, $afterSeq: Int) {
  syncRun(id: $id) { ${RUN_FIELDS} integration { id name kind } log(afterSeq: $afterSeq, first: 500) { seq level message createdAt } } }`);

/** The run's status and counts, and the log lines after `afterSeq` (catching up with the stream). */
export const SYNC_RUN_TAIL: TypedDocumentNode<
  { syncRun: SyncRunRow & { log: LogLine[] } },
  { id: string; afterSeq: number }
> = gql(`query SyncRunTail($id: ID!, $afterSeq: Int) {
  syncRun(id: $id) { ${RUN_FIELDS} log(afterSeq: $afterSeq, first: 500) { seq level message createdAt } } }`);

export const SYNC_RUN_EVENTS: TypedDocumentNode<{ syncRunEvents: SyncRunEvent }, { runId: string }> = gql`
  subscription SyncRunEvents($runId: ID!) {
    syncRunEvents(runId: $runId) {
      runId
      seq
      level
      message
      status
      at
    }
  }
`;

type RunPayload<K extends string> = Record<K, { run: SyncRunRow }>;
export const CONFIRM_SYNC_RUN: TypedDocumentNode<RunPayload<'confirmSyncRun'>, { runId: string }> = gql(
  `mutation ConfirmSyncRun($runId: ID!) { confirmSyncRun(runId: $runId) { run { ${RUN_FIELDS} } } }`,
);
export const DISCARD_SYNC_RUN: TypedDocumentNode<RunPayload<'discardSyncRun'>, { runId: string }> = gql(
  `mutation DiscardSyncRun($runId: ID!) { discardSyncRun(runId: $runId) { run { ${RUN_FIELDS} } } }`,
);

export interface WebhookDeliveryRow {
  id: string;
  event: string;
  deliveryId: string | null;
  verified: boolean;
  outcome: string;
  error: string | null;
  createdAt: string;
  processedAt: string | null;
  syncRun: { id: string; status: SyncRunStatus } | null;
}

export const WEBHOOK_DELIVERIES: TypedDocumentNode<
  { webhookDeliveries: Connection<WebhookDeliveryRow> },
  { integrationId: string; first: number; after?: string | null }
> = gql`
  query WebhookDeliveries($integrationId: ID!, $first: Int, $after: String) {
    webhookDeliveries(integrationId: $integrationId, first: $first, after: $after) {
      nodes {
        id
        event
        deliveryId
        verified
        outcome
        error
        createdAt
        processedAt
        syncRun {
          id
          status
        }
      }
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

// ── Email templates and the outbox ──

export interface EmailTemplate {
  key: string;
  subject: string;
  html: string;
  text: string;
  customized: boolean;
  variables: string[];
  updatedAt: string | null;
}
export interface EmailTemplateInput {
  key: string;
  subject: string;
  html: string;
  text: string;
}

const TEMPLATE_FIELDS = 'key subject html text customized variables updatedAt';

export const EMAIL_TEMPLATES: TypedDocumentNode<
  { emailTemplates: EmailTemplate[] },
  Record<string, never>
> = gql(`query EmailTemplates { emailTemplates { ${TEMPLATE_FIELDS} } }`);

export const PREVIEW_EMAIL_TEMPLATE: TypedDocumentNode<
  { previewEmailTemplate: { subject: string; html: string; text: string } },
  { input: EmailTemplateInput }
> = gql`
  query PreviewEmailTemplate($input: EmailTemplateInput!) {
    previewEmailTemplate(input: $input) {
      subject
      html
      text
    }
  }
`;

export const UPDATE_EMAIL_TEMPLATE: TypedDocumentNode<
  { updateEmailTemplate: { emailTemplate: EmailTemplate } },
  { input: EmailTemplateInput }
> = gql(`mutation UpdateEmailTemplate($input: EmailTemplateInput!) {
  updateEmailTemplate(input: $input) { emailTemplate { ${TEMPLATE_FIELDS} } } }`);

export const RESET_EMAIL_TEMPLATE: TypedDocumentNode<
  { resetEmailTemplate: { emailTemplate: EmailTemplate } },
  { key: string }
> = gql(`mutation ResetEmailTemplate($key: String!) {
  resetEmailTemplate(key: $key) { emailTemplate { ${TEMPLATE_FIELDS} } } }`);

export interface OutboxRow {
  id: string;
  toAddress: string;
  subject: string;
  templateKey: string | null;
  status: OutboxStatus;
  attempts: number;
  lastError: string | null;
  memberId: string | null;
  createdAt: string;
  sentAt: string | null;
}

export const OUTBOX_MESSAGES: TypedDocumentNode<
  { outboxMessages: Connection<OutboxRow> },
  { status?: OutboxStatus | null; first: number; after?: string | null }
> = gql`
  query OutboxMessages($status: OutboxStatus, $first: Int, $after: String) {
    outboxMessages(status: $status, first: $first, after: $after) {
      nodes {
        id
        toAddress
        subject
        templateKey
        status
        attempts
        lastError
        memberId
        createdAt
        sentAt
      }
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

export const RESEND_MEMBER_CREDENTIALS: TypedDocumentNode<
  { resendMemberCredentials: { outboxMessage: { id: string; toAddress: string; status: OutboxStatus } } },
  { memberId: string }
> = gql`
  mutation ResendMemberCredentials($memberId: ID!) {
    resendMemberCredentials(memberId: $memberId) {
      outboxMessage {
        id
        toAddress
        status
      }
    }
  }
`;
