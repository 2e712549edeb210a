import type { NasVendor } from '@lanyard/schema';
import { Attr, VendorAttr } from '../codec/packet.js';
import { u64, type PacketBuilder } from '../codec/builder.js';

/** What an Access-Accept must say, whatever the access point's vendor. */
export interface AcceptContent {
  vlanId: number | null;
  sessionTimeoutSeconds: number | null;
  bandwidthUpKbps: number | null;
  bandwidthDownKbps: number | null;
  acctInterimIntervalSeconds: number;
  /** Echoed by the NAS in accounting: ties sessions back to the member. */
  classValue: string;
  /** For MAC authentication with bound PPSK: the member's passphrase. */
  passphrase?: string | null;
  /** For unbound PPSK: the matched member's PMK (Ruckus DPSK, Omada). */
  pmk?: Buffer | null;
  /** Group name for vendors that select policy by name (Meraki Filter-Id, Aruba role). */
  policyName?: string | null;
}

export interface CryptoContext {
  secret: Buffer;
  requestAuthenticator: Buffer;
}

/**
 * Fills an Access-Accept for one vendor profile (reference/radius.md §3–§5). Standard tunnel
 * attributes always carry the VLAN; vendors that need their own attribute get it as well.
 */
export function fillAccept(
  vendor: NasVendor,
  b: PacketBuilder,
  c: AcceptContent,
  crypto: CryptoContext,
): void {
  if (c.sessionTimeoutSeconds !== null) b.add(Attr.SessionTimeout, c.sessionTimeoutSeconds);
  b.add(Attr.AcctInterimInterval, c.acctInterimIntervalSeconds);
  b.add(Attr.Class, c.classValue);
  if (c.vlanId !== null) {
    b.addTagged(Attr.TunnelType, 0, 13); // VLAN
    b.addTagged(Attr.TunnelMediumType, 0, 6); // IEEE-802
    b.addTagged(Attr.TunnelPrivateGroupId, 0, String(c.vlanId));
  }

  switch (vendor) {
    case 'cisco':
      if (c.passphrase) {
        b.addVsa(...VendorAttr['Cisco-AVPair'], 'psk-mode=ascii');
        b.addVsa(...VendorAttr['Cisco-AVPair'], `psk=${c.passphrase}`);
      } else if (c.pmk) {
        b.addVsa(...VendorAttr['Cisco-AVPair'], 'psk-mode=hex');
        b.addVsa(...VendorAttr['Cisco-AVPair'], `psk=${c.pmk.toString('hex')}`);
      }
      break;
    case 'aruba':
      if (c.passphrase) {
        b.addSaltedVsa(
          ...VendorAttr['Aruba-MPSK-Passphrase'],
          Buffer.from(c.passphrase),
          crypto.secret,
          crypto.requestAuthenticator,
        );
      }
      if (c.vlanId !== null) b.addVsa(...VendorAttr['Aruba-User-Vlan'], c.vlanId);
      if (c.policyName) b.addVsa(...VendorAttr['Aruba-User-Role'], c.policyName);
      break;
    case 'mikrotik':
      if (c.passphrase) b.addVsa(...VendorAttr['Mikrotik-Wireless-PSK'], c.passphrase);
      if (c.vlanId !== null) b.addVsa(...VendorAttr['Mikrotik-Wireless-VLANID'], c.vlanId);
      if (c.bandwidthUpKbps !== null || c.bandwidthDownKbps !== null) {
        // Router's point of view: rx = the client's upload.
        b.addVsa(
          ...VendorAttr['Mikrotik-Rate-Limit'],
          `${rate(c.bandwidthUpKbps)}/${rate(c.bandwidthDownKbps)}`,
        );
      }
      break;
    case 'ruckus':
      if (c.pmk)
        b.addSaltedVsa(...VendorAttr['MS-MPPE-Recv-Key'], c.pmk, crypto.secret, crypto.requestAuthenticator);
      else if (c.passphrase) b.addTunnelPassword(0, c.passphrase, crypto.secret, crypto.requestAuthenticator);
      if (c.vlanId !== null) b.addVsa(...VendorAttr['Ruckus-VLAN-ID'], c.vlanId);
      break;
    case 'omada':
      if (c.pmk) b.addVsa(...VendorAttr['TPLink-Authentication-FoundKey'], c.pmk);
      if (c.passphrase) b.addTunnelPassword(0, c.passphrase, crypto.secret, crypto.requestAuthenticator);
      break;
    case 'unifi':
      if (c.passphrase) b.addTunnelPassword(0, c.passphrase, crypto.secret, crypto.requestAuthenticator);
      // UBNT data rates are 64-bit (dictionary.ubnt), in kbit/s.
      if (c.bandwidthDownKbps !== null)
        b.addVsa(...VendorAttr['UBNT-Data-Rate-DL'], u64(c.bandwidthDownKbps));
      if (c.bandwidthUpKbps !== null) b.addVsa(...VendorAttr['UBNT-Data-Rate-UL'], u64(c.bandwidthUpKbps));
      break;
    case 'meraki':
      if (c.passphrase) b.addTunnelPassword(0, c.passphrase, crypto.secret, crypto.requestAuthenticator);
      if (c.policyName) b.add(Attr.FilterId, c.policyName);
      break;
    default: // generic, hostapd
      if (c.passphrase) b.addTunnelPassword(0, c.passphrase, crypto.secret, crypto.requestAuthenticator);
      break;
  }
  if (vendor !== 'mikrotik' && vendor !== 'unifi') {
    if (c.bandwidthUpKbps !== null)
      b.addVsa(...VendorAttr['WISPr-Bandwidth-Max-Up'], bitsPerSecond(c.bandwidthUpKbps));
    if (c.bandwidthDownKbps !== null)
      b.addVsa(...VendorAttr['WISPr-Bandwidth-Max-Down'], bitsPerSecond(c.bandwidthDownKbps));
  }
}

/** WISPr bandwidth is a uint32 in bit/s: saturate above ~4.29 Gbit/s instead of failing the encode. */
const bitsPerSecond = (kbps: number): number => Math.min(0xffffffff, Math.max(0, Math.round(kbps * 1000)));

const rate = (kbps: number | null): string =>
  kbps === null ? '0' : kbps % 1000 === 0 ? `${kbps / 1000}M` : `${kbps}k`;
