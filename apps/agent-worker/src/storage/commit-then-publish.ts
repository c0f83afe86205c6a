/** Runs `fn` as one storage transaction and returns its result (see `commitThenPublish`). */
export type Commit = <T>(fn: () => T) => T;

/** A log whose appends are staged during a transaction (EventLog, FeedLog: see CommittedEvents). */
export type StagedEvents = { publish(): void; discardPending(): void };

/**
 * The one write path of both Durable Objects: `fn` runs inside `transactionSync`, and the events
 * it appended reach listeners only after the commit; a transaction that throws rolls back and its
 * staged events are dropped, so nobody ever hears of a write that did not happen.
 */
export function commitThenPublish(storage: DurableObjectStorage, events: StagedEvents): Commit {
  return <T>(fn: () => T): T => {
    let result: T;
    try {
      result = storage.transactionSync(fn);
    } catch (error) {
      events.discardPending();
      throw error;
    }
    events.publish();
    return result;
  };
}
