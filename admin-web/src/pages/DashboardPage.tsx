import { useQuery } from '@apollo/client/react';
import { Alert, Button, List, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { AuthChart } from '../components/AuthChart';
import { Loading, PageTitle, QueryError, reasonText, useCanWrite } from '../components/ui';
import { DASHBOARD } from '../graphql';
import { Link } from '../router';
import { strings } from '../strings';

const t = strings.dashboard;

function Stat({ label, value }: { label: string; value: number }) {
  return (
    <Paper withBorder p="md">
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text fz={28} fw={700}>
        {value}
      </Text>
    </Paper>
  );
}

export default function DashboardPage() {
  const { data, error, refetch } = useQuery(DASHBOARD, { pollInterval: 30_000 });
  const canSetUp = useCanWrite('locations');
  if (!data)
    return (
      <>
        <PageTitle title={t.title} />
        {error ? (
          <QueryError error={error} onRetry={() => void refetch().catch(() => undefined)} />
        ) : (
          <Loading />
        )}
      </>
    );
  const d = data.dashboard;
  return (
    <>
      <PageTitle title={t.title} />
      {d.nasClientCount === 0 && canSetUp ? (
        <Alert color="indigo" mb="md" title={t.noAccessPoints}>
          <Button component={Link} to={{ name: 'setup' }} size="xs" mt="xs">
            {t.startSetup}
          </Button>
        </Alert>
      ) : null}
      <SimpleGrid cols={{ base: 2, md: 4 }} mb="md">
        <Stat label={t.withAccess} value={d.membersWithAccessNow} />
        <Stat label={t.activeSessions} value={d.activeSessions} />
        <Stat label={t.accepted} value={d.acceptedLastHour} />
        <Stat label={t.rejected} value={d.rejectedLastHour} />
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <Paper withBorder p="md">
          <Title order={2} size="h5" mb="sm">
            {t.chartTitle}
          </Title>
          <AuthChart minutes={d.authPerMinute} />
        </Paper>
        <Paper withBorder p="md">
          <Stack gap="xs">
            <Title order={2} size="h5">
              {t.problems}
            </Title>
            {d.nasClientsSilent.length === 0 ? (
              <Text c="teal.8">{t.noProblems}</Text>
            ) : (
              <List>
                {d.nasClientsSilent.map((n) => (
                  <List.Item key={n.id}>{t.silent(n.name, n.location.name)}</List.Item>
                ))}
              </List>
            )}
            {d.topRejectReasons.length ? (
              <>
                <Text fw={600} mt="sm">
                  {t.topRejects}
                </Text>
                <List>
                  {d.topRejectReasons.map((r) => (
                    <List.Item key={r.reason}>
                      {reasonText(r.reason)}: {r.count}
                    </List.Item>
                  ))}
                </List>
              </>
            ) : null}
          </Stack>
        </Paper>
      </SimpleGrid>
    </>
  );
}
