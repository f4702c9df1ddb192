// #region readme
// Every assignment received, page by page (100 a request) until the last page.
for await (const assignment of takst.assignments.list.iterate({ status: ['received'], limit: 100 })) {
  console.log(assignment.reference);
}

// The first 20 matches at most, as an array; no page after the one that fills it is fetched.
const firstTwenty = await takst.parties.search.toArray({ q: 'Nordmann' }, { max: 20 });
console.log(firstTwenty.map((party) => party.name));

// Every note of one assignment, with a signal that stops the walk.
const notes = await takst.notes.list.toArray({ assignmentId }, { signal: AbortSignal.timeout(30_000) });
for (const note of notes) console.log(note.createdAt, note.author, note.text);
// #endregion
// #region readme
// The same by hand: pass nextCursor back until it is null.
let cursor: string | undefined;
do {
  const page = await takst.assignments.list.query({ status: ['received'], limit: 100, cursor });
  for (const assignment of page.items) console.log(assignment.reference);
  cursor = page.nextCursor ?? undefined;
} while (cursor);

// #endregion
export {};
