import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Configuration } from 'oidc-provider';

/** What the provider says of a person in the ID token (besides `sub`, their login). */
export interface ProviderAccount {
  email?: string;
  email_verified?: boolean;
  name?: string;
  roles?: string[];
}

export interface TestProvider {
  /** http://127.0.0.1:<port>, known before the provider is up. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** People who can sign in, by login. */
  accounts: Map<string, ProviderAccount>;
  /** Brings the provider up, with one confidential client sent back to `redirectUri`. */
  start(redirectUri: string): void;
  close(): Promise<void>;
}

const SCOPE = 'openid email profile';

/**
 * A real OpenID provider (oidc-provider) on 127.0.0.1, for the relying party under test. Until
 * `start`, it answers every request with 503, as a provider that is down. It has no login pages:
 * its interaction URL `/interaction/<uid>?login=<login>` signs that person in and grants the
 * client what it asked for at once, which is what a person at a real provider's pages would do.
 */
export async function startTestProvider(): Promise<TestProvider> {
  let provider: { up: Provider; handle: ReturnType<Provider['callback']> } | null = null;
  const accounts = new Map<string, ProviderAccount>();
  const clientId = 'takst-console';
  const clientSecret = 'a client secret only these tests know';

  async function interact(req: IncomingMessage, res: ServerResponse, up: Provider) {
    const details = await up.interactionDetails(req, res);
    const login = new URL(req.url ?? '/', 'http://provider.invalid').searchParams.get('login') ?? '';
    if (!accounts.has(login)) {
      await up.interactionFinished(req, res, { error: 'access_denied', error_description: 'unknown login' });
      return;
    }
    const grant = new up.Grant({ accountId: login, clientId: String(details.params.client_id) });
    grant.addOIDCScope(SCOPE);
    const grantId = await grant.save();
    await up.interactionFinished(req, res, { login: { accountId: login }, consent: { grantId } });
  }

  const server = createServer((req, res) => {
    if (!provider) {
      res.writeHead(503).end();
      return;
    }
    if (req.url?.startsWith('/interaction/')) {
      interact(req, res, provider.up).catch((error: unknown) => {
        res.writeHead(500).end(String(error));
      });
      return;
    }
    provider.handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  function configuration(redirectUri: string): Configuration {
    const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
    return {
      clients: [
        {
          client_id: clientId,
          client_secret: clientSecret,
          redirect_uris: [redirectUri],
          grant_types: ['authorization_code'],
          response_types: ['code'],
          token_endpoint_auth_method: 'client_secret_post',
        },
      ],
      jwks: { keys: [{ ...signingKey, kid: 'test-signing-key', use: 'sig', alg: 'RS256' }] },
      cookies: { keys: ['a cookie key only these tests know'] },
      pkce: { required: () => true },
      features: { devInteractions: { enabled: false } },
      ttl: { Interaction: 600, Session: 600, Grant: 600, AccessToken: 600, IdToken: 600 },
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'roles'] },
      // The claims of the scopes in the ID token itself, as Entra ID and Google put them there.
      conformIdTokenClaims: false,
      async findAccount(_ctx, login) {
        const account = accounts.get(login);
        if (!account) return undefined;
        return { accountId: login, claims: async () => ({ sub: login, ...account }) };
      },
    };
  }

  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    start(redirectUri) {
      const up = new Provider(issuer, configuration(redirectUri));
      provider = { up, handle: up.callback() };
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
