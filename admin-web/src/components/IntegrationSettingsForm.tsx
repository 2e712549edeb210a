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
  type DeprovisionMode,
  type IntegrationDetail,
  type IntegrationSettings,
  type PassphraseSource,
  type UsernameFormat,
  type VlanMode,
} from '../graphql-integrations';
import { duplicatePlanIds, NO_WIFI, planRowsOf, settingsInput, type PlanRow } from '../integrations';
import { strings } from '../strings';
import { fieldError } from '../errors';
import { ErrorAlert, useAction } from './ui';
import { useGroupOptions } from './useLocations';

const t = strings.integrations.s;

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
              <Switch
                label={t.autoProvision}
                checked={s.autoProvision}
                onChange={(e) => set('autoProvision', e.currentTarget.checked)}
              />
              <Radio.Group
                label={t.deprovision}
                value={s.deprovision}
                onChange={(v) => set('deprovision', v as DeprovisionMode)}
              >
                <Group mt={4}>
                  <Radio value="DELETE" label={t.deprovisionDelete} />
                  <Radio value="DISABLE" label={t.deprovisionDisable} />
                </Group>
              </Radio.Group>
              <Radio.Group
                label={t.usernameFormat}
                value={s.usernameFormat}
                onChange={(v) => set('usernameFormat', v as UsernameFormat)}
              >
                <Group mt={4}>
                  <Radio value="EMAIL" label={t.usernameEmail} />
                  <Radio value="MEMBER_ID" label={t.usernameMemberId} />
                  <Radio value="CUSTOM_FIELD" label={t.usernameCustom} />
                </Group>
              </Radio.Group>
              {s.usernameFormat === 'CUSTOM_FIELD' ? (
                <TextInput
                  label={t.usernameField}
                  spellCheck={false}
                  value={s.usernameField ?? ''}
                  onChange={(e) => set('usernameField', e.currentTarget.value)}
                  error={fieldError(error, 'settings.usernameField')}
                />
              ) : null}
              <Radio.Group
                label={t.passphraseSource}
                value={s.passphraseSource}
                onChange={(v) => set('passphraseSource', v as PassphraseSource)}
              >
                <Group mt={4}>
                  <Radio value="GENERATED" label={t.passwordGenerated} />
                  <Radio value="UPSTREAM_FIELD" label={t.passwordUpstream} />
                </Group>
              </Radio.Group>
              {s.passphraseSource === 'UPSTREAM_FIELD' ? (
                <TextInput
                  label={t.passphraseField}
                  spellCheck={false}
                  value={s.passphraseField ?? ''}
                  onChange={(e) => set('passphraseField', e.currentTarget.value)}
                  error={fieldError(error, 'settings.passphraseField')}
                />
              ) : null}
              <Switch
                label={t.credentialEmail}
                checked={s.credentialEmail}
                onChange={(e) => set('credentialEmail', e.currentTarget.checked)}
              />
            </Stack>
          </Fieldset>

          <Fieldset legend={t.access}>
            <Stack>
              <Switch
                label={t.roaming}
                checked={s.roaming}
                onChange={(e) => set('roaming', e.currentTarget.checked)}
              />
              <Switch
                label={t.bookingAccess}
                checked={s.bookingAccess}
                onChange={(e) => set('bookingAccess', e.currentTarget.checked)}
              />
              <Switch
                label={t.checkInAccess}
                checked={s.checkInAccess}
                onChange={(e) => set('checkInAccess', e.currentTarget.checked)}
              />
              <Radio.Group
                label={t.vlanMode}
                value={s.vlanMode}
                onChange={(v) => set('vlanMode', v as VlanMode)}
              >
                <Group mt={4}>
                  <Radio value="PER_TEAM" label={t.vlanPerTeam} />
                  <Radio value="NONE" label={t.vlanNone} />
                </Group>
              </Radio.Group>
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
              <Switch
                label={t.unmappedPlansGrantAccess}
                checked={s.unmappedPlansGrantAccess}
                onChange={(e) => set('unmappedPlansGrantAccess', e.currentTarget.checked)}
              />
            </Stack>
          </Fieldset>

          <Fieldset legend={t.schedule}>
            <Stack>
              <NumberInput
                label={t.syncIntervalMinutes}
                min={1}
                value={s.syncIntervalMinutes}
                onChange={(v) => set('syncIntervalMinutes', int(v, s.syncIntervalMinutes))}
                error={fieldError(error, 'settings.syncIntervalMinutes')}
              />
              <NumberInput
                label={t.safetyThresholdPercent}
                description={t.safetyHint}
                min={0}
                max={100}
                value={s.safetyThresholdPercent}
                onChange={(v) => set('safetyThresholdPercent', int(v, s.safetyThresholdPercent))}
                error={fieldError(error, 'settings.safetyThresholdPercent')}
              />
              <NumberInput
                label={t.safetyMinimumPeople}
                min={0}
                value={s.safetyMinimumPeople}
                onChange={(v) => set('safetyMinimumPeople', int(v, s.safetyMinimumPeople))}
                error={fieldError(error, 'settings.safetyMinimumPeople')}
              />
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
