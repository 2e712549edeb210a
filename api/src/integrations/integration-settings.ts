import { DEFAULT_INTEGRATION_SETTINGS, type IntegrationSettings } from '@lanyard/schema';

// The settings' types and defaults live in @lanyard/schema (the admin UI uses them too).
export {
  DEFAULT_INTEGRATION_SETTINGS,
  type DeprovisionMode,
  type IntegrationSettings,
  type PassphraseSource,
  type PlanMapping,
  type UsernameFormat,
  type VlanMode,
} from '@lanyard/schema';

/** Settings that only schedule runs or guard them: changing them changes nobody's access. */
const RUN_ONLY_SETTINGS: ReadonlySet<keyof IntegrationSettings> = new Set([
  'credentialEmail',
  'syncIntervalMinutes',
  'safetyThresholdPercent',
  'safetyMinimumPeople',
]);

/** Whether going from `a` to `b` may change what members get (then every member needs re-evaluating). */
export function changesAccess(a: IntegrationSettings, b: IntegrationSettings): boolean {
  const stable = (v: unknown): string =>
    Array.isArray(v)
      ? `[${v.map(stable).join(',')}]`
      : v && typeof v === 'object'
        ? `{${Object.keys(v)
            .sort()
            .map((k) => `${JSON.stringify(k)}:${stable((v as Record<string, unknown>)[k])}`)
            .join(',')}}`
        : JSON.stringify(v ?? null);
  const keys = new Set([...Object.keys(a), ...Object.keys(b)] as Array<keyof IntegrationSettings>);
  return [...keys].some((k) => !RUN_ONLY_SETTINGS.has(k) && stable(a[k]) !== stable(b[k]));
}

/** Stored JSON → settings, tolerating older rows that lack newer fields. */
export function readIntegrationSettings(
  stored: Record<string, unknown> | null | undefined,
): IntegrationSettings {
  return { ...DEFAULT_INTEGRATION_SETTINGS, ...(stored ?? {}) } as IntegrationSettings;
}
