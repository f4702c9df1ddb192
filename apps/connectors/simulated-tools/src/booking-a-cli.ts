import { startPlanly } from './booking-a';
import { parseToolArgs, type ToolCli } from './tool-cli';

/** The token a Planly started by hand accepts when no `--token` is given. */
export const PLANLY_DEV_TOKEN = 'planly-dev-token';

/** `booking-a [--port 4101] [--host 127.0.0.1] [--state file.json] [--token T]…` */
export const runPlanlyCli: ToolCli = async (args) => {
  const parsed = parseToolArgs(args, { port: 4101, credentialOption: 'token' });
  const tokens = parsed.credentials.length > 0 ? parsed.credentials : [PLANLY_DEV_TOKEN];
  const planly = await startPlanly({
    port: parsed.port,
    host: parsed.host,
    tokens,
    ...(parsed.stateFile ? { stateFile: parsed.stateFile } : {}),
  });
  return {
    url: planly.url,
    describe: { tool: 'booking-a', name: 'Planly', url: planly.url, auth: 'Authorization: Bearer <token>', tokens },
    close: () => planly.close(),
  };
};
