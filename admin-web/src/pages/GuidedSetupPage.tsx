import { useQuery } from '@apollo/client/react';
import { Anchor, Button, Group, Paper, Stack, Stepper, Text } from '@mantine/core';
import { useState } from 'react';
import { LocationForm } from '../components/LocationForm';
import { NasForm, SecretAndSnippet } from '../components/NasForm';
import { ConnectIntegrationForm } from '../components/IntegrationForms';
import { PageTitle, useCanWrite } from '../components/ui';
import { LOCATIONS, type LocationRow, type NasRow } from '../graphql';
import { Link, navigate } from '../router';
import { strings } from '../strings';

const t = strings.guided;

/** After the owner account: a location, its first access point (secret + snippet), then the platform. */
export default function GuidedSetupPage() {
  const existing = useQuery(LOCATIONS);
  const [step, setStep] = useState(0);
  const [location, setLocation] = useState<LocationRow | null>(null);
  const [nas, setNas] = useState<{ nas: NasRow; secret: string } | null>(null);
  const first = existing.data?.locations[0];
  const canConnect = useCanWrite('integrations');

  return (
    <>
      <PageTitle title={t.title} intro={t.intro} />
      <Paper withBorder p="md" maw={900}>
        <Stepper active={step} onStepClick={(s) => s < step && setStep(s)} allowNextStepsSelect={false}>
          <Stepper.Step label={t.stepLocation} description={t.stepLocationHint}>
            <Stack>
              {first && !location ? (
                <Group>
                  <Button
                    variant="light"
                    onClick={() => {
                      setLocation(first);
                      setStep(1);
                    }}
                  >
                    {t.useExisting(first.name)}
                  </Button>
                  <Text c="dimmed">{t.orCreate}</Text>
                </Group>
              ) : null}
              <LocationForm
                onSaved={(l) => {
                  setLocation(l);
                  setStep(1);
                }}
              />
            </Stack>
          </Stepper.Step>
          <Stepper.Step label={t.stepAccessPoint} description={t.stepAccessPointHint}>
            {nas ? (
              <Stack>
                <SecretAndSnippet nas={nas.nas} secret={nas.secret} ssid={location?.ssids[0]} />
                <Group justify="flex-end">
                  <Button onClick={() => setStep(2)}>{t.next}</Button>
                </Group>
              </Stack>
            ) : location ? (
              <Stack>
                <NasForm locationId={location.id} onCreated={(n, secret) => setNas({ nas: n, secret })} />
                <Group justify="flex-start">
                  <Button variant="subtle" onClick={() => setStep(2)}>
                    {t.skip}
                  </Button>
                </Group>
              </Stack>
            ) : null}
          </Stepper.Step>
          <Stepper.Step label={t.stepPlatform} description={t.stepPlatformHint}>
            <Stack>
              <Text fw={600}>{t.platformTitle}</Text>
              <Text>{t.platformBody}</Text>
              {canConnect ? (
                <ConnectIntegrationForm
                  onConnected={(integration, run) =>
                    navigate(
                      run ? { name: 'syncRun', id: run.id } : { name: 'integration', id: integration.id },
                    )
                  }
                />
              ) : (
                <Button component={Link} to={{ name: 'integrations' }}>
                  {t.platformLink}
                </Button>
              )}
              <Group>
                <Anchor component={Link} to={{ name: 'dashboard' }}>
                  {t.finishedLink}
                </Anchor>
              </Group>
            </Stack>
          </Stepper.Step>
        </Stepper>
      </Paper>
    </>
  );
}
