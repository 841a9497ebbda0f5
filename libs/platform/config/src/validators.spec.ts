import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  bool,
  brokers,
  duration,
  durationList,
  httpUrl,
  int,
  intInRange,
  json,
  jsonOf,
  list,
  num,
  oneOf,
  port,
  postgresUrl,
  sqlIdentifier,
} from './validators';

const parse = <T>(spec: { _parse: (input: string) => T }, input: string): T => spec._parse(input);

void describe('validators', () => {
  void it('bool accepts the usual spellings and rejects others', () => {
    for (const yes of ['true', 'TRUE', 'yes', 'on', '1', 't']) assert.equal(parse(bool(), yes), true);
    for (const no of ['false', 'no', 'off', '0', 'f']) assert.equal(parse(bool(), no), false);
    assert.throws(() => parse(bool(), 'maybe'), /"maybe" is not a boolean/);
  });

  void it('num is strict where parseFloat is not', () => {
    assert.equal(parse(num(), '1.5'), 1.5);
    assert.throws(() => parse(num(), '12abc'), /"12abc" is not a number/);
    assert.throws(() => parse(num(), 'Infinity'), /is not a number/);
  });

  void it('int and intInRange reject fractions and values out of range', () => {
    assert.equal(parse(int(), '-7'), -7);
    assert.throws(() => parse(int(), '1.5'), /"1.5" is not an integer/);
    assert.throws(() => parse(intInRange(1, 10)(), '11'), /11 is out of range 1..10/);
  });

  void it('port accepts 0-65535 only', () => {
    assert.equal(parse(port(), '8080'), 8080);
    assert.equal(parse(port(), '0'), 0);
    assert.throws(() => parse(port(), 'abc'), /^EnvError: "abc" is not a port number/);
    assert.throws(() => parse(port(), '65536'), /is not a port number/);
    assert.throws(() => parse(port(), '80.5'), /is not a port number/);
  });

  void it('URL validators check the protocol', () => {
    assert.equal(parse(httpUrl(), 'https://registry:8081/x'), 'https://registry:8081/x');
    assert.throws(() => parse(httpUrl(), 'registry:8081'), /is not a http\/https URL/);
    assert.throws(() => parse(httpUrl(), 'not a url'), /"not a url" is not a URL/);
    assert.equal(parse(postgresUrl(), 'postgresql://u@h/db'), 'postgresql://u@h/db');
    assert.throws(() => parse(postgresUrl(), 'mysql://u@h/db'), /is not a postgres\/postgresql URL/);
  });

  void it('brokers parses a host:port list', () => {
    assert.deepEqual(parse(brokers(), '127.0.0.1:9092, kafka-2.internal:9093'), [
      '127.0.0.1:9092',
      'kafka-2.internal:9093',
    ]);
    assert.deepEqual(parse(brokers(), '[::1]:9092'), ['[::1]:9092']);
    for (const bad of ['kafka', 'kafka:', 'kafka:0', ':9092', 'kafka:99999', 'ka fka:9092', ',']) {
      assert.throws(() => parse(brokers(), bad), /is not a list of host:port/, bad);
    }
  });

  void it('list splits, trims and drops empty items', () => {
    assert.deepEqual(parse(list(), 'a, b,,c '), ['a', 'b', 'c']);
    assert.throws(() => parse(list(), ' , '), /is an empty list/);
  });

  void it('duration needs a unit and returns milliseconds', () => {
    assert.equal(parse(duration(), '250ms'), 250);
    assert.equal(parse(duration(), '30s'), 30_000);
    assert.equal(parse(duration(), '1.5m'), 90_000);
    assert.equal(parse(duration(), '2h'), 7_200_000);
    assert.equal(parse(duration(), '0'), 0);
    assert.throws(() => parse(duration(), '30'), /"30" is not a duration \(e.g. 500ms, 30s, 5m, 1h\)/);
    assert.throws(() => parse(duration(), '5 minutes'), /is not a duration/);
  });

  void it('durationList reads comma-separated durations and names the bad item', () => {
    assert.deepEqual(parse(durationList(), '5s, 30s,2m'), [5_000, 30_000, 120_000]);
    assert.throws(() => parse(durationList(), '5s,30'), /"30" in "5s,30" is not a duration/);
    assert.throws(() => parse(durationList(), ' , '), /is an empty list/);
  });

  void it('oneOf lists the allowed values', () => {
    assert.equal(parse(oneOf(['a', 'b'])(), 'b'), 'b');
    assert.throws(() => parse(oneOf(['a', 'b'])(), 'c'), /"c" is not one of a, b/);
  });

  void it('json parses and can check the shape', () => {
    assert.deepEqual(parse(json(), '{"a":1}'), { a: 1 });
    assert.throws(() => parse(json(), '{a:1}'), /"\{a:1\}" is not valid JSON/);
    const positive = jsonOf<number>((v) =>
      typeof v === 'number' && v > 0 ? undefined : 'expected a positive number',
    );
    assert.throws(() => parse(positive(), '-1'), /invalid JSON value: expected a positive number/);
  });

  void it('sqlIdentifier accepts lower-case identifiers only', () => {
    assert.equal(parse(sqlIdentifier(), 'order_intake'), 'order_intake');
    assert.throws(
      () => parse(sqlIdentifier(), 'Order-Intake; drop table x'),
      /is not a lower-case SQL identifier/,
    );
  });

  void it('cuts long values in messages', () => {
    assert.throws(
      () => parse(port(), 'x'.repeat(500)),
      (error: Error) => error.message.length < 100,
    );
  });
});
