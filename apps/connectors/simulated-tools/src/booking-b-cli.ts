import { kalendraApiKeyId, startKalendra } from './booking-b';
import { parseToolArgs, type ToolCli } from './tool-cli';

/** The key a Kalendra started by hand accepts when no `--api-key` is given. */
export const KALENDRA_DEV_KEY = 'kalendra-dev-key';

/** `booking-b [--port 4102] [--host 127.0.0.1] [--state file.json] [--api-key K]…` */
export const runKalendraCli: ToolCli = async (args) => {
  const parsed = parseToolArgs(args, { port: 4102, credentialOption: 'api-key' });
  const apiKeys = parsed.credentials.length > 0 ? parsed.credentials : [KALENDRA_DEV_KEY];
  const kalendra = await startKalendra({
    port: parsed.port,
    host: parsed.host,
    apiKeys,
    ...(parsed.stateFile ? { stateFile: parsed.stateFile } : {}),
  });
  return {
    url: kalendra.url,
    describe: {
      tool: 'booking-b',
      name: 'Kalendra',
      url: kalendra.url,
      auth: 'X-Api-Key: <key>',
      apiKeys: apiKeys.map((key) => ({ key, id: kalendraApiKeyId(key) })),
    },
    close: () => kalendra.close(),
  };
};
