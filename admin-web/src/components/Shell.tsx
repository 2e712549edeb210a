import { useMutation } from '@apollo/client/react';
import {
  AppShell,
  Badge,
  Burger,
  Button,
  Group,
  NavLink,
  ScrollArea,
  Text,
  VisuallyHidden,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { lazy, Suspense, useEffect, useMemo, type ComponentType } from 'react';
import type { AdminSummary } from '../graphql';
import { LOGOUT } from '../graphql';
import { canSee } from '../permissions';
import { href, navigate, useRoute } from '../router';
import type { DetailPage, ListPage, Route } from '../routes';
import { strings } from '../strings';
import { NotFoundPage } from './NotFoundPage';
import { Loading, SessionContext, type Session } from './ui';

// Pages load on first visit, so the initial bundle is the shell and the sign-in screens.
const pages: Record<ListPage | DetailPage, ComponentType<{ route: Route }>> = {
  dashboard: lazy(() => import('../pages/DashboardPage')),
  members: lazy(() => import('../pages/MembersPage')),
  member: lazy(() => import('../pages/MemberPage')),
  groups: lazy(() => import('../pages/GroupsPage')),
  locations: lazy(() => import('../pages/LocationsPage')),
  accessPoints: lazy(() => import('../pages/AccessPointsPage')),
  sessions: lazy(() => import('../pages/SessionsPage')),
  authEvents: lazy(() => import('../pages/AuthEventsPage')),
  admins: lazy(() => import('../pages/AdminsPage')),
  apiKeys: lazy(() => import('../pages/ApiKeysPage')),
  audit: lazy(() => import('../pages/AuditPage')),
  integrations: lazy(() => import('../pages/IntegrationsPage')),
  integration: lazy(() => import('../pages/IntegrationPage')),
  syncRun: lazy(() => import('../pages/SyncRunPage')),
  emailTemplates: lazy(() => import('../pages/EmailTemplatesPage')),
  outbox: lazy(() => import('../pages/OutboxPage')),
  setup: lazy(() => import('../pages/GuidedSetupPage')),
};

const NAV: Array<{ page: ListPage; only?: Parameters<typeof canSee>[1] }> = [
  { page: 'dashboard' },
  { page: 'members' },
  { page: 'sessions' },
  { page: 'authEvents' },
  { page: 'groups' },
  { page: 'locations' },
  { page: 'accessPoints' },
  { page: 'integrations' },
  { page: 'admins', only: 'admins' },
  { page: 'apiKeys', only: 'apiKeys' },
  { page: 'audit', only: 'audit' },
  { page: 'emailTemplates', only: 'emailTemplates' },
  { page: 'outbox', only: 'outbox' },
];
/** The list page a detail page belongs to, for the navigation's highlight. */
const PARENT: Record<DetailPage, ListPage> = {
  member: 'members',
  integration: 'integrations',
  syncRun: 'integrations',
};

/** The signed-in frame: header with the account, navigation (a drawer on narrow screens), the page. */
export function Shell({ admin, onSignedOut }: { admin: AdminSummary; onSignedOut: () => void }) {
  const route = useRoute();
  const [opened, { toggle, close }] = useDisclosure();
  const [logout, { loading }] = useMutation(LOGOUT);
  const session: Session = useMemo(() => ({ admin, onSessionLost: onSignedOut }), [admin, onSignedOut]);
  useEffect(close, [route.name, close]);

  async function signOut() {
    if (loading) return;
    try {
      await logout();
    } catch {
      // The session may already be gone; either way the app goes back to the sign-in form.
    }
    onSignedOut();
  }

  const current = route.name in PARENT ? PARENT[route.name as DetailPage] : route.name;
  const Page = route.name === 'notFound' ? null : pages[route.name];

  return (
    <SessionContext.Provider value={session}>
      <AppShell
        header={{ height: 56 }}
        navbar={{ width: 220, breakpoint: 'md', collapsed: { mobile: !opened } }}
        padding="md"
      >
        <AppShell.Header>
          <Group h="100%" px="md" justify="space-between" wrap="nowrap">
            <Group gap="sm" wrap="nowrap">
              <Burger
                opened={opened}
                onClick={toggle}
                hiddenFrom="md"
                size="sm"
                aria-label={strings.common.openMenu}
              />
              <Text fw={700} c="indigo">
                {strings.appName}
              </Text>
            </Group>
            <Group gap="sm" wrap="nowrap">
              <VisuallyHidden>{strings.shell.signedInAs}</VisuallyHidden>
              <Text size="sm" visibleFrom="sm" truncate maw={240}>
                {admin.email}
              </Text>
              <VisuallyHidden>{strings.shell.role}</VisuallyHidden>
              <Badge variant="light">{strings.roles[admin.role] ?? admin.role}</Badge>
              <Button variant="default" size="xs" onClick={signOut} loading={loading}>
                {strings.shell.signOut}
              </Button>
            </Group>
          </Group>
        </AppShell.Header>
        <AppShell.Navbar p="xs" aria-label={strings.shell.nav} component="nav">
          <ScrollArea>
            {NAV.filter((n) => !n.only || canSee(admin.role, n.only)).map((n) => (
              <NavLink
                key={n.page}
                href={href({ name: n.page })}
                label={strings.nav[n.page]}
                active={current === n.page}
                aria-current={current === n.page ? 'page' : undefined}
                onClick={(e) => {
                  if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
                  e.preventDefault();
                  navigate({ name: n.page });
                }}
              />
            ))}
          </ScrollArea>
        </AppShell.Navbar>
        <AppShell.Main id="main">
          <Suspense fallback={<Loading />}>{Page ? <Page route={route} /> : <NotFoundPage />}</Suspense>
        </AppShell.Main>
      </AppShell>
    </SessionContext.Provider>
  );
}
