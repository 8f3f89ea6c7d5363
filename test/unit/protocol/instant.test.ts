// The one strict reader of request instants: a date or time that does not exist is refused, not
// rolled over into the next day or month as Date.parse does.
import assert from 'node:assert/strict';
import { Instant, parseInstant } from '../../../src/protocol/instant';

describe('protocol/instant: strict ISO-8601 instants', () => {
  it('reads real instants with a zone, to the millisecond', () => {
    const read = (text: string) => parseInstant(text)?.toISOString();
    assert.equal(read('2028-02-29T00:00:00Z'), '2028-02-29T00:00:00.000Z', 'a leap day');
    assert.equal(read('2027-01-01T00:00Z'), '2027-01-01T00:00:00.000Z', 'seconds may be left out');
    assert.equal(read('2027-01-01T23:59:59.5Z'), '2027-01-01T23:59:59.500Z');
    assert.equal(read('2027-01-01T01:30:00+02:00'), '2026-12-31T23:30:00.000Z', 'an offset');
    assert.equal(read('2026-12-31T20:00:00-05:30'), '2027-01-01T01:30:00.000Z');
    assert.equal(read('0099-03-01T00:00:00Z'), '0099-03-01T00:00:00.000Z', 'a two-digit year stays itself');
  });

  it('refuses dates and times that do not exist', () => {
    for (const text of [
      '2027-02-29T00:00:00Z', // 2027 is not a leap year
      '2027-02-30T00:00:00Z',
      '2100-02-29T00:00:00Z', // nor is 2100
      '2027-04-31T00:00:00Z',
      '2027-13-01T00:00:00Z',
      '2027-00-10T00:00:00Z',
      '2027-01-00T00:00:00Z',
      '2027-01-01T24:00:00Z',
      '2027-01-01T23:60:00Z',
      '2027-01-01T23:59:60Z',
      '2027-01-01T00:00:00+24:00',
      '2027-01-01T00:00:00+01:60',
    ]) {
      assert.equal(parseInstant(text), null, text);
    }
  });

  it('refuses what is not an instant with a zone', () => {
    for (const text of [
      '',
      '2027-01-01',
      '2027-01-01T00:00:00',
      'next tuesday',
      '2027-1-1T00:00:00Z',
      ' 2027-01-01T00:00:00Z',
      '2027-01-01T00:00:00z',
      '1798761600000',
    ]) {
      assert.equal(parseInstant(text), null, JSON.stringify(text));
    }
  });

  it('is the schema requests use: the value stays the string sent, the message says what is wanted', () => {
    assert.equal(Instant.parse('2028-02-29T12:00:00Z'), '2028-02-29T12:00:00Z');
    const refused = Instant.safeParse('2027-02-30T00:00:00Z');
    assert.equal(refused.success, false);
    assert.match(refused.error?.issues[0]?.message ?? '', /ISO-8601 instant/);
  });
});
