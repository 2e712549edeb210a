/**
 * Pure mapping of Nexudus records (coworking-apis.md §1.6–§1.11) to the connector contract. A record
 * missing a field the mapping needs is an UpstreamError MALFORMED naming the entity and field.
 */
import type {
  UpstreamBooking,
  UpstreamCheckIn,
  UpstreamGroup,
  UpstreamLocation,
  UpstreamMember,
  UpstreamMembership,
  UpstreamPlan,
} from '../connector.js';
import { UpstreamError, UpstreamErrorCode } from '../connector.js';

type Json = Record<string, unknown>;

function malformed(entity: string, field: string, rec: Json): UpstreamError {
  const id = typeof rec.Id === 'number' ? ` ${rec.Id}` : '';
  return new UpstreamError(
    UpstreamErrorCode.MALFORMED,
    `Nexudus ${entity}${id}: missing or invalid ${field}`,
  );
}

export function requireId(entity: string, rec: Json, field = 'Id'): number {
  const v = rec[field];
  if (typeof v === 'number' && Number.isSafeInteger(v) && v > 0) return v;
  if (typeof v === 'string' && /^\d{1,15}$/.test(v) && Number(v) > 0) return Number(v);
  throw malformed(entity, field, rec);
}

function optionalId(entity: string, rec: Json, field: string): number | null {
  const v = rec[field];
  return v === null || v === undefined || v === '' || v === 0 ? null : requireId(entity, rec, field);
}

function requireString(entity: string, rec: Json, field: string): string {
  const v = rec[field];
  if (typeof v !== 'string') throw malformed(entity, field, rec);
  return v;
}

function optionalString(rec: Json, field: string): string | null {
  const v = rec[field];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
}

function requireBool(entity: string, rec: Json, field: string): boolean {
  const v = rec[field];
  if (typeof v !== 'boolean') throw malformed(entity, field, rec);
  return v;
}

/** Dates are ISO-8601 UTC (§1.3); a value without a zone is read as UTC. */
export function parseNexudusDate(v: unknown): Date | null {
  if (typeof v !== 'string' || v.trim() === '') return null;
  const s = v.trim();
  const withZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(s) ? s : `${s}Z`;
  const t = Date.parse(withZone);
  return Number.isFinite(t) ? new Date(t) : null;
}

function requireDate(entity: string, rec: Json, field: string): Date {
  const d = parseNexudusDate(rec[field]);
  if (!d) throw malformed(entity, field, rec);
  return d;
}

function optionalDate(entity: string, rec: Json, field: string): Date | null {
  const v = rec[field];
  if (v === null || v === undefined || v === '') return null;
  return requireDate(entity, rec, field);
}

function idList(entity: string, rec: Json, field: string): number[] {
  const v = rec[field];
  if (!Array.isArray(v)) throw malformed(entity, field, rec);
  return v.map((x: unknown, i) => requireId(entity, { Id: rec.Id, [`${field}[${i}]`]: x }, `${field}[${i}]`));
}

const str = (n: number) => String(n);
const unique = (xs: string[]) => [...new Set(xs)];

/**
 * Businesses → locations. Nexudus only gives `SimpleTimeZoneId`, an integer whose table is not
 * published, so the time zone stays null and is set in Lanyard.
 */
export function mapBusiness(rec: Json): UpstreamLocation {
  return {
    externalId: str(requireId('business', rec)),
    name: requireString('business', rec, 'Name'),
    timezone: null,
  };
}

export function mapTeam(rec: Json): UpstreamGroup {
  return {
    externalId: str(requireId('team', rec)),
    kind: 'TEAM',
    name: requireString('team', rec, 'Name'),
    locationExternalId: ((id) => (id === null ? null : str(id)))(optionalId('team', rec, 'BusinessId')),
  };
}

/** SystemTariffType 10 VirtualOffice and 11 Virtual carry no desk (§1.9). */
export const VIRTUAL_TARIFF_TYPES = new Set([10, 11]);

export function mapTariff(rec: Json): UpstreamPlan {
  const business = optionalId('tariff', rec, 'BusinessId');
  return {
    externalId: str(requireId('tariff', rec)),
    name: requireString('tariff', rec, 'Name'),
    locationExternalId: business === null ? null : str(business),
    virtual: VIRTUAL_TARIFF_TYPES.has(Number(rec.SystemTariffType)),
  };
}

/** A usable email: trimmed, one `@`, no spaces. */
function usableEmail(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const s = v.trim();
  return /^[^\s@]+@[^\s@]+$/.test(s) ? s : null;
}

/** `Custom1..30` and name/value pairs of `CustomFields`, as strings (usable as username or password source). */
function customFields(rec: Json): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 1; i <= 30; i++) {
    const v = rec[`Custom${i}`];
    if (typeof v === 'string' && v !== '') out[`Custom${i}`] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[`Custom${i}`] = String(v);
  }
  const cf = rec.CustomFields;
  if (Array.isArray(cf))
    for (const f of cf as unknown[]) {
      if (!f || typeof f !== 'object') continue;
      const { Name, Value } = f as Json;
      if (typeof Name === 'string' && Name && (typeof Value === 'string' || typeof Value === 'number'))
        out[Name] = String(Value);
    }
  return out;
}

/** A full (GET-by-id) coworker → member. List records lack `Businesses` and `Teams` (§1.3). */
export function mapCoworker(rec: Json): UpstreamMember {
  const id = requireId('coworker', rec);
  const home = optionalId('coworker', rec, 'InvoicingBusinessId');
  const businesses = idList('coworker', rec, 'Businesses').map(str);
  const teams = rec.Teams === null ? [] : idList('coworker', rec, 'Teams').map(str);
  const active = requireBool('coworker', rec, 'Active');
  const archived =
    rec.Archived === undefined || rec.Archived === null ? false : requireBool('coworker', rec, 'Archived');
  return {
    externalId: str(id),
    email: usableEmail(rec.Email),
    fullName: optionalString(rec, 'FullName') ?? '',
    company: optionalString(rec, 'CompanyName'),
    locationExternalIds: unique(home === null ? businesses : [...businesses, str(home)]),
    homeLocationExternalId: home === null ? null : str(home),
    groupExternalIds: unique(teams),
    active: active && !archived,
    fields: customFields(rec),
  };
}

/**
 * A contract → membership, or null when it no longer gives anything: inactive, or cancelled with
 * an end in the past. `CancellationDate` is when the contract ends (§1.9), so it is both
 * `cancelledAt` and `endsAt`; `ContractTerm` is only a minimum term and `RenewalDate` the next
 * invoice, neither ends access.
 */
export function mapContract(rec: Json, now: Date): UpstreamMembership | null {
  const id = requireId('contract', rec);
  const coworker = requireId('contract', rec, 'CoworkerId');
  const startsAt = requireDate('contract', rec, 'StartDate');
  const cancellation = optionalDate('contract', rec, 'CancellationDate');
  const active = rec.Active === undefined ? true : requireBool('contract', rec, 'Active');
  if (!active) return null;
  if (cancellation && cancellation.getTime() <= now.getTime()) return null;
  // Cancelled without a date: nothing says until when it runs, so it gives nothing.
  if (rec.Cancelled === true && !cancellation) return null;
  const tariff = optionalId('contract', rec, 'TariffId');
  const issuedBy = optionalId('contract', rec, 'IssuedById');
  return {
    externalId: str(id),
    memberExternalId: str(coworker),
    planExternalId: tariff === null ? null : str(tariff),
    locationExternalId: issuedBy === null ? null : str(issuedBy),
    startsAt,
    endsAt: cancellation,
    cancelledAt: cancellation,
  };
}

/** What a booking needs from its resource: the location and the type name. */
export interface ResourceInfo {
  businessId: number;
  typeName: string | null;
}

/**
 * A booking → desk or room booking, or null when it cannot give access: no coworker (an admin
 * block), tentative (awaiting approval, §1.10), ended before `from`, or on an unknown resource.
 * Desk: a floor-plan desk, or a resource whose type name says desk.
 */
export function mapBooking(
  rec: Json,
  resources: ReadonlyMap<number, ResourceInfo>,
  from: Date,
): UpstreamBooking | null {
  const id = requireId('booking', rec);
  const resourceId = requireId('booking', rec, 'ResourceId');
  const startsAt = requireDate('booking', rec, 'FromTime');
  const endsAt = requireDate('booking', rec, 'ToTime');
  const coworker = optionalId('booking', rec, 'CoworkerId');
  if (coworker === null || rec.Tentative === true || endsAt.getTime() < from.getTime()) return null;
  const resource = resources.get(resourceId);
  if (!resource) return null;
  const typeName = optionalString(rec, 'ResourceResourceTypeName') ?? resource.typeName ?? '';
  const desk = optionalId('booking', rec, 'FloorPlanDeskId') !== null || /desk/i.test(typeName);
  return {
    externalId: str(id),
    memberExternalId: str(coworker),
    locationExternalId: str(resource.businessId),
    kind: desk ? 'DESK' : 'ROOM',
    startsAt,
    endsAt,
  };
}

/** `AA:BB:CC:DD:EE:FF`, `aa-bb-…`, `aabb.ccdd.eeff`, several separated by commas/semicolons/spaces → aa:bb:cc:dd:ee:ff. */
export function normalizeMacAddresses(v: unknown): string[] {
  if (typeof v !== 'string') return [];
  const out: string[] = [];
  for (const token of v.split(/[\s,;|]+/)) {
    const hex = token.replace(/[:.-]/g, '').toLowerCase();
    if (!/^[0-9a-f]{12}$/.test(hex)) continue;
    const mac = hex.match(/../g)!.join(':');
    if (!out.includes(mac)) out.push(mac);
  }
  return out;
}

/** A check-in → presence, or null when it gives nothing now: no coworker, or checked out before `from`. */
export function mapCheckin(rec: Json, from: Date): UpstreamCheckIn | null {
  const id = requireId('check-in', rec);
  const business = requireId('check-in', rec, 'BusinessId');
  const checkedInAt = requireDate('check-in', rec, 'FromTime');
  const checkedOutAt = optionalDate('check-in', rec, 'ToTime');
  const coworker = optionalId('check-in', rec, 'CoworkerId');
  if (coworker === null) return null;
  if (checkedOutAt && checkedOutAt.getTime() < from.getTime()) return null;
  return {
    externalId: str(id),
    memberExternalId: str(coworker),
    locationExternalId: str(business),
    checkedInAt,
    checkedOutAt,
    macAddresses: normalizeMacAddresses(rec.MacAddresses),
  };
}

/** The earliest instant that is "today" somewhere: UTC midnight minus 14 hours (UTC+14 is the first zone). */
export function startOfTodayAnywhere(now: Date): Date {
  const utcMidnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return new Date(utcMidnight - 14 * 3_600_000);
}
