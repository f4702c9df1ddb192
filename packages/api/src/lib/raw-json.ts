import type { DomainError } from '../errors';
import { inputRefusal, MAX_INPUT_VALUES, TOO_MANY_VALUES_MESSAGE } from './raw-input';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;

const isSpace = (code: number) => code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;

/**
 * The values (array elements and object members) JSON text holds, counted without parsing it and
 * given up on beyond `atMost`: a comma outside a string begins one, and so does the first thing
 * in a container that is not empty. Text that is not JSON is counted all the same; parsing it
 * says what is wrong.
 */
export function countJsonValues(text: string, atMost: number): number {
  let values = 0;
  let inString = false;
  let opened = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === BACKSLASH) i++;
      else if (code === QUOTE) inString = false;
      continue;
    }
    if (opened && !isSpace(code)) {
      opened = false;
      if (code !== CLOSE_ARRAY && code !== CLOSE_OBJECT) values++;
    }
    if (code === QUOTE) inString = true;
    else if (code === COMMA) values++;
    else if (code === OPEN_ARRAY || code === OPEN_OBJECT) opened = true;
    if (values > atMost) return values;
  }
  return values;
}

/**
 * Refuses JSON text that holds more values than `calls` procedure calls may take, before it is
 * parsed: parsing and walking millions of values stalls the event loop for seconds and takes
 * hundreds of megabytes, while counting them here stops early and allocates nothing. The answer
 * is the one `refusalOfRawInput` gives for the parsed input.
 */
export function refusalOfJsonText(text: string, calls = 1): DomainError | null {
  // A batch's input is an object with a member per call around the calls' own inputs.
  const atMost = calls === 1 ? MAX_INPUT_VALUES : (MAX_INPUT_VALUES + 1) * calls;
  return countJsonValues(text, atMost) > atMost ? inputRefusal([], TOO_MANY_VALUES_MESSAGE, 'too_big') : null;
}
