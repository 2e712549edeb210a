import { Center, Paper, Stack, Text, Title } from '@mantine/core';
import { useEffect, type ReactNode } from 'react';
import { strings } from '../strings';

/** The centred card of the screens shown before signing in. */
export function AuthLayout({ title, children }: { title: string; children: ReactNode }) {
  useEffect(() => {
    document.title = strings.documentTitle(title);
  }, [title]);
  return (
    <Center component="main" id="main" mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" w="100%" maw={460}>
        <Stack gap="md">
          <Text fw={700} c="indigo" size="lg" aria-hidden="true">
            {strings.appName}
          </Text>
          <Title order={1} size="h3">
            {title}
          </Title>
          {children}
        </Stack>
      </Paper>
    </Center>
  );
}
