/**
 * Configuration snippets for an access point or controller, per vendor profile. Pure functions:
 * the page fills in the RADIUS server address, the ports and the secret shown once.
 */
export type Vendor =
  'generic' | 'hostapd' | 'meraki' | 'cisco' | 'aruba' | 'ruckus' | 'mikrotik' | 'unifi' | 'omada';

export const VENDORS: readonly Vendor[] = [
  'generic',
  'hostapd',
  'mikrotik',
  'unifi',
  'meraki',
  'aruba',
  'ruckus',
  'cisco',
  'omada',
];

export interface SnippetInput {
  vendor: Vendor;
  /** Host name or IP address the access point sends RADIUS to. */
  server: string;
  secret: string;
  authPort?: number;
  acctPort?: number;
  /** Where the access point listens for Disconnect/CoA requests. */
  coaPort: number;
  /** First SSID of the location, used in examples. */
  ssid?: string;
}

export interface Snippet {
  /** 'text' for click-by-click steps in a web UI, 'config' for text to paste. */
  kind: 'config' | 'text';
  body: string;
}

export const AUTH_PORT = 1812;
export const ACCT_PORT = 1813;

/** The RADIUS server's address as the access points should use it: PUBLIC_URL's host, else the page's. */
export function radiusServerFrom(location: { hostname: string }, publicUrl?: string | null): string {
  if (publicUrl) {
    try {
      return new URL(publicUrl).hostname;
    } catch {
      /* fall back to the page */
    }
  }
  return location.hostname;
}

/** Quotes a value for RouterOS / IOS command lines. */
const q = (s: string): string => `"${s.replace(/(["\\])/g, '\\$1')}"`;

export function configSnippet(input: SnippetInput): Snippet {
  const auth = input.authPort ?? AUTH_PORT;
  const acct = input.acctPort ?? ACCT_PORT;
  const { server, secret, coaPort } = input;
  const ssid = input.ssid || 'Members';
  switch (input.vendor) {
    case 'hostapd':
      return {
        kind: 'config',
        body: [
          `# hostapd.conf — per-user passphrases from Lanyard (${ssid})`,
          `ssid=${ssid}`,
          'wpa=2',
          'wpa_key_mgmt=WPA-PSK',
          'rsn_pairwise=CCMP',
          'macaddr_acl=2',
          '# 3: ask Lanyard during the 4-way handshake (works with private MAC addresses)',
          'wpa_psk_radius=3',
          'dynamic_vlan=1',
          `auth_server_addr=${server}`,
          `auth_server_port=${auth}`,
          `auth_server_shared_secret=${secret}`,
          `acct_server_addr=${server}`,
          `acct_server_port=${acct}`,
          `acct_server_shared_secret=${secret}`,
          'radius_acct_interim_interval=300',
          'radius_require_message_authenticator=1',
          `radius_das_port=${coaPort}`,
          `radius_das_client=${server} ${secret}`,
          'radius_das_require_message_authenticator=1',
        ].join('\n'),
      };
    case 'mikrotik':
      return {
        kind: 'config',
        body: [
          `/radius add service=wireless address=${server} secret=${q(secret)} authentication-port=${auth} accounting-port=${acct} require-message-auth=yes`,
          `/radius incoming set accept=yes port=${coaPort}`,
          '/interface wifi aaa add name=lanyard-aaa mac-format="XX:XX:XX:XX:XX:XX" interim-update=5m',
          `/interface wifi security add name=lanyard-ppsk authentication-types=wpa2-psk wpa2-psk="" connect-priority=0`,
          `# On the ${ssid} interface: security=lanyard-ppsk aaa=lanyard-aaa and "RADIUS MAC authentication" on.`,
          '# Lanyard answers with Mikrotik-Wireless-PSK, Mikrotik-Wireless-VLANID and Mikrotik-Rate-Limit.',
        ].join('\n'),
      };
    case 'unifi':
      return {
        kind: 'text',
        body: [
          'UniFi Network → Settings → Profiles → RADIUS → Create New:',
          `  Authentication server: ${server}  port ${auth}  shared secret: ${secret}`,
          `  Accounting server: ${server}  port ${acct}  shared secret: ${secret}`,
          '  Enable "RADIUS assigned VLAN" for wireless networks, Interim update: 300 s.',
          `WiFi → ${ssid} → Security: WPA2 Personal with "RADIUS MAC Authentication" using this profile,`,
          '  MAC address format: aabbccddeeff.',
          `CoA / Disconnect: allow ${server} to reach the access points on UDP ${coaPort}.`,
        ].join('\n'),
      };
    case 'meraki':
      return {
        kind: 'text',
        body: [
          `Dashboard → Wireless → Access control → ${ssid}:`,
          '  Security: Identity PSK with RADIUS.',
          `  RADIUS servers: host ${server}, port ${auth}, secret ${secret}.`,
          `  RADIUS accounting: enabled, host ${server}, port ${acct}, secret ${secret}.`,
          '  RADIUS CoA support: enabled. RADIUS attribute specifying group policy name: Filter-Id.',
          '  VLAN tagging: "RADIUS override" on.',
          `Lanyard answers with Tunnel-Password (the member's passphrase). CoA port on the AP: ${coaPort}.`,
        ].join('\n'),
      };
    case 'aruba':
      return {
        kind: 'config',
        body: [
          '! Aruba (AOS 8 / Instant): MPSK with MAC authentication',
          `aaa authentication-server radius "lanyard"`,
          `  host ${server}`,
          `  auth-port ${auth}`,
          `  acctport ${acct}`,
          `  key ${secret}`,
          '  message-authenticator',
          `aaa rfc-3576-server ${server}`,
          `  key ${secret}`,
          `  port ${coaPort}`,
          `wlan ssid-profile "${ssid}"`,
          '  opmode wpa2-psk-aes',
          '  mpsk',
          '! MAC authentication to server group "lanyard"; replies carry Aruba-MPSK-Passphrase.',
        ].join('\n'),
      };
    case 'ruckus':
      return {
        kind: 'text',
        body: [
          'SmartZone / Unleashed → Services & Profiles → Authentication → add a RADIUS server:',
          `  IP ${server}, port ${auth}, shared secret ${secret}`,
          `Accounting server: IP ${server}, port ${acct}, shared secret ${secret}`,
          `WLAN ${ssid}: Authentication "DPSK" with "External DPSK" (RADIUS) using that server,`,
          '  Dynamic VLAN: on. Lanyard answers the DPSK lookup with the PMK (MS-MPPE-Recv-Key).',
          `Dynamic authorization (CoA / Disconnect) on UDP ${coaPort}.`,
        ].join('\n'),
      };
    case 'cisco':
      return {
        kind: 'config',
        body: [
          '! Catalyst 9800: iPSK (MAC filtering + AAA override)',
          'radius server LANYARD',
          ` address ipv4 ${server} auth-port ${auth} acct-port ${acct}`,
          ` key ${secret}`,
          'aaa group server radius LANYARD-GRP',
          ' server name LANYARD',
          'aaa authorization network LANYARD-AUTHZ group LANYARD-GRP',
          'aaa accounting network LANYARD-ACCT start-stop group LANYARD-GRP',
          'aaa server radius dynamic-author',
          ` client ${server} server-key ${secret}`,
          ` port ${coaPort}`,
          `wlan ${ssid} 1 ${ssid}`,
          ' mac-filtering LANYARD-AUTHZ',
          ' security wpa akm psk',
          ' no security wpa akm dot1x',
          '! Policy profile: aaa-override, accounting-list LANYARD-ACCT. Replies carry Cisco-AVPair psk=….',
        ].join('\n'),
      };
    case 'omada':
      return {
        kind: 'text',
        body: [
          'Omada Controller → Settings → Authentication → RADIUS Profile → Create:',
          `  Authentication server ${server}, port ${auth}, password ${secret}`,
          `  Accounting: on, server ${server}, port ${acct}, password ${secret}`,
          '  RADIUS assigned VLAN: on.',
          `Wireless Networks → ${ssid}: Security "PPSK with RADIUS" using this profile.`,
          `CoA / Disconnect: allow ${server} on UDP ${coaPort}.`,
        ].join('\n'),
      };
    case 'generic':
      return {
        kind: 'text',
        body: [
          `RADIUS authentication server: ${server}, UDP ${auth}`,
          `RADIUS accounting server: ${server}, UDP ${acct}, interim updates every 5 minutes`,
          `Shared secret: ${secret}`,
          'Send Message-Authenticator in every request.',
          `Members sign in with their username and personal passphrase (PAP or WPA-Enterprise on ${ssid}).`,
          `Disconnect / CoA requests come from ${server} to UDP ${coaPort}.`,
        ].join('\n'),
      };
  }
}
