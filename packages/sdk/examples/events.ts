// #region readme
let position = await loadPosition(); // the last sequence you handled; 0 the first time
for await (const event of takst.events.iterate({ after: position, types: ['assignment.status_changed'] })) {
  await handle(event);
  position = event.sequence;
  await savePosition(position);
}

// caught up: run it again later (or subscribe) to continue from `position`
// #endregion
export {};
