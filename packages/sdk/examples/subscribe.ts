let position = await loadPosition();

// #region readme
const subscription = takst.events.subscribe.subscribe(
  { after: position, types: ['assignment.created', 'assignment.status_changed'] },
  {
    onData: ({ data: event }) => {
      console.log(event.sequence, event.type, event.entityId);
      position = event.sequence; // keep it: pass it as `after` when you subscribe again
    },
    onError: (error) => console.error('subscription refused or failed', error.message),
    onConnectionStateChange: (state) => console.log(state.state), // 'pending' | 'connecting' | 'idle'
  },
);
// later
subscription.unsubscribe();

// #endregion
export {};
