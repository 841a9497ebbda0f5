import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { DocumentProblemCode } from './document-problem';
import { bytes, interchange850, orderFixture } from './test/x12-fixtures';
import { buildX12FunctionalAck, functionalAckInput } from './x12-997.builder';
import { replyEnvelope } from './x12-envelope';
import { checkX12Envelope, duplicateInterchangeProblem, hasEnvelopeFindings } from './x12-envelope-rules';
import { readX12SalesOrders } from './x12-sales-order.parser';
import { buildX12InterchangeAck, InterchangeAckCode } from './x12-ta1.builder';

const RULES = { receiver: { qualifier: 'ZZ', id: 'TRADEWIND' }, versions: ['004010'], usage: 'P' } as const;
const controls = {
  interchangeControlNumber: 77,
  groupControlNumber: 77,
  setControlNumber: 1,
  preparedAt: new Date('2026-12-01T08:15:00Z'),
};

const read = (text: string) => {
  const result = readX12SalesOrders(bytes(text));
  assert.ok(result.interchange);
  return { result, interchange: result.interchange };
};
const sample = (): string =>
  interchange850([orderFixture('PO-1'), orderFixture('PO-2')], { isa13: '000000451' });

void describe('checkX12Envelope', () => {
  void it('finds nothing in an interchange addressed to us, in an agreed version, for production', () => {
    const findings = checkX12Envelope(read(sample()).interchange, RULES);
    assert.equal(hasEnvelopeFindings(findings), false);
  });

  void it('refuses an interchange addressed to someone else, at ISA08', () => {
    const text = sample().replace('*ZZ*TRADEWIND      *', '*ZZ*SOMEONEELSE    *');
    const findings = checkX12Envelope(read(text).interchange, RULES);
    assert.deepEqual(
      findings.interchange.map((p) => [p.code, p.location]),
      [[DocumentProblemCode.X12UnknownReceiver, 'segment 1 (ISA), element 08']],
    );
  });

  void it('refuses a group addressed to another application, at GS03 (our applicationId, default the ISA id)', () => {
    const text = sample().replace(/^GS\*PO\*([^*]+)\*TRADEWIND\*/m, 'GS*PO*$1*PAYROLL*');
    const findings = checkX12Envelope(read(text).interchange, RULES);
    assert.deepEqual(findings.interchange, []);
    assert.deepEqual(
      [...findings.groups.values()]
        .flat()
        .map((p) => [p.code, p.at.kind === 'x12' && p.at.tag, p.at.kind === 'x12' && p.at.element]),
      [[DocumentProblemCode.X12UnknownReceiver, 'GS', 3]],
    );
    const ours = { ...RULES, receiver: { ...RULES.receiver, applicationId: 'PAYROLL' } };
    assert.equal(hasEnvelopeFindings(checkX12Envelope(read(text).interchange, ours)), false);
    assert.equal(hasEnvelopeFindings(checkX12Envelope(read(sample()).interchange, ours)), true);
  });

  void it('refuses a test interchange (ISA15 T) in production, and a production one in a sandbox', () => {
    const test = sample().replace('*0*P*>~', '*0*T*>~');
    assert.deepEqual(
      checkX12Envelope(read(test).interchange, RULES).interchange.map((p) => p.code),
      [DocumentProblemCode.X12UsageNotAccepted],
    );
    assert.equal(
      hasEnvelopeFindings(checkX12Envelope(read(test).interchange, { ...RULES, usage: 'T' })),
      false,
    );
    assert.equal(
      hasEnvelopeFindings(checkX12Envelope(read(sample()).interchange, { ...RULES, usage: 'T' })),
      true,
    );
  });

  void it('rejects a group in a version the partner does not have: AK9 R with AK905 2 in the 997', () => {
    const text = sample().replace('*X*004010~', '*X*005010~');
    const { result, interchange } = read(text);
    const findings = checkX12Envelope(interchange, RULES);
    assert.deepEqual(findings.interchange, []);
    const [problem] = findings.groups.get(0) ?? [];
    assert.equal(problem.code, DocumentProblemCode.X12UnsupportedVersion);
    assert.equal(problem.location, `segment 2 (GS), element 08, byte offset ${text.indexOf('005010')}`);
    const inbound = result.parsed.entries[0].x12!;
    const { edi, groups } = buildX12FunctionalAck(
      functionalAckInput(result, findings),
      replyEnvelope(inbound, controls),
    );
    assert.match(edi, /AK5\*R~\nAK2\*850\*0002~\nAK5\*R~\nAK9\*R\*2\*2\*0\*2~/);
    assert.equal(groups[0].accepted, 0);
  });
});

void describe('buildX12InterchangeAck', () => {
  void it('rejects a duplicate interchange with TA1 R 025, addressed back to the sender', () => {
    const { result, interchange } = read(sample());
    const inbound = result.parsed.entries[0].x12!;
    const ack = buildX12InterchangeAck(
      interchange.isa,
      [duplicateInterchangeProblem(interchange, new Date('2026-11-30T00:00:00Z'))],
      replyEnvelope(inbound, controls),
    );
    assert.deepEqual([ack.code, ack.note], [InterchangeAckCode.Rejected, '025']);
    assert.equal(
      ack.edi,
      'ISA*00*          *00*          *ZZ*TRADEWIND      *ZZ*GLOBEXEDI      *261201*0815*U*00401*000000077*0*P*>~\n' +
        'TA1*000000451*240115*1200*R*025~\n' +
        'IEA*0*000000077~\n',
    );
  });

  void it('accepts with note 000 when there is no problem, and names the receiver and test notes', () => {
    const { result, interchange } = read(sample());
    const envelope = replyEnvelope(result.parsed.entries[0].x12!, controls);
    assert.match(
      buildX12InterchangeAck(interchange.isa, [], envelope).edi,
      /TA1\*000000451\*240115\*1200\*A\*000~/,
    );
    const elsewhere = checkX12Envelope(interchange, {
      ...RULES,
      receiver: { qualifier: 'ZZ', id: 'US' },
      usage: 'T',
    });
    assert.deepEqual(
      elsewhere.interchange.map((p) => buildX12InterchangeAck(interchange.isa, [p], envelope).note),
      ['009', '020'],
    );
  });
});
