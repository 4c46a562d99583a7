/**
 * Stands in for `@smithy/core/event-streams` in the bundled functions (see `../build.ts`): the SDK
 * loads it only to read or write an event stream, and no function here calls a streaming
 * operation. Reaching it anyway fails loudly.
 */
function notBundled(): never {
  throw new TypeError('event streams are not bundled with this function');
}

export class EventStreamSerde {
  constructor() {
    notBundled();
  }
}

export const eventStreamSerdeProvider = (): never => notBundled();
