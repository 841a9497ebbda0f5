// Settlement uploads as the gateway splits them: one slice per statement or payout, named by its id,
// refused whole with located problems, never in a format the type is not read in.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { buildCamt053 } from './camt053.builder';
import { DocumentFormat } from './document-format';
import { DocumentProblemCode } from './document-problem';
import { SettlementDocumentType } from './settlement-document';
import { splitSettlementDocument } from './settlement-document-split';

const bytes = (text: string) => new TextEncoder().encode(text);
const camt = (closing?: string) =>
  bytes(
    buildCamt053({
      statementId: 'STMT-2026-11-30',
      closing,
      entries: [{ bankRef: 'B1', amount: '84.60', debtorName: 'Acme', remittance: ['INV/2026/00001'] }],
    }),
  );

void describe('splitSettlementDocument', () => {
  void it('gives a camt.053 statement one XML slice named by the statement id', () => {
    const split = splitSettlementDocument(SettlementDocumentType.BankStatement, DocumentFormat.Xml, camt());
    assert.equal(split.ok, true);
    assert.equal(split.slices.length, 1);
    assert.equal(split.slices[0].businessRef, 'STMT-2026-11-30');
    assert.equal(split.slices[0].contentType, 'application/xml');
    assert.equal(split.parsed?.ok && split.parsed.document.entries.length, 1);
  });

  void it('reads the bank CSV and a gateway payout', () => {
    const csv = [
      'statement_id,record_type,booking_date,amount,currency,counterparty_name,counterparty_account,reference,bank_reference',
      'S-1,opening,2026-11-01,500.00,USD,,,,',
      'S-1,entry,2026-11-02,100.00,USD,Acme,,INV/2026/00001,B-1',
      'S-1,closing,2026-11-30,600.00,USD,,,,',
    ].join('\n');
    const fromCsv = splitSettlementDocument(
      SettlementDocumentType.BankStatement,
      DocumentFormat.Csv,
      bytes(csv),
    );
    assert.deepEqual(
      [fromCsv.ok, fromCsv.slices[0]?.businessRef, fromCsv.documentProblems],
      [true, 'S-1', []],
    );
    const payout = JSON.stringify({
      payoutId: 'po_1',
      currency: 'USD',
      arrivalDate: '2026-11-30',
      amount: '96.80',
      transactions: [{ id: 'ch_1', type: 'charge', amount: '100.00', fee: '3.20', reference: 'INV/1' }],
    });
    const fromJson = splitSettlementDocument(
      SettlementDocumentType.GatewayPayout,
      DocumentFormat.Json,
      bytes(payout),
    );
    assert.deepEqual([fromJson.ok, fromJson.slices[0]?.businessRef], [true, 'po_1']);
  });

  void it('refuses an unbalanced statement and a DOCTYPE whole, with where, and no slice', () => {
    const unbalanced = splitSettlementDocument(
      SettlementDocumentType.BankStatement,
      DocumentFormat.Xml,
      camt('1084.61'),
    );
    assert.equal(unbalanced.ok, false);
    assert.equal(unbalanced.slices.length, 0);
    assert.equal(unbalanced.documentProblems[0].code, DocumentProblemCode.BalanceMismatch);
    const hostile = splitSettlementDocument(
      SettlementDocumentType.BankStatement,
      DocumentFormat.Xml,
      bytes('<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "aaaa">]><Document>&a;</Document>'),
    );
    assert.equal(hostile.documentProblems[0].code, DocumentProblemCode.XmlDoctypeRefused);
    assert.deepEqual(hostile.documentProblems[0].at, { kind: 'xml', line: 2, column: 1 });
  });

  void it('refuses a format the type is not read in', () => {
    const split = splitSettlementDocument(SettlementDocumentType.GatewayPayout, DocumentFormat.Xml, camt());
    assert.equal(split.documentProblems[0].code, DocumentProblemCode.UnsupportedFormat);
    assert.equal(split.slices.length, 0);
  });
});
