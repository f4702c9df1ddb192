// #region readme
const created = await takst.assignments.create.mutate({
  type: 'condition_report',
  property: {
    address: { street: 'Storgata 1', postalCode: '0155', city: 'Oslo' },
    cadastre: { municipality: '0301', gnr: 208, bnr: 84 },
  },
  client: { name: 'Kari Nordmann', email: 'kari@example.no' },
  dueDate: '2026-12-24',
});

const same = await takst.assignments.getByReference.query({ reference: created.reference });

const updated = await takst.assignments.update.mutate({
  id: created.id,
  expectedVersion: same.version,
  patch: { notes: 'Key in the mailbox' },
});

const moved = await takst.assignments.transition.mutate({
  id: created.id,
  to: 'confirmed',
  reason: 'Customer confirmed by phone',
  expectedVersion: updated.version,
});
console.log(moved.status); // 'confirmed'

// #endregion
export {};
