/**
 * Every user-visible string of the admin app. Components never hard-code text; translating the
 * app later means translating this file.
 */
export const strings = {
  appName: 'Lanyard',
  documentTitle: (page: string) => `${page} · Lanyard admin`,

  common: {
    loading: 'Loading…',
    retry: 'Try again',
    working: 'Please wait…',
    skipToContent: 'Skip to content',
    required: 'required',
    showPassword: 'Show password',
  },

  setup: {
    title: 'Create the owner account',
    intro:
      'Welcome to Lanyard. This server has no administrator yet: the account you create now is the owner, who can do everything, including adding other administrators.',
    email: 'Email',
    password: 'Password',
    passwordHint: 'At least 12 characters. A few unrelated words make a strong, memorable password.',
    confirmPassword: 'Repeat the password',
    submit: 'Create the owner account',
    passwordTooShort: 'must be at least 12 characters',
    passwordsDiffer: 'does not match the password',
    emailMissing: 'is required',
  },

  signIn: {
    title: 'Sign in to Lanyard',
    email: 'Email',
    password: 'Password',
    submit: 'Sign in',
    missing: 'is required',
  },

  shell: {
    nav: 'Main',
    signedInAs: 'Signed in as',
    role: 'Role',
    signOut: 'Sign out',
    signingOut: 'Signing out…',
  },

  roles: {
    OWNER: 'Owner',
    ADMIN: 'Administrator',
    LOCATION_MANAGER: 'Location manager',
    VIEWER: 'Viewer',
  } as Record<string, string>,

  nav: {
    locations: 'Locations',
  },

  locations: {
    title: 'Locations',
    intro: 'Each location has its own member portal, time zone and WiFi networks (SSIDs).',
    listCaption: 'Your locations',
    empty: 'No locations yet. Add your first one below.',
    colName: 'Name',
    colSlug: 'Slug',
    colTimezone: 'Time zone',
    colSsids: 'SSIDs',
    colPortal: 'Member portal',
    noSsids: 'none yet',
    formTitle: 'Add a location',
    name: 'Name',
    nameHint: 'As members know it, e.g. “Soho, London”.',
    slug: 'Slug',
    slugHint: (url: string) => `Lower-case letters, digits and dashes. Members will open ${url}`,
    slugInvalid:
      'use only lower-case letters, digits and dashes, not starting or ending with a dash (e.g. “soho-london”)',
    timezone: 'Time zone',
    timezoneHint: 'IANA name, e.g. Europe/London. Bookings end at midnight in this time zone.',
    ssids: 'SSIDs',
    ssidsHint: 'The WiFi network names at this location, one per line. You can add them later.',
    submit: 'Add location',
    created: (name: string) => `Location “${name}” added.`,
    readOnly: 'Your role can view locations but not add them.',
    missing: 'is required',
  },

  notFound: {
    title: 'Page not found',
    body: 'There is nothing at this address.',
    back: 'Go to the locations',
  },

  /** Plain-words messages for the API's `extensions.code`. */
  errors: {
    fixFields: 'Please correct the following:',
    network: 'Cannot reach the Lanyard server. Check your connection and try again.',
    UNAUTHENTICATED: 'Your session has ended. Please sign in again.',
    FORBIDDEN: 'Your role does not allow this. Ask an owner or administrator.',
    NOT_FOUND: 'This no longer exists. It may have been deleted by someone else.',
    VALIDATION_FAILED: 'Some of the information is not valid.',
    ALREADY_EXISTS: 'This already exists.',
    SETUP_ALREADY_DONE: 'Lanyard is already set up. Please sign in instead.',
    INVALID_CREDENTIALS: 'Wrong email or password.',
    CSRF_CHECK_FAILED: 'Your session could not be verified. Please sign in again.',
    RATE_LIMITED: 'Too many attempts. Please wait a minute and try again.',
    CONFLICT: 'Someone else changed this at the same time. Reload and try again.',
    slugTaken: (slug: string) => `The slug “${slug}” is already used by another location.`,
    slugTakenField: 'is already used by another location',
    unknown: (code: string) => `Something went wrong on the server (${code}). Please try again.`,
    signInAgain: 'Sign in again',
  } as const,

  fields: {
    email: 'Email',
    password: 'Password',
    confirmPassword: 'Repeated password',
    name: 'Name',
    slug: 'Slug',
    timezone: 'Time zone',
    ssids: 'SSIDs',
  } as Record<string, string>,
};
