/**
 * WiFi profiles a member installs so a device joins the network by itself: an Apple configuration
 * profile (.mobileconfig, iOS/iPadOS/macOS) and a Windows WLAN profile (`netsh wlan add profile`).
 * Pure functions; every value is XML-escaped.
 */
import { createHash, randomUUID } from 'node:crypto';

export interface WifiProfileInput {
  ssid: string;
  passphrase: string;
  /** Shown as the profile's name, e.g. the location's name. */
  displayName: string;
  /** Stable per member and SSID, so installing again replaces the previous profile. */
  identifier: string;
}

/** XML 1.0 escaping of text and attribute values; characters XML cannot carry are dropped. */
export function xmlEscape(value: string): string {
  return value
    // eslint-disable-next-line no-control-regex -- these are exactly the characters XML 1.0 forbids
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const uuid = (): string => randomUUID().toUpperCase();

export function appleMobileconfig(input: WifiProfileInput): string {
  const e = xmlEscape;
  const id = `${input.identifier}.wifi`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>PayloadContent</key>
  <array>
    <dict>
      <key>AutoJoin</key>
      <true/>
      <key>EncryptionType</key>
      <string>WPA2</string>
      <key>HIDDEN_NETWORK</key>
      <false/>
      <key>IsHotspot</key>
      <false/>
      <key>Password</key>
      <string>${e(input.passphrase)}</string>
      <key>SSID_STR</key>
      <string>${e(input.ssid)}</string>
      <key>ProxyType</key>
      <string>None</string>
      <key>PayloadDisplayName</key>
      <string>${e(`WiFi ${input.ssid}`)}</string>
      <key>PayloadIdentifier</key>
      <string>${e(id)}</string>
      <key>PayloadType</key>
      <string>com.apple.wifi.managed</string>
      <key>PayloadUUID</key>
      <string>${uuid()}</string>
      <key>PayloadVersion</key>
      <integer>1</integer>
    </dict>
  </array>
  <key>PayloadDisplayName</key>
  <string>${e(`${input.displayName} WiFi`)}</string>
  <key>PayloadDescription</key>
  <string>${e(`Joins ${input.ssid} with your personal key`)}</string>
  <key>PayloadIdentifier</key>
  <string>${e(input.identifier)}</string>
  <key>PayloadRemovalDisallowed</key>
  <false/>
  <key>PayloadType</key>
  <string>Configuration</string>
  <key>PayloadUUID</key>
  <string>${uuid()}</string>
  <key>PayloadVersion</key>
  <integer>1</integer>
</dict>
</plist>
`;
}

export function windowsWlanProfile(input: WifiProfileInput): string {
  const e = xmlEscape;
  const hex = Buffer.from(input.ssid, 'utf8').toString('hex').toUpperCase();
  return `<?xml version="1.0" encoding="UTF-8"?>
<WLANProfile xmlns="http://www.microsoft.com/networking/WLAN/profile/v1">
  <name>${e(input.ssid)}</name>
  <SSIDConfig>
    <SSID>
      <hex>${hex}</hex>
      <name>${e(input.ssid)}</name>
    </SSID>
  </SSIDConfig>
  <connectionType>ESS</connectionType>
  <connectionMode>auto</connectionMode>
  <MSM>
    <security>
      <authEncryption>
        <authentication>WPA2PSK</authentication>
        <encryption>AES</encryption>
        <useOneX>false</useOneX>
      </authEncryption>
      <sharedKey>
        <keyType>passPhrase</keyType>
        <protected>false</protected>
        <keyMaterial>${e(input.passphrase)}</keyMaterial>
      </sharedKey>
    </security>
  </MSM>
</WLANProfile>
`;
}

/** A reverse-DNS identifier, stable per deployment, member and SSID. */
export function profileIdentifier(publicUrl: string, memberId: string, ssid: string): string {
  let host = 'lanyard';
  try {
    host = new URL(publicUrl).hostname.split('.').reverse().join('.') || host;
  } catch {
    // keep the default
  }
  const ssidHash = createHash('sha256').update(ssid).digest('hex').slice(0, 12);
  return `${host}.lanyard.${memberId}.${ssidHash}`.replace(/[^A-Za-z0-9.-]/g, '-');
}
