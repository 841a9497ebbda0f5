// JSON Schema of config/partners/delivery.yaml (the partners' delivery channels).
const secretRef = '^(env:[A-Z][A-Z0-9_]{2,127}|file:/[^\\s]+)$';
const id = '^[a-z][a-z0-9-]{1,62}$';
const documentTypePattern = '^(\\*|[a-z][a-z0-9-]*\\*?)$';

const retry = {
  type: 'object',
  additionalProperties: false,
  properties: {
    maxAttempts: { type: 'integer', minimum: 1, maximum: 1000 },
    initialDelayMs: { type: 'integer', minimum: 10, maximum: 3_600_000 },
    maxDelayMs: { type: 'integer', minimum: 10, maximum: 86_400_000 },
  },
} as const;
const breaker = {
  type: 'object',
  additionalProperties: false,
  properties: {
    errorThresholdPercentage: { type: 'integer', minimum: 1, maximum: 100 },
    volumeThreshold: { type: 'integer', minimum: 1, maximum: 10_000 },
    resetTimeoutMs: { type: 'integer', minimum: 100, maximum: 3_600_000 },
    rollingCountTimeoutMs: { type: 'integer', minimum: 1_000, maximum: 3_600_000 },
  },
} as const;
const tuning = {
  concurrency: { type: 'integer', minimum: 1, maximum: 64 },
  timeoutMs: { type: 'integer', minimum: 100, maximum: 600_000 },
  retry,
  breaker,
} as const;

const webhook = {
  type: 'object',
  additionalProperties: false,
  required: ['url', 'signingKeyId', 'signingSecretRef'],
  properties: {
    url: { type: 'string', format: 'uri', pattern: '^https://' },
    signingKeyId: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{2,63}$' },
    signingSecretRef: { type: 'string', pattern: secretRef },
    authHeader: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'valueRef'],
      properties: {
        name: { type: 'string', pattern: '^[A-Za-z0-9-]{1,64}$' },
        valueRef: { type: 'string', pattern: secretRef },
      },
    },
    maxResponseBytes: { type: 'integer', minimum: 0, maximum: 1_048_576 },
  },
} as const;

const sftp = {
  type: 'object',
  additionalProperties: false,
  required: ['host', 'port', 'username', 'hostKey', 'remoteDir', 'fileName'],
  properties: {
    host: { type: 'string', pattern: '^[A-Za-z0-9.-]{1,253}$' },
    port: { type: 'integer', minimum: 1, maximum: 65535 },
    username: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' },
    privateKeyRef: { type: 'string', pattern: secretRef },
    passwordRef: { type: 'string', pattern: secretRef },
    hostKey: { type: 'string', pattern: `^(SHA256:[A-Za-z0-9+/]{43}=?|${secretRef.slice(1, -1)})$` },
    remoteDir: { type: 'string', pattern: '^[^\\s\\\\]{1,255}$' },
    fileName: { type: 'string', pattern: '^[A-Za-z0-9{}._-]{1,128}$' },
  },
} as const;

export const DELIVERY_SCHEMA = {
  $id: 'https://schemas.tradewind.example/config/partner-delivery.json',
  type: 'object',
  additionalProperties: false,
  required: ['version', 'partners'],
  properties: {
    version: { const: 1 },
    defaults: { type: 'object', additionalProperties: false, properties: tuning },
    partners: {
      type: 'object',
      propertyNames: { type: 'string', pattern: id },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['endpoints'],
        properties: {
          endpoints: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['id', 'documentTypes'],
              properties: {
                id: { type: 'string', pattern: id },
                documentTypes: {
                  type: 'array',
                  minItems: 1,
                  uniqueItems: true,
                  items: { type: 'string', pattern: documentTypePattern },
                },
                webhook,
                sftp,
                ...tuning,
              },
            },
          },
        },
      },
    },
  },
} as const;
