import { useMutation } from '@apollo/client/react';
import { Button, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { describeError, fieldError, type Described } from '../errors';
import { SETUP_FIRST_ADMIN } from '../graphql';
import { strings } from '../strings';
import { AuthLayout } from './AuthLayout';
import { ErrorSummary, localProblems } from './ErrorSummary';

const MIN_PASSWORD = 12;

/** First run: no administrator exists yet; the account created here is the OWNER. */
export function SetupScreen({ onDone }: { onDone: (created: boolean) => void }) {
  const t = strings.setup;
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<Described | null>(null);
  const [setupFirstAdmin, { loading }] = useMutation(SETUP_FIRST_ADMIN);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (loading) return;
    const fields: Record<string, string[]> = {};
    if (!email.trim()) fields.email = [t.emailMissing];
    if (password.length < MIN_PASSWORD) fields.password = [t.passwordTooShort];
    else if (confirm !== password) fields.confirmPassword = [t.passwordsDiffer];
    const local = localProblems(fields);
    setError(local);
    if (local) return;
    try {
      const result = await setupFirstAdmin({ variables: { input: { email: email.trim(), password } } });
      if (result.error) throw result.error;
      onDone(true);
    } catch (err) {
      setError(describeError(err));
    }
  }

  return (
    <AuthLayout title={t.title}>
      <Text>{t.intro}</Text>
      <ErrorSummary error={error}>
        {error?.code === 'SETUP_ALREADY_DONE' ? (
          <Button mt="sm" variant="default" size="xs" onClick={() => onDone(false)}>
            {strings.signIn.submit}
          </Button>
        ) : null}
      </ErrorSummary>
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput
            label={t.email}
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            error={fieldError(error, 'email')}
          />
          <PasswordInput
            label={t.password}
            autoComplete="new-password"
            required
            description={t.passwordHint}
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={fieldError(error, 'password')}
          />
          <PasswordInput
            label={t.confirmPassword}
            autoComplete="new-password"
            required
            value={confirm}
            onChange={(e) => setConfirm(e.currentTarget.value)}
            error={fieldError(error, 'confirmPassword')}
          />
          <Button type="submit" loading={loading}>
            {t.submit}
          </Button>
        </Stack>
      </form>
    </AuthLayout>
  );
}
