import type { AccessGrantInput, AccessMemberInput } from '../../domain/access/access-policy.js';
import type { AccessGrant, Member } from '../../entities/index.js';

/** Entities → the plain inputs of the pure access policy. Collections must be populated. */
export function toPolicyMember(member: Member): AccessMemberInput {
  return {
    id: member.id,
    status: member.status,
    roaming: member.roaming,
    homeLocationIds: member.homeLocations.getItems().map((l) => l.id),
    groups: member.groups.getItems().map((g) => ({
      id: g.id,
      name: g.name,
      origin: g.origin,
      vlanId: g.vlanId,
      policy: {
        bandwidthUpKbps: g.bandwidthUpKbps,
        bandwidthDownKbps: g.bandwidthDownKbps,
        sessionTimeoutSeconds: g.sessionTimeoutSeconds,
        maxDevices: g.maxDevices,
      },
    })),
  };
}

export function toPolicyGrant(grant: AccessGrant): AccessGrantInput {
  return {
    id: grant.id,
    kind: grant.kind,
    locationId: grant.location?.id ?? null,
    startsAt: grant.startsAt,
    endsAt: grant.endsAt,
    cancelledAt: grant.cancelledAt,
    grantsWifi: grant.grantsWifi,
    timezone: grant.location?.timezone ?? null,
  };
}
