// The parts of Spacebring records the connector reads (coworking-apis.md §2.3-§2.6), and readers
// that check the fields it relies on. A record missing one of them makes the run MALFORMED.

export interface SbLocation {
  id: string;
  title: string;
  timezoneId: string | null;
}

export interface SbUserRef {
  id: string;
  email: string | null;
  name: string;
  surname: string;
  phoneNumber: string | null;
}

export interface SbMembership {
  id: string;
  locationRef: string;
  userRef: string;
  user: SbUserRef;
  companyRef: string | null;
  type: string | null;
  status: string | null;
  metadata: Record<string, unknown>;
  deleteDate: string | null;
}

export interface SbCompany {
  id: string;
  locationRef: string;
  title: string;
  deleteDate: string | null;
}

export interface SbPlan {
  id: string;
  title: string;
  locationRef: string | null;
}

export interface SbSubscription {
  id: string;
  locationRef: string | null;
  status: string;
  subscriptionType: 'user' | 'company';
  membershipRef: string | null;
  companyRef: string | null;
  /** `customer.user.id` when the API embeds it. */
  userId: string | null;
  startDate: string;
  endDate: string | null;
  planRefs: string[];
  deleteDate: string | null;
}

export interface SbResource {
  id: string;
  type: string;
  locationRef: string | null;
}

export interface SbBooking {
  id: string;
  resourceRef: string;
  startDate: string;
  endDate: string;
  membershipRefOwner: string | null;
  userOwnerId: string | null;
  attendees: Array<{ membershipRef: string | null; userId: string | null }>;
  deleteDate: string | null;
}

/** A record that lacks a field the connector needs; the connector turns it into MALFORMED. */
export class RecordError extends Error {}

type Obj = Record<string, unknown>;

function obj(v: unknown, what: string): Obj {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new RecordError(`${what} is not an object`);
  return v as Obj;
}

function str(o: Obj, key: string, what: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v === '') throw new RecordError(`${what} has no "${key}"`);
  return v;
}

function optStr(o: Obj, key: string, what: string): string | null {
  const v = o[key];
  if (v === undefined || v === null || v === '') return null;
  if (typeof v !== 'string') throw new RecordError(`${what} has a non-string "${key}"`);
  return v;
}

function date(o: Obj, key: string, what: string): string {
  const v = str(o, key, what);
  if (Number.isNaN(Date.parse(v))) throw new RecordError(`${what} has an invalid "${key}"`);
  return v;
}

function optDate(o: Obj, key: string, what: string): string | null {
  const v = optStr(o, key, what);
  if (v !== null && Number.isNaN(Date.parse(v))) throw new RecordError(`${what} has an invalid "${key}"`);
  return v;
}

export function readLocation(raw: unknown): SbLocation {
  const o = obj(raw, 'location');
  const id = str(o, 'id', 'location');
  return {
    id,
    title: optStr(o, 'title', `location ${id}`) ?? id,
    timezoneId: optStr(o, 'timezoneId', `location ${id}`),
  };
}

export function readMembership(raw: unknown): SbMembership {
  const o = obj(raw, 'membership');
  const id = str(o, 'id', 'membership');
  const what = `membership ${id}`;
  const u = obj(o.user, `${what} user`);
  const userId = optStr(u, 'id', `${what} user`) ?? optStr(o, 'userRef', what);
  if (!userId) throw new RecordError(`${what} has no "userRef"`);
  const metadata =
    o.metadata && typeof o.metadata === 'object' && !Array.isArray(o.metadata) ? (o.metadata as Obj) : {};
  return {
    id,
    locationRef: str(o, 'locationRef', what),
    userRef: optStr(o, 'userRef', what) ?? userId,
    user: {
      id: userId,
      email: optStr(u, 'email', `${what} user`),
      name: optStr(u, 'name', `${what} user`) ?? '',
      surname: optStr(u, 'surname', `${what} user`) ?? '',
      phoneNumber: optStr(u, 'phoneNumber', `${what} user`),
    },
    companyRef: optStr(o, 'companyRef', what),
    type: optStr(o, 'type', what),
    status: optStr(o, 'status', what),
    metadata,
    deleteDate: optDate(o, 'deleteDate', what),
  };
}

export function readCompany(raw: unknown): SbCompany {
  const o = obj(raw, 'company');
  const id = str(o, 'id', 'company');
  return {
    id,
    locationRef: str(o, 'locationRef', `company ${id}`),
    title: optStr(o, 'title', `company ${id}`) ?? id,
    deleteDate: optDate(o, 'deleteDate', `company ${id}`),
  };
}

export function readPlan(raw: unknown): SbPlan {
  const o = obj(raw, 'plan');
  const id = str(o, 'id', 'plan');
  return {
    id,
    title: optStr(o, 'title', `plan ${id}`) ?? id,
    locationRef: optStr(o, 'locationRef', `plan ${id}`),
  };
}

export function readSubscription(raw: unknown): SbSubscription {
  const o = obj(raw, 'subscription');
  const id = str(o, 'id', 'subscription');
  const what = `subscription ${id}`;
  const customer = o.customer && typeof o.customer === 'object' ? (o.customer as Obj) : {};
  const type = optStr(o, 'subscriptionType', what) ?? optStr(customer, 'type', `${what} customer`);
  if (type !== 'user' && type !== 'company') throw new RecordError(`${what} has no "subscriptionType"`);
  const cu = customer.user && typeof customer.user === 'object' ? (customer.user as Obj) : {};
  const customerRef = optStr(o, 'customerRef', what);
  const membershipRef = optStr(o, 'membershipRef', what) ?? (type === 'user' ? customerRef : null);
  const companyRef = optStr(o, 'companyRef', what) ?? (type === 'company' ? customerRef : null);
  if (type === 'user' && !membershipRef) throw new RecordError(`${what} has no "membershipRef"`);
  if (type === 'company' && !companyRef) throw new RecordError(`${what} has no "companyRef"`);
  const items = Array.isArray(o.items) ? o.items : [];
  const planRefs: string[] = [];
  for (const it of items) {
    const i = obj(it, `${what} item`);
    const ref =
      optStr(i, 'planRef', `${what} item`) ??
      (i.plan && typeof i.plan === 'object' ? optStr(i.plan as Obj, 'id', `${what} item plan`) : null);
    if (ref && !planRefs.includes(ref)) planRefs.push(ref);
  }
  return {
    id,
    locationRef: optStr(o, 'locationRef', what),
    status: str(o, 'status', what),
    subscriptionType: type,
    membershipRef,
    companyRef,
    userId: optStr(cu, 'id', `${what} customer user`),
    startDate: date(o, 'startDate', what),
    endDate: optDate(o, 'endDate', what),
    planRefs,
    deleteDate: optDate(o, 'deleteDate', what),
  };
}

export function readResource(raw: unknown): SbResource {
  const o = obj(raw, 'resource');
  const id = str(o, 'id', 'resource');
  return {
    id,
    type: str(o, 'type', `resource ${id}`),
    locationRef: optStr(o, 'locationRef', `resource ${id}`),
  };
}

export function readBooking(raw: unknown): SbBooking {
  const o = obj(raw, 'booking');
  const id = str(o, 'id', 'booking');
  const what = `booking ${id}`;
  const owner = o.userOwner && typeof o.userOwner === 'object' ? (o.userOwner as Obj) : {};
  const membershipRefOwner = optStr(o, 'membershipRefOwner', what);
  const userOwnerId = optStr(owner, 'id', `${what} userOwner`);
  if (!membershipRefOwner && !userOwnerId) throw new RecordError(`${what} has no owner`);
  const attendees = (Array.isArray(o.attendees) ? o.attendees : []).map((a) => {
    const ao = obj(a, `${what} attendee`);
    const au = ao.user && typeof ao.user === 'object' ? (ao.user as Obj) : {};
    return {
      membershipRef: optStr(ao, 'membershipRef', `${what} attendee`),
      userId: optStr(au, 'id', `${what} attendee user`),
    };
  });
  return {
    id,
    resourceRef: str(o, 'resourceRef', what),
    startDate: date(o, 'startDate', what),
    endDate: date(o, 'endDate', what),
    membershipRefOwner,
    userOwnerId,
    attendees,
    deleteDate: optDate(o, 'deleteDate', what),
  };
}
