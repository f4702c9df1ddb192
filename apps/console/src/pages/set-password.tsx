import { getRouteApi, Link } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { AuthError, setPassword } from '../auth';
import { text } from '../text';

export function validateSetPasswordSearch(search: Record<string, unknown>): { token: string } {
  return { token: typeof search.token === 'string' ? search.token : '' };
}

const route = getRouteApi('/set-password');

export function SetPasswordPage() {
  const { token } = route.useSearch();
  const [password, setPasswordText] = useState('');
  const [repeat, setRepeat] = useState('');
  const [failure, setFailure] = useState<string | null>(null);
  const [done, setDone] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (password !== repeat) return setFailure(text.setPassword.mismatch);
    setFailure(null);
    try {
      await setPassword(token, password);
      setDone(true);
    } catch (error) {
      const code = error instanceof AuthError ? error.failure.errorCode : null;
      setFailure(
        code === 'SET_PASSWORD_LINK_INVALID'
          ? text.setPassword.invalid
          : error instanceof Error
            ? error.message
            : text.common.error,
      );
    }
  };

  return (
    <main id="main" className="centered">
      <form className="card narrow" onSubmit={submit} aria-labelledby="set-password-title">
        <h1 id="set-password-title">{text.setPassword.title}</h1>
        {done ? (
          <p role="status" className="alert alert-ok">
            {text.setPassword.done} <Link to="/logg-inn">{text.signIn.title}</Link>
          </p>
        ) : (
          <>
            {failure ? (
              <p role="alert" className="alert alert-error">
                {failure}
              </p>
            ) : null}
            <label>
              {text.setPassword.password}
              <input
                type="password"
                autoComplete="new-password"
                required
                minLength={10}
                aria-describedby="password-hint"
                value={password}
                onChange={(event) => setPasswordText(event.target.value)}
              />
            </label>
            <p id="password-hint" className="muted small">
              {text.setPassword.hint}
            </p>
            <label>
              {text.setPassword.repeat}
              <input
                type="password"
                autoComplete="new-password"
                required
                value={repeat}
                onChange={(event) => setRepeat(event.target.value)}
              />
            </label>
            <button type="submit">{text.setPassword.submit}</button>
          </>
        )}
      </form>
    </main>
  );
}
