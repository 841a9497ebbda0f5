// Proof-of-delivery documents (signature images, PDFs) kept by the gateway at ingress: the claim check of
// the tracking events that carry them. The record on ingress.documents names a document by its SHA-256;
// the bytes stay here, readable through GET /v1/proofs-of-delivery/<sha256> by the partners entitled to it:
// the carrier that sent it, and the customers whose orders the shipment carries (shipments.state).
import type { ProofAttachment } from '@tradewind/partner-documents';
import type { DataSource } from 'typeorm';

export interface StoredProof {
  readonly sha256: string;
  readonly contentType: string;
  readonly bytes: Buffer;
}

export class ProofDocuments {
  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: string,
  ) {}

  /** Stores each document once (content addressed) and entitles its sender; atomic, idempotent. */
  async store(senderId: string, proofs: readonly ProofAttachment[], receivedAt: Date): Promise<void> {
    const s = `"${this.schema}"`;
    await this.dataSource.transaction(async (manager) => {
      for (const proof of proofs) {
        await manager.query(
          `INSERT INTO ${s}.proof_document (sha256, content_type, size_bytes, bytes, sender_id, received_at)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (sha256) DO NOTHING`,
          [
            proof.sha256,
            proof.contentType,
            proof.bytes.length,
            Buffer.from(proof.bytes),
            senderId,
            receivedAt,
          ],
        );
        await this.entitle(manager, proof.sha256, [senderId]);
      }
    });
  }

  /** Lets partners read a stored document (the customers of a delivered shipment); idempotent, a no-op when unknown. */
  async entitle(
    manager: Pick<DataSource, 'query'>,
    sha256: string,
    partnerIds: readonly string[],
  ): Promise<void> {
    if (partnerIds.length === 0) return;
    await manager.query(
      `INSERT INTO "${this.schema}".proof_reader (sha256, partner_id)
       SELECT d.sha256, p.partner_id FROM "${this.schema}".proof_document d, unnest($2::text[]) AS p (partner_id)
        WHERE d.sha256 = $1
       ON CONFLICT DO NOTHING`,
      [sha256, [...partnerIds]],
    );
  }

  /** The document, or undefined when it does not exist or `partnerId` may not read it (a 404 alike). */
  async read(sha256: string, partnerId: string): Promise<StoredProof | undefined> {
    const rows = await this.dataSource.query<{ content_type: string; bytes: Buffer }[]>(
      `SELECT d.content_type, d.bytes FROM "${this.schema}".proof_document d
         JOIN "${this.schema}".proof_reader r ON r.sha256 = d.sha256 AND r.partner_id = $2
        WHERE d.sha256 = $1`,
      [sha256, partnerId],
    );
    const row = rows[0];
    return row === undefined ? undefined : { sha256, contentType: row.content_type, bytes: row.bytes };
  }
}
