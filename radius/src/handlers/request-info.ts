import { decryptUserPassword } from '../codec/crypto.js';
import {
  Attr,
  getAttr,
  getExtended,
  getString,
  getVsas,
  macFromAttribute,
  parseCalledStationId,
  parseTlvs,
  Vendor,
  VendorAttr,
  type RadiusPacket,
} from '../codec/packet.js';

/** The handshake data an AP forwards for unbound PPSK, whatever its vendor. */
export interface UnboundPpskData {
  style: 'hostapd' | 'ruckus' | 'omada';
  ssid: string | null;
  apMac: Buffer | null;
  anonce: Buffer;
  frame: Buffer;
}

const EVS5_ANONCE = 1;
const EVS5_EAPOL_KEY_MSG = 2;

const macBytes = (mac: string | null): Buffer | null =>
  mac ? Buffer.from(mac.replaceAll(':', ''), 'hex') : null;

export function extractUnboundPpsk(p: RadiusPacket): UnboundPpskData | null {
  // Only the attributes that carry a handshake make this a PPSK request; PAP and MAC-auth
  // requests (the bulk) stop here without parsing anything else.
  let carriers = false;
  for (const a of p.attributes) if (a.type === 245 || a.type === Attr.VendorSpecific) carriers = true;
  if (!carriers) return null;
  // Called-Station-Id is usually "AP-MAC:SSID" (MikroTik, hostapd, most controllers).
  const station = parseCalledStationId(getString(p, Attr.CalledStationId) ?? '');
  const called = { apMac: station.mac, ssid: station.ssid };

  const anonce = getExtended(p, 245, 26, { vendorId: Vendor.FreeRadius, vendorType: EVS5_ANONCE });
  const eapol = getExtended(p, 245, 26, { vendorId: Vendor.FreeRadius, vendorType: EVS5_EAPOL_KEY_MSG });
  if (anonce && eapol)
    return { style: 'hostapd', ssid: called.ssid, apMac: macBytes(called.apMac), anonce, frame: eapol };

  const dpsk = getVsas(p, ...VendorAttr['Ruckus-DPSK-Params'])[0];
  if (dpsk) {
    const tlv = parseTlvs(dpsk);
    const a = tlv.get(3)?.[0];
    const f = tlv.get(4)?.[0];
    if (a && f) {
      const ssid = getVsas(p, ...VendorAttr['Ruckus-SSID'])[0]?.toString('utf8') ?? called.ssid;
      const bssid = getVsas(p, ...VendorAttr['Ruckus-BSSID'])[0] ?? macBytes(called.apMac);
      return {
        style: 'ruckus',
        ssid,
        apMac: bssid && bssid.length === 6 ? bssid : macBytes(called.apMac),
        anonce: a,
        frame: f,
      };
    }
  }

  const findKey = getVsas(p, ...VendorAttr['TPLink-Authentication-FindKey'])[0];
  if (findKey) {
    const tlv = parseTlvs(findKey);
    const f = tlv.get(1)?.[0];
    const a = tlv.get(2)?.[0];
    if (a && f) {
      const ssid = tlv.get(3)?.[0]?.toString('utf8') ?? called.ssid;
      const ap = tlv.get(6)?.[0] ?? tlv.get(4)?.[0] ?? macBytes(called.apMac);
      return { style: 'omada', ssid, apMac: ap && ap.length === 6 ? ap : null, anonce: a, frame: f };
    }
  }
  return null;
}

/**
 * MAC authentication: the User-Name is the station's MAC, Calling-Station-Id names the same MAC,
 * and the User-Password (when sent) is that MAC again or empty — how hostapd, Meraki, Cisco MAB,
 * Ruckus and MikroTik ask. Anything else is a password login and goes to PAP: a MAC typed as a
 * username with some password must never skip the password check.
 */
export function macAuthIdentity(
  p: RadiusPacket,
  secret: Buffer,
  /** User-Name and the Calling-Station-Id's MAC when the caller has read them already. */
  read?: { userName: string | null; callingMac: string | null },
): string | null {
  const userName = read ? read.userName : getString(p, Attr.UserName);
  if (!userName) return null;
  const asMac = macFromAttribute(userName);
  if (!asMac) return null;
  let callingMac: string | null;
  if (read) callingMac = read.callingMac;
  else {
    const calling = getString(p, Attr.CallingStationId);
    callingMac = calling ? macFromAttribute(calling) : null;
  }
  if (!callingMac || callingMac !== asMac) return null;
  const encrypted = getAttr(p, Attr.UserPassword);
  if (encrypted) {
    let password: string;
    try {
      password = decryptUserPassword(encrypted, p.authenticator, secret).toString('utf8');
    } catch {
      return null;
    }
    if (password !== '' && macFromAttribute(password) !== asMac) return null;
  }
  return asMac;
}

export function hasEap(p: RadiusPacket): boolean {
  return getAttr(p, Attr.EapMessage) !== undefined;
}
