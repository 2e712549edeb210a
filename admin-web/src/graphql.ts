import { gql, type TypedDocumentNode } from '@apollo/client';

// Hand-written types for the operations this app uses, checked against schema/schema.graphql.

export type AdminRole = 'OWNER' | 'ADMIN' | 'LOCATION_MANAGER' | 'VIEWER';
export type MemberStatus = 'ACTIVE' | 'DISABLED' | 'DELETED';
export type GrantKind = 'MEMBERSHIP' | 'DESK_BOOKING' | 'ROOM_BOOKING' | 'CHECK_IN' | 'MANUAL' | 'VISITOR';
export type NasVendor =
  'generic' | 'hostapd' | 'meraki' | 'cisco' | 'aruba' | 'ruckus' | 'mikrotik' | 'unifi' | 'omada';
export type ApiScope =
  | 'READ'
  | 'MEMBERS_WRITE'
  | 'MEMBERS_SECRETS'
  | 'LOCATIONS_WRITE'
  | 'NAS_WRITE'
  | 'GROUPS_WRITE'
  | 'INTEGRATIONS_WRITE'
  | 'SYNC_RUN'
  | 'AUDIT_READ';
type Vars<T> = T;
type NoVars = Record<string, never>;

export interface AdminSummary {
  id: string;
  email: string;
  role: AdminRole;
}

export interface Ref {
  id: string;
  name: string;
}

export interface LocationRow {
  id: string;
  name: string;
  slug: string;
  timezone: string;
  ssids: string[];
  portalUrl: string;
  defaultVlanId: number | null;
  vlanPoolStart: number | null;
  vlanPoolEnd: number | null;
  branding: {
    primaryColor: string | null;
    accentColor: string | null;
    logoUrl: string | null;
    welcomeText: string | null;
  };
}

export interface NasRow {
  id: string;
  name: string;
  ipAddress: string;
  vendor: NasVendor;
  coaPort: number;
  requireMessageAuthenticator: boolean;
  lastSeenAt: string | null;
  location: Ref;
}

export interface GroupRow {
  id: string;
  name: string;
  origin: 'TEAM' | 'COMPANY' | 'PLAN' | 'MANUAL';
  vlanId: number | null;
  vlanAutoAllocated: boolean;
  bandwidthUpKbps: number | null;
  bandwidthDownKbps: number | null;
  sessionTimeoutSeconds: number | null;
  maxDevices: number | null;
  memberCount: number;
  location: Ref | null;
}

export interface MemberRow {
  id: string;
  fullName: string;
  email: string;
  company: string | null;
  username: string;
  status: MemberStatus;
  homeLocations: Ref[];
}

export interface Grant {
  id: string;
  kind: GrantKind;
  startsAt: string;
  endsAt: string | null;
  cancelledAt: string | null;
  grantsWifi: boolean;
  note: string | null;
  sourceRef: string | null;
  location: Ref | null;
}

export interface AccessDecision {
  allowed: boolean;
  reason: string;
  validUntil: string | null;
  grantId: string | null;
  grantKind: GrantKind | null;
  vlanId: number | null;
  bandwidthUpKbps: number | null;
  bandwidthDownKbps: number | null;
  sessionTimeoutSeconds: number | null;
  maxDevices: number | null;
}

export interface MemberDetail extends MemberRow {
  roaming: boolean;
  hasPassphrase: boolean;
  passphraseUpdatedAt: string | null;
  createdAt: string;
  groups: Array<{ id: string; name: string; vlanId: number | null }>;
  devices: Array<{
    id: string;
    mac: string;
    name: string | null;
    learnedBy: string;
    lastSeenAt: string | null;
  }>;
  grants: Grant[];
}

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}
export interface Connection<T> {
  totalCount: number;
  pageInfo: PageInfo;
  nodes: T[];
}

const LOCATION_FIELDS = `id name slug timezone ssids portalUrl defaultVlanId vlanPoolStart vlanPoolEnd
  branding { primaryColor accentColor logoUrl welcomeText }`;
const NAS_FIELDS = `id name ipAddress vendor coaPort requireMessageAuthenticator lastSeenAt location { id name }`;
const GROUP_FIELDS = `id name origin vlanId vlanAutoAllocated bandwidthUpKbps bandwidthDownKbps sessionTimeoutSeconds maxDevices memberCount location { id name }`;
const MEMBER_FIELDS = `id fullName email company username status homeLocations { id name }`;
const GRANT_FIELDS = `id kind startsAt endsAt cancelledAt grantsWifi note sourceRef location { id name }`;
const MEMBER_DETAIL = `${MEMBER_FIELDS} roaming hasPassphrase passphraseUpdatedAt createdAt
  groups { id name vlanId } devices { id mac name learnedBy lastSeenAt } grants { ${GRANT_FIELDS} }`;

// ── session ────────────────────────────────────────────────────────────────────────────────
export const SETUP_STATUS: TypedDocumentNode<{ setupStatus: { needsSetup: boolean } }, NoVars> = gql`
  query SetupStatus {
    setupStatus {
      needsSetup
    }
  }
`;
export const CURRENT_ADMIN: TypedDocumentNode<{ currentAdmin: AdminSummary }, NoVars> = gql`
  query CurrentAdmin {
    currentAdmin {
      id
      email
      role
    }
  }
`;
type Credentials = { input: { email: string; password: string } };
export const SETUP_FIRST_ADMIN: TypedDocumentNode<{ setupFirstAdmin: { admin: AdminSummary } }, Credentials> =
  gql`
    mutation SetupFirstAdmin($input: SetupFirstAdminInput!) {
      setupFirstAdmin(input: $input) {
        admin {
          id
          email
          role
        }
      }
    }
  `;
export const LOGIN: TypedDocumentNode<{ login: { admin: AdminSummary } }, Credentials> = gql`
  mutation Login($input: LoginInput!) {
    login(input: $input) {
      admin {
        id
        email
        role
      }
    }
  }
`;
export const LOGOUT: TypedDocumentNode<{ logout: boolean }, NoVars> = gql`
  mutation Logout {
    logout
  }
`;

// ── locations ──────────────────────────────────────────────────────────────────────────────
export const LOCATIONS: TypedDocumentNode<{ locations: LocationRow[] }, NoVars> = gql(`
  query Locations { locations { ${LOCATION_FIELDS} } }`);
export interface LocationInput {
  name: string;
  slug: string;
  timezone: string;
  ssids: string[];
  defaultVlanId?: number | null;
  vlanPoolStart?: number | null;
  vlanPoolEnd?: number | null;
  branding?: LocationRow['branding'];
}
export const CREATE_LOCATION: TypedDocumentNode<
  { createLocation: { location: LocationRow } },
  Vars<{ input: LocationInput }>
> = gql(
  `mutation CreateLocation($input: CreateLocationInput!) { createLocation(input: $input) { location { ${LOCATION_FIELDS} } } }`,
);
export const UPDATE_LOCATION: TypedDocumentNode<
  { updateLocation: { location: LocationRow } },
  Vars<{ input: Partial<LocationInput> & { id: string } }>
> = gql(
  `mutation UpdateLocation($input: UpdateLocationInput!) { updateLocation(input: $input) { location { ${LOCATION_FIELDS} } } }`,
);
export const DELETE_LOCATION: TypedDocumentNode<{ deleteLocation: { deletedId: string } }, { id: string }> =
  gql`
    mutation DeleteLocation($id: ID!) {
      deleteLocation(id: $id) {
        deletedId
      }
    }
  `;

// ── access points ──────────────────────────────────────────────────────────────────────────
export const NAS_CLIENTS: TypedDocumentNode<{ nasClients: NasRow[] }, NoVars> = gql(`
  query NasClients { nasClients { ${NAS_FIELDS} } }`);
export interface NasInput {
  locationId: string;
  name: string;
  ipAddress: string;
  vendor: NasVendor;
  coaPort?: number | null;
  requireMessageAuthenticator?: boolean;
}
export const CREATE_NAS: TypedDocumentNode<
  { createNasClient: { nasClient: NasRow; secret: string } },
  { input: NasInput }
> = gql(
  `mutation CreateNasClient($input: CreateNasClientInput!) { createNasClient(input: $input) { secret nasClient { ${NAS_FIELDS} } } }`,
);
export const UPDATE_NAS: TypedDocumentNode<
  { updateNasClient: { nasClient: NasRow } },
  { input: Partial<NasInput> & { id: string } }
> = gql(
  `mutation UpdateNasClient($input: UpdateNasClientInput!) { updateNasClient(input: $input) { nasClient { ${NAS_FIELDS} } } }`,
);
export const ROTATE_NAS_SECRET: TypedDocumentNode<
  { rotateNasClientSecret: { nasClient: NasRow; secret: string } },
  { input: { id: string } }
> = gql(
  `mutation RotateNasClientSecret($input: RotateNasClientSecretInput!) { rotateNasClientSecret(input: $input) { secret nasClient { ${NAS_FIELDS} } } }`,
);
export const DELETE_NAS: TypedDocumentNode<{ deleteNasClient: { deletedId: string } }, { id: string }> = gql`
  mutation DeleteNasClient($id: ID!) {
    deleteNasClient(id: $id) {
      deletedId
    }
  }
`;

// ── groups ─────────────────────────────────────────────────────────────────────────────────
export const GROUPS: TypedDocumentNode<{ groups: GroupRow[] }, NoVars> = gql(
  `query Groups { groups { ${GROUP_FIELDS} } }`,
);
export interface GroupInput {
  name: string;
  locationId?: string | null;
  vlanId?: number | null;
  autoVlan?: boolean;
  bandwidthUpKbps?: number | null;
  bandwidthDownKbps?: number | null;
  sessionTimeoutSeconds?: number | null;
  maxDevices?: number | null;
}
export const CREATE_GROUP: TypedDocumentNode<{ createGroup: { group: GroupRow } }, { input: GroupInput }> =
  gql(
    `mutation CreateGroup($input: CreateGroupInput!) { createGroup(input: $input) { group { ${GROUP_FIELDS} } } }`,
  );
export const UPDATE_GROUP: TypedDocumentNode<
  { updateGroup: { group: GroupRow } },
  { input: Partial<GroupInput> & { id: string } }
> = gql(
  `mutation UpdateGroup($input: UpdateGroupInput!) { updateGroup(input: $input) { group { ${GROUP_FIELDS} } } }`,
);
export const DELETE_GROUP: TypedDocumentNode<{ deleteGroup: { deletedId: string } }, { id: string }> = gql`
  mutation DeleteGroup($id: ID!) {
    deleteGroup(id: $id) {
      deletedId
    }
  }
`;

// ── members ────────────────────────────────────────────────────────────────────────────────
export interface MemberFilter {
  search?: string | null;
  status?: MemberStatus | null;
  locationId?: string | null;
  groupId?: string | null;
  integrationId?: string | null;
  hasAccess?: boolean | null;
}
export const MEMBERS: TypedDocumentNode<
  { members: Connection<MemberRow> },
  { filter: MemberFilter; first: number; after?: string | null }
> = gql(`query Members($filter: MemberFilterInput, $first: Int, $after: String) {
  members(filter: $filter, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { ${MEMBER_FIELDS} } } }`);
export const MEMBER: TypedDocumentNode<{ member: MemberDetail }, { id: string }> =
  gql(`query Member($id: ID!) {
  member(id: $id) { ${MEMBER_DETAIL} } }`);
export const MEMBER_ACCESS: TypedDocumentNode<
  { member: { id: string; accessAt: AccessDecision } },
  { id: string; locationId: string }
> =
  gql(`query MemberAccess($id: ID!, $locationId: ID!) { member(id: $id) { id accessAt(locationId: $locationId) {
  allowed reason validUntil grantId grantKind vlanId bandwidthUpKbps bandwidthDownKbps sessionTimeoutSeconds maxDevices } } }`);
export const CREATE_MEMBER: TypedDocumentNode<
  { createMember: { member: MemberDetail } },
  { input: { email: string; fullName: string; company?: string | null; locationIds: string[] } }
> = gql(
  `mutation CreateMember($input: CreateMemberInput!) { createMember(input: $input) { member { ${MEMBER_DETAIL} } } }`,
);
export const UPDATE_MEMBER: TypedDocumentNode<
  { updateMember: { member: MemberDetail } },
  { input: { id: string; groupIds?: string[]; locationIds?: string[]; roaming?: boolean } }
> = gql(
  `mutation UpdateMember($input: UpdateMemberInput!) { updateMember(input: $input) { member { ${MEMBER_DETAIL} } } }`,
);

const memberAction = (name: string) =>
  gql(
    `mutation ${name[0]!.toUpperCase()}${name.slice(1)}($memberId: ID!) { ${name}(memberId: $memberId) { member { ${MEMBER_DETAIL} } } }`,
  );
type MemberAction<K extends string> = TypedDocumentNode<
  Record<K, { member: MemberDetail }>,
  { memberId: string }
>;
export const DISABLE_MEMBER: MemberAction<'disableMember'> = memberAction('disableMember');
export const ENABLE_MEMBER: MemberAction<'enableMember'> = memberAction('enableMember');
export const DELETE_MEMBER: MemberAction<'deleteMember'> = memberAction('deleteMember');
export const ROTATE_PASSPHRASE: MemberAction<'rotateMemberPassphrase'> =
  memberAction('rotateMemberPassphrase');
export const REVEAL_PASSPHRASE: TypedDocumentNode<
  { revealMemberPassphrase: string | null },
  { memberId: string }
> = gql`
  mutation RevealMemberPassphrase($memberId: ID!) {
    revealMemberPassphrase(memberId: $memberId)
  }
`;
export const SET_PASSPHRASE: TypedDocumentNode<
  { setMemberPassphrase: { member: MemberDetail } },
  { input: { memberId: string; passphrase: string } }
> = gql(
  `mutation SetMemberPassphrase($input: SetMemberPassphraseInput!) { setMemberPassphrase(input: $input) { member { ${MEMBER_DETAIL} } } }`,
);
export const DISCONNECT_MEMBER: TypedDocumentNode<
  { disconnectMember: { sessionsRequested: number } },
  { memberId: string }
> = gql`
  mutation DisconnectMember($memberId: ID!) {
    disconnectMember(memberId: $memberId) {
      sessionsRequested
    }
  }
`;

export interface GrantInput {
  memberId: string;
  kind: GrantKind;
  locationId: string | null;
  startsAt: string;
  endsAt: string | null;
  note?: string | null;
}
export const CREATE_GRANT: TypedDocumentNode<
  { createAccessGrant: { accessGrant: Grant } },
  { input: GrantInput }
> = gql(
  `mutation CreateAccessGrant($input: CreateAccessGrantInput!) { createAccessGrant(input: $input) { accessGrant { ${GRANT_FIELDS} } } }`,
);
export const UPDATE_GRANT: TypedDocumentNode<
  { updateAccessGrant: { accessGrant: Grant } },
  {
    input: {
      id: string;
      endsAt?: string | null;
      startsAt?: string;
      note?: string | null;
      cancelledAt?: string | null;
    };
  }
> = gql(
  `mutation UpdateAccessGrant($input: UpdateAccessGrantInput!) { updateAccessGrant(input: $input) { accessGrant { ${GRANT_FIELDS} } } }`,
);
export const DELETE_GRANT: TypedDocumentNode<{ deleteAccessGrant: { deletedId: string } }, { id: string }> =
  gql`
    mutation DeleteAccessGrant($id: ID!) {
      deleteAccessGrant(id: $id) {
        deletedId
      }
    }
  `;

// ── admins, API keys, audit ────────────────────────────────────────────────────────────────
export interface AdminRow extends AdminSummary {
  disabledAt: string | null;
  lastLoginAt: string | null;
  locations: Ref[];
}
const ADMIN_FIELDS = `id email role disabledAt lastLoginAt locations { id name }`;
export const ADMINS: TypedDocumentNode<{ adminUsers: AdminRow[] }, NoVars> = gql(
  `query AdminUsers { adminUsers { ${ADMIN_FIELDS} } }`,
);
export const CREATE_ADMIN: TypedDocumentNode<
  { createAdminUser: { adminUser: AdminRow } },
  { input: { email: string; password: string; role: AdminRole; locationIds: string[] } }
> = gql(
  `mutation CreateAdminUser($input: CreateAdminUserInput!) { createAdminUser(input: $input) { adminUser { ${ADMIN_FIELDS} } } }`,
);
export const UPDATE_ADMIN: TypedDocumentNode<
  { updateAdminUser: { adminUser: AdminRow } },
  { input: { id: string; role?: AdminRole; disabled?: boolean; locationIds?: string[] } }
> = gql(
  `mutation UpdateAdminUser($input: UpdateAdminUserInput!) { updateAdminUser(input: $input) { adminUser { ${ADMIN_FIELDS} } } }`,
);
export const DELETE_ADMIN: TypedDocumentNode<{ deleteAdminUser: { deletedId: string } }, { id: string }> =
  gql`
    mutation DeleteAdminUser($id: ID!) {
      deleteAdminUser(id: $id) {
        deletedId
      }
    }
  `;

export interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiScope[];
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}
const KEY_FIELDS = `id name prefix scopes createdAt lastUsedAt expiresAt revokedAt`;
export const API_KEYS: TypedDocumentNode<{ apiKeys: ApiKeyRow[] }, NoVars> = gql(
  `query ApiKeys { apiKeys { ${KEY_FIELDS} } }`,
);
export const CREATE_API_KEY: TypedDocumentNode<
  { createApiKey: { key: string; apiKey: ApiKeyRow } },
  { input: { name: string; scopes: ApiScope[] } }
> = gql(
  `mutation CreateApiKey($input: CreateApiKeyInput!) { createApiKey(input: $input) { key apiKey { ${KEY_FIELDS} } } }`,
);
export const REVOKE_API_KEY: TypedDocumentNode<{ revokeApiKey: { apiKey: ApiKeyRow } }, { id: string }> = gql(
  `mutation RevokeApiKey($id: ID!) { revokeApiKey(id: $id) { apiKey { ${KEY_FIELDS} } } }`,
);

export interface AuditRow {
  id: string;
  createdAt: string;
  action: string;
  actorType: string;
  actorLabel: string;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}
export const AUDIT_EVENTS: TypedDocumentNode<
  { auditEvents: Connection<AuditRow> },
  {
    filter: { action?: string | null; targetType?: string | null; targetId?: string | null };
    first: number;
    after?: string | null;
  }
> = gql`
  query AuditEvents($filter: AuditEventFilterInput, $first: Int, $after: String) {
    auditEvents(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        createdAt
        action
        actorType
        actorLabel
        targetType
        targetId
        ip
        details
      }
    }
  }
`;

// ── activity ───────────────────────────────────────────────────────────────────────────────
export interface SessionRow {
  id: string;
  username: string;
  callingStationId: string | null;
  framedIpAddress: string | null;
  startedAt: string;
  lastUpdateAt: string;
  stoppedAt: string | null;
  sessionTimeSeconds: number;
  inputOctets: string;
  outputOctets: string;
  terminateCause: string | null;
  disconnectResult: string | null;
  open: boolean;
  member: { id: string; fullName: string } | null;
  nasClient: Ref | null;
  location: Ref | null;
}
export const SESSIONS: TypedDocumentNode<
  { radiusSessions: Connection<SessionRow> },
  {
    filter: {
      memberId?: string | null;
      locationId?: string | null;
      nasClientId?: string | null;
      open?: boolean | null;
    };
    first: number;
    after?: string | null;
  }
> = gql`
  query RadiusSessions($filter: RadiusSessionFilterInput, $first: Int, $after: String) {
    radiusSessions(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        username
        callingStationId
        framedIpAddress
        startedAt
        lastUpdateAt
        stoppedAt
        sessionTimeSeconds
        inputOctets
        outputOctets
        terminateCause
        disconnectResult
        open
        member {
          id
          fullName
        }
        nasClient {
          id
          name
        }
        location {
          id
          name
        }
      }
    }
  }
`;
export interface AuthEventRow {
  id: string;
  createdAt: string;
  username: string | null;
  mac: string | null;
  method: string;
  result: 'ACCEPT' | 'REJECT';
  reason: string;
  vlanId: number | null;
  repeatCount: number;
  lastAt: string | null;
  member: { id: string; fullName: string } | null;
  nasClient: Ref | null;
  location: Ref | null;
}
export const AUTH_EVENTS: TypedDocumentNode<
  { authEvents: Connection<AuthEventRow> },
  {
    filter: {
      memberId?: string | null;
      macAddress?: string | null;
      result?: 'ACCEPT' | 'REJECT' | null;
      since?: string | null;
    };
    first: number;
    after?: string | null;
  }
> = gql`
  query AuthEvents($filter: AuthEventFilterInput, $first: Int, $after: String) {
    authEvents(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        createdAt
        username
        mac
        method
        result
        reason
        vlanId
        repeatCount
        lastAt
        member {
          id
          fullName
        }
        nasClient {
          id
          name
        }
        location {
          id
          name
        }
      }
    }
  }
`;
export interface DashboardData {
  membersWithAccessNow: number;
  activeSessions: number;
  acceptedLastHour: number;
  rejectedLastHour: number;
  nasClientCount: number;
  authPerMinute: Array<{ minute: string; accepted: number; rejected: number }>;
  topRejectReasons: Array<{ reason: string; count: number }>;
  nasClientsSilent: Array<{
    id: string;
    name: string;
    ipAddress: string;
    lastSeenAt: string | null;
    location: Ref;
  }>;
}
export const DASHBOARD: TypedDocumentNode<{ dashboard: DashboardData }, NoVars> = gql`
  query Dashboard {
    dashboard {
      membersWithAccessNow
      activeSessions
      acceptedLastHour
      rejectedLastHour
      nasClientCount
      authPerMinute {
        minute
        accepted
        rejected
      }
      topRejectReasons {
        reason
        count
      }
      nasClientsSilent {
        id
        name
        ipAddress
        lastSeenAt
        location {
          id
          name
        }
      }
    }
  }
`;
