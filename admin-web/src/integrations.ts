import type {
  CredentialsInput,
  IntegrationKind,
  IntegrationSettings,
  LogLine,
  PlanMapping,
  SettingsInput,
  SyncRunEvent,
  SyncRunStatus,
} from './graphql-integrations';

/** Pure helpers of the integration screens (unit-tested; no React, no Apollo). */

/** Statuses after which a run's log grows no more (HELD waits for a person, then continues). */
export const FINISHED: ReadonlySet<SyncRunStatus> = new Set(['SUCCEEDED', 'FAILED', 'DISCARDED']);
export const isFinished = (s: SyncRunStatus): boolean => FINISHED.has(s);

/** A live event that is a log line (status events have no seq). */
export function lineOf(e: SyncRunEvent): LogLine | null {
  if (e.seq === null || e.seq === undefined || e.message === null || e.level === null) return null;
  return { seq: e.seq, level: e.level, message: e.message, createdAt: e.at };
}

/**
 * Adds lines to a log kept in seq order: lines already there (the stored page and a live event can
 * carry the same line) are not added twice. Returns the same array when nothing is new.
 */
export function mergeLog(current: readonly LogLine[], incoming: readonly LogLine[]): LogLine[] {
  const have = new Set(current.map((l) => l.seq));
  const fresh = incoming.filter((l) => {
    if (have.has(l.seq)) return false;
    have.add(l.seq);
    return true;
  });
  if (fresh.length === 0) return current as LogLine[];
  const last = current.length ? current[current.length - 1]!.seq : -Infinity;
  const merged = [...current, ...fresh];
  // Usually appended in order; sort only when a late line fills a gap.
  return fresh.every((l, i) => l.seq > (i === 0 ? last : fresh[i - 1]!.seq))
    ? merged
    : merged.sort((a, b) => a.seq - b.seq);
}

/**
 * Seqs run 1, 2, 3… without holes. When lines are missing (the subscription started after the
 * stored page was read, or the socket dropped) this returns the seq to read the stored log after,
 * else null.
 */
export function firstGapAfter(lines: readonly LogLine[]): number | null {
  let expected = 1;
  for (const l of lines) {
    if (l.seq > expected) return expected - 1;
    expected = l.seq + 1;
  }
  return null;
}

/** The last seq known, for reading what follows (0 before any line). */
export const lastSeq = (lines: readonly LogLine[]): number =>
  lines.length ? lines[lines.length - 1]!.seq : 0;

/** The form's credentials → only the fields the kind takes (blank optional ones left out). */
export function credentialsFor(
  kind: IntegrationKind,
  form: { email: string; password: string; totp: string; clientId: string; clientSecret: string },
): CredentialsInput {
  if (kind === 'NEXUDUS') {
    const out: CredentialsInput = { email: form.email.trim(), password: form.password };
    if (form.totp.trim()) out.totp = form.totp.replace(/\s+/g, '');
    return out;
  }
  return { clientId: form.clientId.trim(), clientSecret: form.clientSecret.trim() };
}

/** Which credential fields are missing for the kind (field name → true), before asking the server. */
export function missingCredentials(kind: IntegrationKind, c: CredentialsInput): string[] {
  const need: Array<keyof CredentialsInput> =
    kind === 'NEXUDUS' ? ['email', 'password'] : ['clientId', 'clientSecret'];
  return need.filter((k) => !c[k]);
}

/** One editable plan row: the plan id, and what it gives (a group, nothing, or the default). */
export interface PlanRow {
  planExternalId: string;
  /** '' = no group; 'NO_WIFI' = the plan gives no WiFi */
  choice: string;
}
export const NO_WIFI = 'NO_WIFI';

export const planRowsOf = (mappings: readonly PlanMapping[]): PlanRow[] =>
  mappings.map((m) => ({
    planExternalId: m.planExternalId,
    choice: m.noAccess ? NO_WIFI : (m.groupId ?? ''),
  }));

/** Rows → mappings: blank ids dropped, one mapping per plan id (the last row wins), ids trimmed. */
export function planMappingsOf(rows: readonly PlanRow[]): PlanMapping[] {
  const byId = new Map<string, PlanMapping>();
  for (const r of rows) {
    const id = r.planExternalId.trim();
    if (!id) continue;
    byId.set(id, {
      planExternalId: id,
      noAccess: r.choice === NO_WIFI,
      groupId: r.choice && r.choice !== NO_WIFI ? r.choice : null,
    });
  }
  return [...byId.values()];
}

/** Plan ids typed more than once (shown next to the table). */
export function duplicatePlanIds(rows: readonly PlanRow[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const r of rows) {
    const id = r.planExternalId.trim();
    if (!id) continue;
    if (seen.has(id)) dup.add(id);
    seen.add(id);
  }
  return [...dup];
}

/** Settings as the form holds them → the input: the field names match; custom fields only when used. */
export function settingsInput(s: IntegrationSettings, rows: readonly PlanRow[]): SettingsInput {
  return {
    autoProvision: s.autoProvision,
    deprovision: s.deprovision,
    usernameFormat: s.usernameFormat,
    usernameField: s.usernameFormat === 'CUSTOM_FIELD' ? (s.usernameField ?? '').trim() || null : null,
    passphraseSource: s.passphraseSource,
    passphraseField:
      s.passphraseSource === 'UPSTREAM_FIELD' ? (s.passphraseField ?? '').trim() || null : null,
    planMappings: planMappingsOf(rows),
    unmappedPlansGrantAccess: s.unmappedPlansGrantAccess,
    vlanMode: s.vlanMode,
    roaming: s.roaming,
    bookingAccess: s.bookingAccess,
    checkInAccess: s.checkInAccess,
    credentialEmail: s.credentialEmail,
    syncIntervalMinutes: s.syncIntervalMinutes,
    safetyThresholdPercent: s.safetyThresholdPercent,
    safetyMinimumPeople: s.safetyMinimumPeople,
  };
}
