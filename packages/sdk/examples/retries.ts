// #region readme
// Per call: no retries and a 2-second limit for this one.
const fresh = await takst.assignments.get.query({ id }, { context: { maxRetries: 0, timeoutMs: 2_000 } });

// Any call stops when its signal aborts: the request is cancelled and no retry follows.
const controller = new AbortController();
setTimeout(() => controller.abort(), 5_000);
const page = await takst.assignments.list.query({ limit: 200 }, { signal: controller.signal });
console.log(fresh.status, page.items.length);

// #endregion
export {};
