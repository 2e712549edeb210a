/** Every user-visible string of the member portal. */
export const strings = {
  brand: 'Lanyard',
  documentTitle: (place: string) => `WiFi at ${place}`,

  location: {
    title: (slug: string) => `WiFi at ${slug}`,
    intro:
      'Members get their own WiFi key. Enter the email you use for your membership and we will send you a link to see it.',
    email: 'Your email',
    emailHint: 'The one your coworking space knows you by.',
    submit: 'Send me a sign-in link',
    sending: 'Sending…',
    emailMissing: 'Enter your email address.',
    emailInvalid: 'Enter an email address like name@example.com.',
    sent: (email: string) =>
      `If ${email} belongs to a member of this space, a sign-in link is on its way. Open it on this device; it works once, for 15 minutes. Nothing after a few minutes? Check your spam folder.`,
    unavailable:
      'Sign-in by email is not available yet on this server. Please ask the front desk for your WiFi key.',
    rateLimited: 'Too many requests. Please wait a few minutes and try again.',
    unknownLocation: 'This space is not known here. Please check the link you were given.',
    network: 'Cannot reach the server. Check your connection and try again.',
    failed: (code: string) => `Something went wrong (${code}). Please try again in a moment.`,
  },

  noSlug: {
    title: 'WiFi for members',
    body: 'To get your WiFi key, open the link of your coworking space, for example from its welcome email, the front desk or a poster. It looks like this:',
    example: (origin: string) => `${origin}/portal/your-space`,
  },

  badSlug: {
    title: 'This link does not look right',
    body: 'Please open the link of your coworking space exactly as you were given it.',
  },
};
