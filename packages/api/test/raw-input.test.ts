import { describe, expect, it } from 'vitest';
import { MAX_INPUT_VALUES, refusalOfRawInput } from '../src/lib/raw-input';
import { countJsonValues, refusalOfJsonText } from '../src/lib/raw-json';

const issuesOf = (refusal: ReturnType<typeof refusalOfRawInput>) => refusal?.details?.issues;

describe('refusalOfRawInput', () => {
  it('refuses more values than any call takes, naming no path', () => {
    const refusal = refusalOfRawInput({ items: Array.from({ length: MAX_INPUT_VALUES }, () => 1) });
    expect(refusal?.errorCode).toBe('VALIDATION_FAILED');
    expect(issuesOf(refusal)).toEqual([expect.objectContaining({ path: [], code: 'too_big' })]);
    expect(refusalOfRawInput({ items: Array.from({ length: MAX_INPUT_VALUES - 1 }, () => 1) })).toBeNull();
  });

  it('names the path of a NUL character, and lets it through when asked to', () => {
    const input = { a: [{ b: 'x' }, { c: 'y\u0000' }] };
    expect(issuesOf(refusalOfRawInput(input))).toEqual([expect.objectContaining({ path: ['a', 1, 'c'] })]);
    expect(refusalOfRawInput(input, { itemsCheckedOneByOne: true })).toBeNull();
    expect(issuesOf(refusalOfRawInput('\u0000'))).toEqual([expect.objectContaining({ path: [] })]);
  });

  it('refuses a lone surrogate, which PostgreSQL cannot store, and takes a paired one', () => {
    const lone = JSON.parse('{"name":"a\\ud800b"}');
    expect(issuesOf(refusalOfRawInput(lone))).toEqual([
      expect.objectContaining({
        path: ['name'],
        code: 'invalid_string',
        message: expect.stringContaining('surrogate'),
      }),
    ]);
    expect(issuesOf(refusalOfRawInput(JSON.parse('"\\udc00"')))).toHaveLength(1);
    expect(refusalOfRawInput({ name: 'Kari 😀' })).toBeNull();
    expect(refusalOfRawInput(lone, { itemsCheckedOneByOne: true })).toBeNull();
  });

  it('refuses nesting deeper than any schema goes', () => {
    const deep = JSON.parse(`${'['.repeat(40)}${']'.repeat(40)}`);
    expect(issuesOf(refusalOfRawInput(deep))).toEqual([expect.objectContaining({ code: 'too_deep' })]);
  });
});

describe('countJsonValues', () => {
  it.each([
    ['1', 0],
    ['[]', 0],
    ['{ }', 0],
    ['[1,2,3]', 3],
    ['{"a":1,"b":[2,[]]}', 4],
    ['{"a,b":"[1,2]","c":"\\"[,"}', 2],
    [' [ [ ] , { "x" : [ 1 ] } ] ', 4],
  ])('counts %s as %i', (text, values) => {
    expect(countJsonValues(text, Number.POSITIVE_INFINITY)).toBe(values);
  });

  it('stops counting beyond the bound', () => {
    expect(countJsonValues(`[${'1,'.repeat(1_000)}1]`, 10)).toBe(11);
  });

  it('refuses text as the walk refuses what it parses to', () => {
    const text = JSON.stringify({ items: Array.from({ length: MAX_INPUT_VALUES }, () => 1) });
    expect(refusalOfJsonText(text)?.message).toBe(refusalOfRawInput(JSON.parse(text))?.message);
    expect(refusalOfJsonText(text, 2)).toBeNull();
  });
});
