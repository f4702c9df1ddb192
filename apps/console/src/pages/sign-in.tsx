import { useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { AuthError, authConfig, signIn } from '../auth';
import { text } from '../text';

export interface SignInSearch {
  returnTo?: string | undefined;
  signInError?: string | undefined;
}

/** Only a path of this site (`/…`, never `//host` or a full URL) is a place to come back to. */
const isOwnPath = (value: unknown): value is string =>
  typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\');

// Every key is answered, undefined when absent or invalid: the router lays this over the raw search.
export function validateSignInSearch(search: Record<string, unknown>): SignInSearch {
  return {
    returnTo: isOwnPath(search.returnTo) ? search.returnTo : undefined,
    signInError: typeof search.signInError === 'string' ? search.signInError : undefined,
  };
}

const route = getRouteApi('/logg-inn');

function messageOf(error: unknown): string {
  if (error instanceof AuthError) {
    const { errorCode, retryAfterSeconds } = error.failure;
    if (errorCode === 'SIGN_IN_THROTTLED') return text.signIn.throttled(retryAfterSeconds ?? 1);
    if (errorCode === 'SIGN_IN_FAILED') return text.signIn.failed;
    return error.failure.message;
  }
  return text.common.error;
}

export function SignInPage() {
  const { returnTo, signInError } = route.useSearch();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const config = useQuery({ queryKey: ['auth-config'], queryFn: authConfig, staleTime: Number.POSITIVE_INFINITY });
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [failure, setFailure] = useState<string | null>(signInError ? text.signIn.ssoFailed : null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setFailure(null);
    try {
      await signIn(email, password);
      queryClient.clear();
      await navigate({ to: returnTo ?? '/' });
    } catch (error) {
      setFailure(messageOf(error));
    } finally {
      setBusy(false);
    }
  };

  const sso = config.data?.sso;
  return (
    <main id="main" className="centered">
      <form className="card narrow" onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">{text.signIn.title}</h1>
        {failure ? (
          <p role="alert" className="alert alert-error">
            {failure}
          </p>
        ) : null}
        <label>
          {text.signIn.email}
          <input
            type="email"
            name="email"
            autoComplete="username"
            required
            value={email}
            onChange={(event) => setEmail(event.target.value)}
          />
        </label>
        <label>
          {text.signIn.password}
          <input
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </label>
        <button type="submit" disabled={busy}>
          {text.signIn.submit}
        </button>
        {sso ? (
          <a
            className="button button-secondary"
            href={`/auth/oidc/start?returnTo=${encodeURIComponent(returnTo ?? '/')}`}
          >
            {text.signIn.sso(sso.name)}
          </a>
        ) : null}
      </form>
    </main>
  );
}
