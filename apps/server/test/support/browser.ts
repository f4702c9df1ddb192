/** One answer as a browser sees it, its redirect resolved against the URL asked for. */
export interface Page {
  status: number;
  headers: Headers;
  location: URL | null;
  text: string;
}

/**
 * The part of a browser a sign-in needs, over plain fetch: cookies kept per origin (sent back to
 * the origin that set them, whatever their path) and redirects followed only when asked to.
 */
export class Browser {
  readonly #cookies = new Map<string, Map<string, string>>();

  #jar(origin: string): Map<string, string> {
    let jar = this.#cookies.get(origin);
    if (!jar) {
      jar = new Map();
      this.#cookies.set(origin, jar);
    }
    return jar;
  }

  cookie(origin: string, name: string): string | undefined {
    return this.#jar(origin).get(name);
  }

  setCookie(origin: string, name: string, value: string | null): void {
    if (value === null) this.#jar(origin).delete(name);
    else this.#jar(origin).set(name, value);
  }

  #keep(origin: string, setCookie: string): void {
    const [pair = '', ...attributes] = setCookie.split(';');
    const at = pair.indexOf('=');
    const name = pair.slice(0, at).trim();
    const value = pair.slice(at + 1).trim();
    const expired = attributes.some((attribute) => {
      const [key = '', given = ''] = attribute.trim().split('=');
      if (key.toLowerCase() === 'max-age') return Number(given) <= 0;
      return key.toLowerCase() === 'expires' && Date.parse(given) <= Date.now();
    });
    this.setCookie(origin, name, expired || value === '' ? null : value);
  }

  async get(url: string | URL, headers: Record<string, string> = {}): Promise<Page> {
    const target = new URL(url);
    const cookie = [...this.#jar(target.origin)].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(target, {
      redirect: 'manual',
      headers: { ...headers, ...(cookie ? { cookie } : {}) },
    });
    for (const line of response.headers.getSetCookie()) this.#keep(target.origin, line);
    const location = response.headers.get('location');
    return {
      status: response.status,
      headers: response.headers,
      location: location === null ? null : new URL(location, target),
      text: await response.text(),
    };
  }
}
