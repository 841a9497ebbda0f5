// OpenAPI description of the partner API, served at /docs (Swagger UI) and /docs-json.
import { applyDecorators, type INestApplication } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { ApiHeader, ApiResponse, ApiSecurity, DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

type SchemaObject = Exclude<
  NonNullable<NonNullable<OpenAPIObject['components']>['schemas']>[string],
  { $ref: string }
>;

import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_BASE } from '../problem/problem-details';

export const PROBLEM_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'instance', 'code'],
  properties: {
    type: { type: 'string', format: 'uri', example: `${PROBLEM_TYPE_BASE}invalid-document` },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string', example: 'urn:tradewind:request:6f1c…' },
    code: { type: 'string', example: 'INVALID_DOCUMENT' },
    retryAfterSeconds: { type: 'integer' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['code', 'detail', 'location'],
        properties: {
          code: { type: 'string', example: 'INVALID_NUMBER' },
          detail: { type: 'string' },
          location: { type: 'string', example: 'segment 9 (PO1), element 02, byte offset 250' },
          pointer: {
            type: 'string',
            description: 'JSON pointer (JSON documents)',
            example: '/lines/1/quantity',
          },
          line: { type: 'integer', description: 'CSV line (1-based)' },
          column: { type: 'integer', description: 'CSV column (1-based)' },
          segment: { type: 'integer', description: 'X12 segment position in the interchange (ISA = 1)' },
          segmentTag: { type: 'string' },
          element: { type: 'integer', description: 'X12 element position (1-based)' },
          byteOffset: { type: 'integer' },
          orderIndex: { type: 'integer', description: 'Position of the order in the upload (0-based)' },
          businessRef: { type: 'string', description: "The order's PO number" },
        },
      },
    },
  },
};

/** A refusal in problem+json. */
export const ApiProblem = (status: number, description: string): MethodDecorator & ClassDecorator =>
  ApiResponse({ status, description, content: { [PROBLEM_CONTENT_TYPE]: { schema: PROBLEM_SCHEMA } } });

/** The signed-request headers and the refusals every partner route can answer. */
export const ApiSignedRequest = (): MethodDecorator & ClassDecorator =>
  applyDecorators(
    // One requirement with both schemes: the key id and the API key are sent together (and X-Signature).
    ApiSecurity({ keyId: [], apiKey: [] }),
    ApiHeader({
      name: 'X-Timestamp',
      required: true,
      description: 'RFC 3339 date-time or epoch milliseconds; within ±300 s',
    }),
    ApiHeader({
      name: 'X-Nonce',
      required: true,
      description: '16–128 characters [A-Za-z0-9._~-], never reused',
    }),
    ApiHeader({
      name: 'X-Signature',
      required: true,
      description:
        'hex(HMAC-SHA256(key = signing secret, "TW1-HMAC-SHA256" + "\\n" + X-Key-Id + "\\n" + METHOD + "\\n" + path-with-query + "\\n" + X-Timestamp + "\\n" + X-Nonce + "\\n" + hex(SHA-256(body)))); the signing secret is never sent',
    }),
    ApiProblem(401, 'Missing or invalid credentials, stale timestamp, replayed nonce, bad signature'),
    ApiProblem(
      403,
      'Scope not granted, format not permitted, partner suspended, not the system of record of the data',
    ),
    ApiProblem(429, 'Rate limit exceeded (Retry-After)'),
  );

export function setUpOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Tradewind partner API')
    .setDescription(
      'Partners submit business documents and follow their transactions. Each partner key has a public key ' +
        'id, an API key and a signing secret. Every request sends X-Key-Id and X-Api-Key and is signed with ' +
        'the signing secret, which never travels (scheme TW1-HMAC-SHA256, see the X-Signature header). ' +
        'Refusals are RFC 9457 problem details (application/problem+json).',
    )
    .setVersion('v1')
    .addApiKey(
      {
        type: 'apiKey',
        in: 'header',
        name: 'X-Key-Id',
        description: 'The public id of the partner key (the catalog keyId, e.g. acme-portal-2026-12)',
      },
      'keyId',
    )
    .addApiKey(
      {
        type: 'apiKey',
        in: 'header',
        name: 'X-Api-Key',
        description:
          'The API key of that key id. Sent with X-Key-Id, X-Timestamp, X-Nonce and X-Signature; on its own it authenticates nothing.',
      },
      'apiKey',
    )
    .build();
  // Partners see the partner API only; health and metrics are for the platform's operators.
  const partnerApi = (): OpenAPIObject => {
    const document = SwaggerModule.createDocument(app, config);
    document.paths = Object.fromEntries(
      Object.entries(document.paths).filter(([path]) => path.startsWith('/v1/')),
    );
    return document;
  };
  SwaggerModule.setup('docs', app, partnerApi, {
    jsonDocumentUrl: 'docs-json',
  });
}
