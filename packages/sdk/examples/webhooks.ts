// #region readme
import { type TakstEvent, verifyWebhook, WebhookVerificationError } from '@takst/sdk';

// A fetch-style handler (Next.js route handlers, Hono, Deno, Cloudflare Workers, Bun).
export async function POST(request: Request): Promise<Response> {
  const body = await request.text(); // the raw body: parsed and re-serialised JSON is not what was signed
  try {
    const webhook = await verifyWebhook<TakstEvent>(body, request.headers, process.env.TAKST_WEBHOOK_SECRET ?? '');
    await handle(webhook.data);
    return new Response(null, { status: 204 });
  } catch (error) {
    if (error instanceof WebhookVerificationError) return new Response(error.reason, { status: 400 });
    throw error;
  }
}
// #endregion
