import { describe, expect, it } from 'vitest';
import { CsvParser, type CsvRecord, csvLine } from '../src/import/csv';

function parse(text: string, chunkSize = text.length || 1): CsvRecord[] {
  const parser = new CsvParser();
  const records: CsvRecord[] = [];
  for (let i = 0; i < text.length; i += chunkSize) parser.push(text.slice(i, i + chunkSize), records);
  parser.end(records);
  return records;
}

const TRICKY = '\uFEFFa,b,c\r\n1,"two, with comma","say ""hi"""\r\n"multi\nline",,x\n\n4,5,6';

describe('CsvParser', () => {
  it('reads quotes, escaped quotes, commas and line breaks inside quotes, CRLF, a BOM and blank lines', () => {
    expect(parse(TRICKY)).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', 'two, with comma', 'say "hi"'] },
      { line: 3, fields: ['multi\nline', '', 'x'] },
      { line: 6, fields: ['4', '5', '6'] },
    ]);
  });

  it('gives the same records whatever the chunk size', () => {
    const whole = parse(TRICKY);
    for (const size of [1, 2, 3, 5, 7]) expect(parse(TRICKY, size)).toEqual(whole);
  });

  it('takes LF, CRLF and CR line ends, with or without a final one', () => {
    expect(parse('a\nb\r\nc\rd').map((r) => r.fields[0])).toEqual(['a', 'b', 'c', 'd']);
    expect(parse('a,b\n')).toEqual([{ line: 1, fields: ['a', 'b'] }]);
  });

  it('keeps empty fields, an empty quoted field, and trailing commas', () => {
    expect(parse('"",a,\n,,')).toEqual([
      { line: 1, fields: ['', 'a', ''] },
      { line: 2, fields: ['', '', ''] },
    ]);
  });

  it('keeps a quote inside an unquoted field as it is', () => {
    expect(parse('5" pipe,b')[0]?.fields).toEqual(['5" pipe', 'b']);
  });

  it('refuses a quoted field that never closes, naming the line it starts on', () => {
    expect(() => parse('a\n"open\nstill open')).toThrow('line 2: a quoted field is never closed');
  });

  it('writes what it reads', () => {
    const fields = ['plain', 'with, comma', 'with "quote"', 'two\nlines', ''];
    expect(parse(csvLine(fields))[0]?.fields).toEqual(fields);
  });
});
