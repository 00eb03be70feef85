/**
 * What an answer given from memory rests on: that an identifier still names
 * the same subject, whose records are still in the same state. The call's
 * audit entry is committed only together with a check of its premises, in
 * one statement that starts after the call arrived; when one no longer holds,
 * nothing is written and the call is worked again from the store. So an
 * answer from memory is never sent when the store holds a change committed
 * before the call (on any replica), and no audit entry describes an answer
 * that was not given.
 */
export interface Premise {
  /** The identifier as stored: contract scheme and normalised value. */
  readonly scheme: number;
  readonly value: string;
  /** The canonical subject it named. */
  readonly subjectId: string;
  /** The digest of that subject's records in force (records-in-force-repo `subjectStates`). */
  readonly state: string;
}

/** An answer's premise no longer holds: nothing was entered for it; work the call again from the store. */
export class PremiseFailed extends Error {
  constructor(readonly premise: Premise) {
    // The identifier stays out of the message (messages reach the logs; identifiers must not).
    super('the subject an answer from memory rested on changed since the answer was remembered');
    this.name = 'PremiseFailed';
  }
}
