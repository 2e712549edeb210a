/**
 * Nexudus webhook deliveries (coworking-apis.md §1.12): the body is a JSON array holding one DTO,
 * the action is known from the route (`/webhooks/<token>/<action>`), the optional signature is the
 * uppercase hex HMAC-SHA256 of the exact body keyed with the shared secret.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { WebhookEffect, WebhookRequest } from '../connector.js';
import { UpstreamError, UpstreamErrorCode } from '../connector.js';

/** eWebhookAction (§1.12), by value; the spelling is as published. */
const ACTIONS: Record<number, string> = {
  1: 'None',
  2: 'CoworkerUpdate',
  3: 'CoworkerCreate',
  4: 'BlogPostCreate',
  5: 'BlogPostUpdate',
  6: 'BookingCreate',
  7: 'BookingUpdate',
  8: 'BookingDelete',
  9: 'SendWelcomeEmail',
  10: 'CoworkerContractActivate',
  11: 'CoworkerContractCancel',
  12: 'CoworkerContractRenew',
  13: 'CoworkerContractUpgradeDowngrade',
  14: 'CoworkerContractActivateFirst',
  15: 'CoworkerInvoiceCreateFirst',
  16: 'CoworkerInvoiceCreate',
  17: 'CoworkerInvoiceDelete',
  18: 'CoworkerInvoiceUpdate',
  19: 'CoworkerInvoiceRefund',
  20: 'CoworkerInvoiceCreditNote',
  21: 'CoworkerInvoicePaid',
  22: 'CoworkerInvoiceFailedPayment',
  23: 'CoworkerInvoiceReceivedPayment',
  24: 'CoworkerInvoiceAwaitingPayment',
  25: 'CalendarEventCreate',
  26: 'CalendarEventUpdate',
  27: 'CalendarEventAttendeeDelete',
  28: 'CalendarEventAttendeeCreate',
  29: 'CalendarEventAttendeeUpdate',
  30: 'GlobalChatMessageCreate',
  31: 'NewsLetterSubscriberCreate',
  32: 'NewsLetterSubscriberSubscribed',
  33: 'NewsLetterSubscriberUnSubscribed',
  34: 'NewsLetterSubscriberRemovedFromGroup',
  35: 'CoworkerCheckout',
  36: 'CoworkerCheckin',
  37: 'CoworkerCheckinFailed',
  38: 'VisitorNotification',
  39: 'CommunityBoardNewThread',
  40: 'CommunityBoardNewReply',
  41: 'VisitorCheckedin',
  42: 'VisitorRegistered',
  43: 'BlogPostDelete',
  44: 'CalendarEventDelete',
  45: 'HelDeskMessageCreated',
  46: 'HelpDeskCommentCreated',
  47: 'CheckinCreated',
  48: 'CheckinUpdated',
  49: 'CheckinDeleted',
  50: 'CoworkerDelete',
  51: 'CoworkerMessageCreate',
  52: 'DeliveryCreated',
  53: 'DeliveryAssigned',
  54: 'ProposalCreated',
  55: 'ProposalUpdated',
  56: 'ProposalDeleted',
  57: 'TeamCreated',
  58: 'TeamUpdated',
  59: 'TeamDeleted',
  60: 'CoworkerContractUpdate',
  61: 'AccessControlUpdate',
  62: 'CoworkerContractCreate',
  63: 'FailedCheckin',
  64: 'VisitorDeleted',
  65: 'CoworkerInvoiceLedgerEntryCreate',
  66: 'CoworkerInvoiceLedgerEntryDelete',
  67: 'CoworkerInvoiceLedgerEntryUpdate',
  68: 'CoworkerProductCreate',
  69: 'CoworkerProductUpdate',
  70: 'CoworkerProductDelete',
  71: 'FloorPlanDeskCreate',
  72: 'FloorPlanDeskDelete',
  73: 'FloorPlanDeskUpdate',
  74: 'TariffCreate',
  75: 'TariffDelete',
  76: 'TariffUpdate',
  77: 'CoworkerContractDelete',
  78: 'FloorPlanCreate',
  79: 'FloorPlanDelete',
  80: 'FloorPlanUpdate',
  81: 'ProductCreate',
  82: 'ProductDelete',
  83: 'ProductUpdate',
  84: 'BusinessUpdate',
  85: 'CommunityGroupCreate',
  86: 'CommunityGroupDelete',
  87: 'CommunityGroupUpdate',
  88: 'CoworkerPaymentMethodCreate',
  89: 'CoworkerPaymentMethodDelete',
  90: 'CoworkerPaymentMethodUpdate',
};
const BY_NAME = new Map(Object.entries(ACTIONS).map(([n, name]) => [name.toLowerCase(), Number(n)]));

/** The payload is the coworker: its `Id` is the member. AccessControlUpdate carries a coworker too [I]. */
const COWORKER_ACTIONS = new Set([2, 3, 9, 50, 61]);
/** Contract, booking and check-in payloads name the member in `CoworkerId`. */
const COWORKER_ID_ACTIONS = new Set([6, 7, 8, 10, 11, 12, 13, 14, 35, 36, 37, 47, 48, 49, 60, 62, 63, 77]);
/** Teams, tariffs and businesses change groups, plans or locations of many members: full run. */
const FULL_SYNC_ACTIONS = new Set([57, 58, 59, 74, 75, 76, 84]);

export function webhookActionFromPath(pathSuffix: string | null): { action: number; name: string } | null {
  const s = (pathSuffix ?? '').replace(/^\/+|\/+$/g, '').trim();
  if (!s) return null;
  const action = /^\d{1,3}$/.test(s) ? Number(s) : BY_NAME.get(s.toLowerCase());
  const name = action === undefined ? undefined : ACTIONS[action];
  return action !== undefined && name ? { action, name } : null;
}

/** Uppercase hex HMAC-SHA256 of the body, key = the shared secret as ASCII (§1.12). */
export function signNexudusWebhook(rawBody: Buffer | string, secret: string): string {
  return createHmac('sha256', Buffer.from(secret, 'ascii')).update(rawBody).digest('hex').toUpperCase();
}

function positiveId(v: unknown): number | null {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v > 0) return v;
  if (typeof v === 'string' && /^\d{1,15}$/.test(v) && Number(v) > 0) return Number(v);
  return null;
}

export function parseNexudusWebhook(request: WebhookRequest, secret: string | null): WebhookEffect {
  const malformed = (why: string) =>
    new UpstreamError(UpstreamErrorCode.WEBHOOK_MALFORMED, `Nexudus webhook: ${why}`);
  if (secret) {
    const given = (request.headers['x-nexudus-hook-signature'] ?? '').trim().toUpperCase();
    const expected = Buffer.from(signNexudusWebhook(request.rawBody, secret), 'utf8');
    const actual = Buffer.from(given, 'utf8');
    if (actual.length !== expected.length || !timingSafeEqual(actual, expected))
      throw new UpstreamError(
        UpstreamErrorCode.WEBHOOK_SIGNATURE_INVALID,
        given ? 'Nexudus webhook: signature does not match' : 'Nexudus webhook: signature missing',
      );
  }
  const action = webhookActionFromPath(request.pathSuffix);
  if (!action) throw malformed('unknown or missing action in the route');
  let body: unknown;
  try {
    body = JSON.parse(request.rawBody.toString('utf8'));
  } catch {
    throw malformed('body is not JSON');
  }
  if (!Array.isArray(body) || body.length === 0) throw malformed('body is not an array of records');
  const dto = body[0] as unknown;
  if (!dto || typeof dto !== 'object' || Array.isArray(dto)) throw malformed('first element is not a record');
  const rec = dto as Record<string, unknown>;

  const deliveryId = createHash('sha256').update(`${action.action}:`).update(request.rawBody).digest('hex');
  const effect = (memberIds: number[], fullSync = false): WebhookEffect => ({
    event: action.name,
    deliveryId,
    memberExternalIds: memberIds.map(String),
    fullSync,
  });

  if (FULL_SYNC_ACTIONS.has(action.action)) return effect([], true);
  if (COWORKER_ACTIONS.has(action.action)) {
    const id = positiveId(rec.Id);
    if (id === null) throw malformed(`${action.name} without a coworker Id`);
    return effect([id]);
  }
  const hasCoworkerId = rec.CoworkerId !== undefined && rec.CoworkerId !== null;
  const coworkerId = positiveId(rec.CoworkerId);
  if (hasCoworkerId && coworkerId === null) throw malformed(`${action.name} with an invalid CoworkerId`);
  if (coworkerId !== null) return effect([coworkerId]);
  // A contract/check-in event whose payload turns out to be the coworker itself (§1.12 leaves it open).
  if (
    COWORKER_ID_ACTIONS.has(action.action) &&
    !('CoworkerId' in rec) &&
    'Email' in rec &&
    'FullName' in rec
  ) {
    const id = positiveId(rec.Id);
    if (id !== null) return effect([id]);
  }
  // No member named (a booking without coworker, an unrelated event): nothing to refresh.
  return effect([]);
}
