import { type HjelpaAccount, startHjelpa } from './support-desk';
import { parseToolArgs, type ToolCli } from './tool-cli';

/** The account a Hjelpa started by hand accepts when no `--user` is given. */
export const HJELPA_DEV_ACCOUNT: HjelpaAccount = { user: 'integration@hjelpa.test', password: 'hjelpa-dev-password' };

/** By hand Hjelpa shows its "at least once" side: a tenth of the delivered webhooks come twice. */
const DEFAULT_REDELIVERY_RATE = 0.1;

function accountOf(credential: string): HjelpaAccount {
  const colon = credential.indexOf(':');
  if (colon <= 0 || colon === credential.length - 1) throw new Error(`--user must be name:password, not ${credential}`);
  return { user: credential.slice(0, colon), password: credential.slice(colon + 1) };
}

/** Takes `--redelivery-rate R` (or `=R`) out of the arguments; the rest are the common ones. */
function takeRedeliveryRate(args: string[]): { rate: number; rest: string[] } {
  const rest: string[] = [];
  let raw: string | undefined;
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] as string;
    if (arg === '--redelivery-rate') {
      raw = args[index + 1];
      index += 1;
    } else if (arg.startsWith('--redelivery-rate=')) raw = arg.slice('--redelivery-rate='.length);
    else rest.push(arg);
  }
  if (raw === undefined) return { rate: DEFAULT_REDELIVERY_RATE, rest };
  const rate = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(rate) || rate < 0 || rate > 1) {
    throw new Error(`--redelivery-rate must be 0–1, not ${raw}`);
  }
  return { rate, rest };
}

/** `support-desk [--port 4103] [--host 127.0.0.1] [--state file.json] [--user name:password]… [--redelivery-rate 0.1]` */
export const runHjelpaCli: ToolCli = async (args) => {
  const { rate, rest } = takeRedeliveryRate(args);
  const parsed = parseToolArgs(rest, { port: 4103, credentialOption: 'user' });
  const accounts = parsed.credentials.length > 0 ? parsed.credentials.map(accountOf) : [HJELPA_DEV_ACCOUNT];
  const hjelpa = await startHjelpa({
    port: parsed.port,
    host: parsed.host,
    accounts,
    redeliveryRate: rate,
    ...(parsed.stateFile ? { stateFile: parsed.stateFile } : {}),
  });
  return {
    url: hjelpa.url,
    describe: {
      tool: 'support-desk',
      name: 'Hjelpa',
      url: hjelpa.url,
      auth: 'Authorization: Basic base64(user:password)',
      accounts,
      redeliveryRate: rate,
    },
    close: () => hjelpa.close(),
  };
};
