import { useMutation } from '@apollo/client/react';
import { Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { describeError, fieldError, type Described } from '../errors';
import { LOGIN } from '../graphql';
import { strings } from '../strings';
import { AuthLayout } from './AuthLayout';
import { ErrorSummary, localProblems } from './ErrorSummary';

/** Email + password; the API answers with an HttpOnly session cookie and a readable CSRF cookie. */
export function SignInScreen({ onSignedIn }: { onSignedIn: () => void }) {
  const t = strings.signIn;
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<Described | null>(null);
  const [login, { loading }] = useMutation(LOGIN);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (loading) return;
    const fields: Record<string, string[]> = {};
    if (!email.trim()) fields.email = [t.missing];
    if (!password) fields.password = [t.missing];
    const local = localProblems(fields);
    setError(local);
    if (local) return;
    try {
      const result = await login({ variables: { input: { email: email.trim(), password } } });
      if (result.error) throw result.error;
      onSignedIn();
    } catch (err) {
      setError(describeError(err));
      setPassword('');
    }
  }

  return (
    <AuthLayout title={t.title}>
      <ErrorSummary error={error} />
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
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={fieldError(error, 'password')}
          />
          <Button type="submit" loading={loading}>
            {t.submit}
          </Button>
        </Stack>
      </form>
    </AuthLayout>
  );
}
