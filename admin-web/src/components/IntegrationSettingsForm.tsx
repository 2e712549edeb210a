import { useMutation } from '@apollo/client/react';
import {
  Alert,
  Button,
  Fieldset,
  Group,
  NumberInput,
  Radio,
  Select,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useState, type FormEvent } from 'react';
import {
  UPDATE_INTEGRATION,
  type IntegrationDetail,
  type IntegrationSettings,
} from '../graphql-integrations';
import { duplicatePlanIds, NO_WIFI, planRowsOf, settingsInput, type PlanRow } from '../integrations';
import { strings } from '../strings';
import { fieldError } from '../errors';
import { ErrorAlert, useAction } from './ui';
import { useGroupOptions } from './useLocations';

const t = strings.integrations.s;
/** The settings whose value is a `V`. */
type KeysOf<V> = {
  [K in keyof IntegrationSettings]: IntegrationSettings[K] extends V ? K : never;
}[keyof IntegrationSettings];

/** Every IntegrationSettings field; read-only roles see the same form disabled. */
export function IntegrationSettingsForm({
  integration,
  readOnly,
}: {
  integration: IntegrationDetail;
  readOnly: boolean;
}) {
  const [s, setS] = useState<IntegrationSettings>(integration.settings);
  const [rows, setRows] = useState<PlanRow[]>(() => planRowsOf(integration.settings.planMappings));
  const [saved, setSaved] = useState(false);
  const groups = useGroupOptions();
  const { run, error, busy } = useAction();
  const [update] = useMutation(UPDATE_INTEGRATION);
  const set = <K extends keyof IntegrationSettings>(k: K, v: IntegrationSettings[K]) => {
    setSaved(false);
    setS((prev) => ({ ...prev, [k]: v }));
  };
  const setRow = (i: number, row: Partial<PlanRow>) => {
    setSaved(false);
    setRows((prev) => prev.map((r, j) => (j === i ? { ...r, ...row } : r)));
  };
  const duplicates = duplicatePlanIds(rows);
  const planChoices = [
    { value: '', label: t.planDefault },
    { value: NO_WIFI, label: t.planNoWifi },
    ...groups,
  ];
  const int = (v: string | number, fallback: number) => (typeof v === 'number' ? Math.round(v) : fallback);

  // One control per setting.
  const toggle = (k: KeysOf<boolean>, label: string) => (
    <Switch label={label} checked={s[k]} onChange={(e) => set(k, e.currentTarget.checked)} />
  );
  const choice = <K extends KeysOf<string>>(
    k: K,
    label: string,
    options: Array<[IntegrationSettings[K], string]>,
  ) => (
    <Radio.Group label={label} value={s[k]} onChange={(v) => set(k, v as IntegrationSettings[K])}>
      <Group mt={4}>
        {options.map(([value, l]) => (
          <Radio key={value} value={value} label={l} />
        ))}
      </Group>
    </Radio.Group>
  );
  const fieldName = (k: 'usernameField' | 'passphraseField', label: string) => (
    <TextInput
      label={label}
      spellCheck={false}
      value={s[k] ?? ''}
      onChange={(e) => set(k, e.currentTarget.value)}
      error={fieldError(error, `settings.${k}`)}
    />
  );
  const number = (
    k: KeysOf<number>,
    label: string,
    o: { min: number; max?: number; description?: string },
  ) => (
    <NumberInput
      label={label}
      {...o}
      value={s[k]}
      onChange={(v) => set(k, int(v, s[k]))}
      error={fieldError(error, `settings.${k}`)}
    />
  );

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy || readOnly) return;
    const r = await run(() =>
      update({ variables: { input: { id: integration.id, settings: settingsInput(s, rows) } } }),
    );
    if (r) {
      setRows(planRowsOf(r.updateIntegration.integration.settings.planMappings));
      setSaved(true);
    }
  }

  return (
    <form onSubmit={submit} noValidate aria-label={strings.integrations.settingsTitle}>
      <ErrorAlert error={error} />
      <fieldset disabled={readOnly} style={{ border: 0, padding: 0, margin: 0 }}>
        <Stack>
          <Fieldset legend={t.members}>
            <Stack>
              {toggle('autoProvision', t.autoProvision)}
              {choice('deprovision', t.deprovision, [
                ['DELETE', t.deprovisionDelete],
                ['DISABLE', t.deprovisionDisable],
              ])}
              {choice('usernameFormat', t.usernameFormat, [
                ['EMAIL', t.usernameEmail],
                ['MEMBER_ID', t.usernameMemberId],
                ['CUSTOM_FIELD', t.usernameCustom],
              ])}
              {s.usernameFormat === 'CUSTOM_FIELD' ? fieldName('usernameField', t.usernameField) : null}
              {choice('passphraseSource', t.passphraseSource, [
                ['GENERATED', t.passwordGenerated],
                ['UPSTREAM_FIELD', t.passwordUpstream],
              ])}
              {s.passphraseSource === 'UPSTREAM_FIELD'
                ? fieldName('passphraseField', t.passphraseField)
                : null}
              {toggle('credentialEmail', t.credentialEmail)}
            </Stack>
          </Fieldset>

          <Fieldset legend={t.access}>
            <Stack>
              {toggle('roaming', t.roaming)}
              {toggle('bookingAccess', t.bookingAccess)}
              {toggle('checkInAccess', t.checkInAccess)}
              {choice('vlanMode', t.vlanMode, [
                ['PER_TEAM', t.vlanPerTeam],
                ['NONE', t.vlanNone],
              ])}
            </Stack>
          </Fieldset>

          <Fieldset legend={t.plans}>
            <Stack>
              <Text size="sm" c="dimmed">
                {t.plansIntro}
              </Text>
              {rows.length ? (
                <Table>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t.planId}</Table.Th>
                      <Table.Th>{t.planGives}</Table.Th>
                      <Table.Th />
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {rows.map((r, i) => (
                      <Table.Tr key={i}>
                        <Table.Td>
                          <TextInput
                            aria-label={`${t.planId} ${i + 1}`}
                            spellCheck={false}
                            value={r.planExternalId}
                            onChange={(e) => setRow(i, { planExternalId: e.currentTarget.value })}
                          />
                        </Table.Td>
                        <Table.Td>
                          <Select
                            aria-label={`${t.planGives} ${i + 1}`}
                            data={planChoices}
                            value={r.choice}
                            allowDeselect={false}
                            onChange={(v) => setRow(i, { choice: v ?? '' })}
                          />
                        </Table.Td>
                        <Table.Td>
                          {readOnly ? null : (
                            <Button
                              variant="subtle"
                              color="red"
                              size="xs"
                              onClick={() => {
                                setSaved(false);
                                setRows((prev) => prev.filter((_, j) => j !== i));
                              }}
                            >
                              {t.removePlan}
                            </Button>
                          )}
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              ) : null}
              {duplicates.length ? (
                <Text size="sm" c="orange.8">
                  {t.duplicatePlans(duplicates.join(', '))}
                </Text>
              ) : null}
              {readOnly ? null : (
                <Group>
                  <Button
                    variant="light"
                    size="xs"
                    onClick={() => setRows((prev) => [...prev, { planExternalId: '', choice: '' }])}
                  >
                    {t.addPlan}
                  </Button>
                </Group>
              )}
              {toggle('unmappedPlansGrantAccess', t.unmappedPlansGrantAccess)}
            </Stack>
          </Fieldset>

          <Fieldset legend={t.schedule}>
            <Stack>
              {number('syncIntervalMinutes', t.syncIntervalMinutes, { min: 1 })}
              {number('safetyThresholdPercent', t.safetyThresholdPercent, {
                min: 0,
                max: 100,
                description: t.safetyHint,
              })}
              {number('safetyMinimumPeople', t.safetyMinimumPeople, { min: 0 })}
            </Stack>
          </Fieldset>
        </Stack>
      </fieldset>
      {readOnly ? null : (
        <Group justify="flex-end" mt="md">
          {saved ? (
            <Alert color="green" py={4} role="status">
              {t.saved}
            </Alert>
          ) : null}
          <Button type="submit" loading={busy}>
            {t.save}
          </Button>
        </Group>
      )}
    </form>
  );
}
