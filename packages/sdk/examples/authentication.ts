// #region readme
import { createTakstClient } from '@takst/sdk';

// A script, a server, a connected system: an API key.
const withKey = createTakstClient({ baseUrl: 'https://takst.example.no', apiKey: process.env.TAKST_API_KEY ?? '' });

// A console in the browser, on an origin listed in the platform's TAKST_CORS_ORIGINS: sign in
// with fetch, then every call sends the session cookie (and the CSRF header, always).
await fetch('https://takst.example.no/auth/sign-in', {
  method: 'POST',
  credentials: 'include',
  headers: { 'content-type': 'application/json', 'x-takst-csrf': '1' },
  body: JSON.stringify({ email, password }),
});
const inConsole = createTakstClient({ baseUrl: 'https://takst.example.no', credentials: 'include' });

// A page the platform serves itself: a relative baseUrl, the browser's own same-origin cookie.
const onPlatform = createTakstClient({ baseUrl: '', credentials: 'same-origin' });

// Short-lived tokens of your own: the function runs before every request.
const withToken = createTakstClient({
  baseUrl: 'https://takst.example.no',
  headers: async () => ({ authorization: `Bearer ${await currentToken()}` }),
});

// #endregion

// #region readme
const forAstrid = createTakstClient({ baseUrl, apiKey, headers: { 'x-takst-acting-for': astridUserId } });

// #endregion
export { forAstrid, inConsole, onPlatform, withKey, withToken };
