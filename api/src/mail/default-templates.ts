/**
 * The built-in email templates, used until an admin saves their own version (EmailTemplate row with
 * the same key). Liquid syntax; in the HTML part every `{{ value }}` is HTML-escaped.
 */
export interface TemplateSource {
  subject: string;
  html: string;
  text: string;
}

export interface TemplateDefinition extends TemplateSource {
  /** Variables a template may use (anything else is refused at save time). */
  variables: readonly string[];
  /** Values used by the preview and by the save-time check. */
  sample: Record<string, string | number>;
}

export const TemplateKey = {
  memberCredentials: 'member-credentials',
  magicLink: 'magic-link',
} as const;
export type TemplateKey = (typeof TemplateKey)[keyof typeof TemplateKey];

const layout = (body: string): string => `<!doctype html>
<html>
<body style="margin:0;padding:24px;background:#f4f5f7;font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;color:#1f2328">
<div style="max-width:520px;margin:0 auto;background:#ffffff;border-radius:8px;padding:24px">
${body}
</div>
</body>
</html>
`;

export const DEFAULT_TEMPLATES: Record<TemplateKey, TemplateDefinition> = {
  [TemplateKey.memberCredentials]: {
    variables: ['space_name', 'member_name', 'ssid', 'username', 'password', 'profile_url', 'portal_url'],
    sample: {
      space_name: 'Harbour Works',
      member_name: 'Ada Lovelace',
      ssid: 'Harbour-WiFi',
      username: 'ada@example.com',
      password: 'correct-horse-battery-staple',
      profile_url: 'https://wifi.example.com/portal/harbour#profiles',
      portal_url: 'https://wifi.example.com/portal/harbour',
    },
    subject: 'Your WiFi access at {{ space_name }}',
    html: layout(`<h1 style="font-size:20px;margin:0 0 16px">Welcome to {{ space_name }}, {{ member_name }}</h1>
<p>Your personal WiFi key is ready. Connect to the network below with it.</p>
<table style="border-collapse:collapse;margin:16px 0">
<tr><td style="padding:4px 12px 4px 0;color:#57606a">Network</td><td style="padding:4px 0"><strong>{{ ssid }}</strong></td></tr>
<tr><td style="padding:4px 12px 4px 0;color:#57606a">Username</td><td style="padding:4px 0">{{ username }}</td></tr>
<tr><td style="padding:4px 12px 4px 0;color:#57606a">Password</td><td style="padding:4px 0;font-family:monospace;font-size:16px">{{ password }}</td></tr>
</table>
<p>On a phone or laptop you can install a profile so it connects by itself: <a href="{{ profile_url }}">set up my devices</a>.</p>
<p>See your key, change it or manage your devices any time on <a href="{{ portal_url }}">your WiFi page</a>.</p>
<p style="color:#57606a;font-size:13px">This key is yours alone: please do not share it.</p>`),
    text: `Welcome to {{ space_name }}, {{ member_name }}

Your personal WiFi key is ready.

Network:  {{ ssid }}
Username: {{ username }}
Password: {{ password }}

Set up your devices: {{ profile_url }}
Your WiFi page (see or change your key, manage devices): {{ portal_url }}

This key is yours alone: please do not share it.
`,
  },
  [TemplateKey.magicLink]: {
    variables: ['space_name', 'member_name', 'link', 'expires_minutes'],
    sample: {
      space_name: 'Harbour Works',
      member_name: 'Ada Lovelace',
      link: 'https://wifi.example.com/portal/harbour/signin#token=sample',
      expires_minutes: 15,
    },
    subject: 'Sign in to your WiFi page at {{ space_name }}',
    html: layout(`<h1 style="font-size:20px;margin:0 0 16px">Hello {{ member_name }}</h1>
<p>Use the button below to sign in to your WiFi page at {{ space_name }}.</p>
<p style="margin:24px 0"><a href="{{ link }}" style="background:#1f6feb;color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:none">Sign in</a></p>
<p style="color:#57606a;font-size:13px">The link works once and expires in {{ expires_minutes }} minutes. If you did not ask for it, you can ignore this email.</p>`),
    text: `Hello {{ member_name }}

Sign in to your WiFi page at {{ space_name }}:
{{ link }}

The link works once and expires in {{ expires_minutes }} minutes. If you did not ask for it, you can ignore this email.
`,
  },
};

export const isTemplateKey = (key: string): key is TemplateKey =>
  Object.prototype.hasOwnProperty.call(DEFAULT_TEMPLATES, key);
