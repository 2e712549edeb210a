import { useApolloClient, useQuery } from '@apollo/client/react';
import { Button } from '@mantine/core';
import { useCallback } from 'react';
import { AuthLayout } from './components/AuthLayout';
import { ErrorSummary } from './components/ErrorSummary';
import { SetupScreen } from './components/SetupScreen';
import { Shell } from './components/Shell';
import { SignInScreen } from './components/SignInScreen';
import { Loading } from './components/Status';
import { describeError, needsSignIn } from './errors';
import { CURRENT_ADMIN, SETUP_STATUS } from './graphql';
import { navigate } from './router';
import { strings } from './strings';

/**
 * First run → create the owner, then the guided setup; no (valid) session → sign in; otherwise the
 * app. Each step is decided by the API's answer, so a stale cookie or a second tab's sign-out
 * lands on the right screen.
 */
export function App() {
  const setup = useQuery(SETUP_STATUS);
  const client = useApolloClient();
  const retry = () => void setup.refetch().catch(() => undefined);

  if (setup.data) {
    if (setup.data.setupStatus.needsSetup)
      return (
        <SetupScreen
          onDone={(created) => {
            // The owner is signed in by setupFirstAdmin: continue with the guided setup.
            if (created) navigate({ name: 'setup' }, { replace: true });
            void client.resetStore().catch(() => undefined);
          }}
        />
      );
    return <SessionGate />;
  }
  if (setup.error) return <Unreachable error={setup.error} onRetry={retry} />;
  return <Loading />;
}

function SessionGate() {
  const client = useApolloClient();
  const me = useQuery(CURRENT_ADMIN);
  const refetchMe = useCallback(() => void me.refetch().catch(() => undefined), [me]);
  // Signing out (or losing the session) drops every cached answer of the previous admin.
  const restart = useCallback(() => void client.resetStore().catch(() => undefined), [client]);

  if (me.data) return <Shell admin={me.data.currentAdmin} onSignedOut={restart} />;
  if (me.error && needsSignIn(me.error)) return <SignInScreen onSignedIn={refetchMe} />;
  if (me.error) return <Unreachable error={me.error} onRetry={refetchMe} />;
  return <Loading />;
}

function Unreachable({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  return (
    <AuthLayout title={strings.appName}>
      <ErrorSummary error={describeError(error)}>
        <Button mt="sm" variant="default" size="xs" onClick={onRetry}>
          {strings.common.retry}
        </Button>
      </ErrorSummary>
    </AuthLayout>
  );
}
