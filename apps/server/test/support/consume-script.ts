// Run by connector-kit.test.ts as its own process (node --import tsx), to be killed mid-way:
// consumes the event log into a file checkpoint, appending each handled sequence to a log file.
import { appendFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTakstClient } from '../../../../packages/sdk/src/index';
import { fileCheckpoint } from '../../../../packages/sdk/src/node';

const { TAKST_URL, TAKST_API_KEY, CHECKPOINT_FILE, HANDLED_LOG, HANDLER_DELAY_MS } = process.env;
if (!TAKST_URL || !TAKST_API_KEY || !CHECKPOINT_FILE || !HANDLED_LOG) {
  throw new Error('set TAKST_URL, TAKST_API_KEY, CHECKPOINT_FILE and HANDLED_LOG');
}

const takst = createTakstClient({ baseUrl: TAKST_URL, apiKey: TAKST_API_KEY });
const summary = await takst.events.consume({
  checkpoint: fileCheckpoint(CHECKPOINT_FILE),
  pageSize: 7,
  handler: async (event) => {
    appendFileSync(HANDLED_LOG, `${event.sequence}\n`);
    await sleep(Number(HANDLER_DELAY_MS ?? 0));
  },
});
console.log(JSON.stringify(summary));
