import { randomBytes } from 'node:crypto';
import { SecretAad } from '@lanyard/schema';
import type { EntityManager } from '@mikro-orm/postgresql';
import { assertLocationAccess, canSeeLocation, requireStaff, type Actor } from '../../auth/actor.js';
import { Permission } from '../../auth/permissions.js';
import type { SecretBox } from '../../common/crypto/secret-box.js';
import { DomainError, ErrorCode, notFound, Problems } from '../../common/errors.js';
import { formatCidr, isCidrTooBroad, MIN_PREFIX, overlaps, parseCidr } from '../../common/net.js';
import type { Tx } from '../../common/tx.js';
import { Location, MacFormat, NasClient, NasVendor } from '../../entities/index.js';
import { notifyConfigChanged } from '../../events/notify.js';

export interface NasClientFields {
  locationId?: string;
  name?: string;
  ipAddress?: string;
  vendor?: NasVendor;
  macFormat?: MacFormat;
  coaPort?: number;
  requireMessageAuthenticator?: boolean;
}

/** ≥ 24 random bytes, as the design asks; base64url keeps it typeable into AP web UIs. */
export const generateNasSecret = (): string => randomBytes(24).toString('base64url');

function validateSecret(secret: string, p: Problems): void {
  if (secret.length < 16 || secret.length > 128)
    p.add('secret', 'INVALID_SECRET_LENGTH', 'must be 16–128 characters');
  if (!/^[\x21-\x7e]+$/.test(secret))
    p.add('secret', 'INVALID_SECRET_CHARS', 'printable ASCII without spaces only');
}

export class NasClientService {
  constructor(private readonly secrets: SecretBox) {}

  async list(em: EntityManager, actor: Actor, locationId?: string | null): Promise<NasClient[]> {
    const staff = requireStaff(actor, Permission.NasRead);
    const where: Record<string, unknown> = {};
    if (locationId) where.location = locationId;
    if (staff.locationIds !== null)
      where.location = {
        $in: locationId
          ? [locationId].filter((id) => staff.locationIds!.includes(id))
          : [...staff.locationIds],
      };
    return em.find(NasClient, where, { orderBy: { name: 'asc', id: 'asc' }, populate: ['location'] });
  }

  async get(em: EntityManager, actor: Actor, id: string): Promise<NasClient> {
    requireStaff(actor, Permission.NasRead);
    const nas = await em.findOne(NasClient, { id }, { populate: ['location'] });
    if (!nas || !canSeeLocation(actor, nas.location.id)) throw notFound('NasClient', id);
    return nas;
  }

  async create(
    tx: Tx,
    input: NasClientFields & { locationId: string; name: string; ipAddress: string; secret?: string | null },
  ): Promise<{ nasClient: NasClient; secret: string }> {
    requireStaff(tx.actor, Permission.NasWrite);
    const p = new Problems();
    const ip = this.validate(input, p);
    if (input.secret != null) validateSecret(input.secret, p);
    p.throwIfAny();
    const location = await this.location(tx, input.locationId);
    await this.assertAddressFree(tx, ip!, null);
    const secret = input.secret ?? generateNasSecret();
    const nas = tx.em.create(NasClient, {
      location,
      name: input.name.trim(),
      ipAddress: ip!,
      secretEnc: '',
      vendor: input.vendor ?? NasVendor.generic,
      macFormat: input.macFormat ?? MacFormat.IETF,
      coaPort: input.coaPort ?? 3799,
      requireMessageAuthenticator: input.requireMessageAuthenticator ?? true,
    });
    nas.secretEnc = this.secrets.encrypt(secret, SecretAad.nasSecret(nas.id));
    await tx.em.flush();
    await notifyConfigChanged(tx.em, 'NAS_CLIENT', nas.id, 'CREATED');
    return { nasClient: nas, secret };
  }

  async update(tx: Tx, id: string, input: NasClientFields): Promise<NasClient> {
    requireStaff(tx.actor, Permission.NasWrite);
    const nas = await this.get(tx.em, tx.actor, id);
    const p = new Problems();
    const ip = this.validate(input, p);
    p.throwIfAny();
    if (input.locationId !== undefined) nas.location = await this.location(tx, input.locationId);
    if (ip && ip !== nas.ipAddress) {
      await this.assertAddressFree(tx, ip, nas.id);
      nas.ipAddress = ip;
    }
    if (input.name !== undefined) nas.name = input.name.trim();
    if (input.vendor !== undefined) nas.vendor = input.vendor;
    if (input.macFormat !== undefined) nas.macFormat = input.macFormat;
    if (input.coaPort !== undefined) nas.coaPort = input.coaPort;
    if (input.requireMessageAuthenticator !== undefined)
      nas.requireMessageAuthenticator = input.requireMessageAuthenticator;
    await tx.em.flush();
    await notifyConfigChanged(tx.em, 'NAS_CLIENT', nas.id, 'UPDATED');
    return nas;
  }

  async rotateSecret(
    tx: Tx,
    id: string,
    secret?: string | null,
  ): Promise<{ nasClient: NasClient; secret: string }> {
    requireStaff(tx.actor, Permission.NasWrite);
    const nas = await this.get(tx.em, tx.actor, id);
    if (secret != null) {
      const p = new Problems();
      validateSecret(secret, p);
      p.throwIfAny();
    }
    const value = secret ?? generateNasSecret();
    nas.secretEnc = this.secrets.encrypt(value, SecretAad.nasSecret(nas.id));
    await tx.em.flush();
    await notifyConfigChanged(tx.em, 'NAS_CLIENT', nas.id, 'UPDATED');
    return { nasClient: nas, secret: value };
  }

  async delete(tx: Tx, id: string): Promise<string> {
    requireStaff(tx.actor, Permission.NasWrite);
    const nas = await this.get(tx.em, tx.actor, id);
    tx.em.remove(nas);
    await tx.em.flush();
    await notifyConfigChanged(tx.em, 'NAS_CLIENT', id, 'DELETED');
    return id;
  }

  private validate(input: NasClientFields, p: Problems): string | null {
    if (input.name !== undefined && (input.name.trim() === '' || input.name.length > 200)) {
      p.add('name', 'INVALID_NAME', 'must be 1–200 characters');
    }
    let ip: string | null = null;
    if (input.ipAddress !== undefined) {
      const parsed = parseCidr(input.ipAddress);
      if (!parsed) {
        p.add(
          'ipAddress',
          'INVALID_CIDR',
          'give an IPv4/IPv6 address or a network such as 10.0.0.0/24 (host bits zero)',
        );
      } else if (isCidrTooBroad(parsed)) {
        p.add(
          'ipAddress',
          'CIDR_TOO_BROAD',
          `networks broader than /${MIN_PREFIX[4]} (IPv4) or /${MIN_PREFIX[6]} (IPv6) are not accepted`,
        );
      } else {
        ip = formatCidr(parsed);
      }
    }
    if (
      input.coaPort !== undefined &&
      !(Number.isInteger(input.coaPort) && input.coaPort >= 1 && input.coaPort <= 65535)
    ) {
      p.add('coaPort', 'INVALID_PORT', 'must be 1–65535');
    }
    return ip;
  }

  private async location(tx: Tx, locationId: string): Promise<Location> {
    const location = await tx.em.findOne(Location, { id: locationId });
    if (!location || !canSeeLocation(tx.actor, location.id)) throw notFound('Location', locationId);
    assertLocationAccess(tx.actor, location.id);
    return location;
  }

  /**
   * The RADIUS worker identifies a NAS by the source address of a request, so no address may match
   * two NAS clients: an address or network must not equal, contain or lie inside another's. A
   * transaction-scoped advisory lock serialises concurrent checks (two replicas, two admins).
   * Only a NAS the actor may see is named in the error.
   */
  private async assertAddressFree(tx: Tx, ip: string, selfId: string | null): Promise<void> {
    await tx.em.execute('select pg_advisory_xact_lock(hashtext(?))', ['lanyard:nas-addresses']);
    const rows: Array<{ id: string; name: string; ip_address: string; location_id: string }> =
      await tx.em.execute('select id, name, ip_address, location_id from nas_client');
    const wanted = parseCidr(ip)!;
    for (const row of rows) {
      if (row.id === selfId) continue;
      // Stored addresses are normalised; parse them again so older spellings compare correctly.
      const existing = parseCidr(row.ip_address);
      if (!existing || !overlaps(wanted, existing)) continue;
      const visible = canSeeLocation(tx.actor, row.location_id);
      if (formatCidr(existing) === ip) {
        throw new DomainError(ErrorCode.ALREADY_EXISTS, `An access point with address ${ip} exists`, {
          field: 'ipAddress',
          ...(visible ? { nasClientId: row.id } : {}),
        });
      }
      throw visible
        ? new DomainError(
            ErrorCode.CONFLICT,
            `${ip} overlaps ${row.ip_address} of access point "${row.name}"; a source address must match one access point only`,
            { field: 'ipAddress', nasClientId: row.id, ipAddress: row.ip_address },
          )
        : new DomainError(
            ErrorCode.CONFLICT,
            `${ip} overlaps the address of another access point; a source address must match one access point only`,
          );
    }
  }
}
