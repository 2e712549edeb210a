import { useMutation } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { describeError, type Described } from '../errors';
import { SETUP_FIRST_ADMIN } from '../graphql';
import { strings } from '../strings';
import { AuthLayout } from './AuthLayout';
import { ErrorSummary, localProblems } from './ErrorSummary';
import { TextField } from './Field';
import { SubmitButton } from './SubmitButton';

const MIN_PASSWORD = 12;

/** First run: no administrator exists yet; the account created here is the OWNER. */
export function SetupScreen({ onDone }: { onDone: () => void }) {
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
      onDone();
    } catch (err) {
      setError(describeError(err));
    }
  }

  return (
    <AuthLayout title={t.title}>
      <p>{t.intro}</p>
      <ErrorSummary error={error}>
        {error?.code === 'SETUP_ALREADY_DONE' ? (
          <button type="button" className="button button--secondary" onClick={onDone}>
            {strings.signIn.submit}
          </button>
        ) : null}
      </ErrorSummary>
      <form onSubmit={submit} noValidate>
        <TextField
          label={t.email}
          name="email"
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          errors={error?.fields.email}
        />
        <TextField
          label={t.password}
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={MIN_PASSWORD}
          hint={t.passwordHint}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          errors={error?.fields.password}
        />
        <TextField
          label={t.confirmPassword}
          name="confirmPassword"
          type="password"
          autoComplete="new-password"
          required
          value={confirm}
          onChange={(e) => setConfirm(e.target.value)}
          errors={error?.fields.confirmPassword}
        />
        <SubmitButton busy={loading}>{t.submit}</SubmitButton>
      </form>
    </AuthLayout>
  );
}
