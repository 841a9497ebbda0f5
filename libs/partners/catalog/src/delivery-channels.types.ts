// The catalog's delivery channels (config/partners/delivery.yaml): how each partner receives what the
// platform owes it (partners.outbound), read by partner-delivery, the one service that sends to partners.

/** Attempts and backoff of one endpoint: delay n = min(maxDelayMs, initialDelayMs * 2^(n-1)), ±jitter. */
export interface DeliveryRetryPolicy {
  /** Attempts before the document is dead-lettered (ops.exceptions, partners.delivery-results). */
  readonly maxAttempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

/** opossum's settings for the endpoint's circuit breaker. */
export interface DeliveryBreakerPolicy {
  /** Failed share (percent) of the attempts in the rolling window that opens the circuit. */
  readonly errorThresholdPercentage: number;
  /** Attempts in the window before the circuit may open. */
  readonly volumeThreshold: number;
  /** How long the circuit stays open before one trial delivery (half-open). */
  readonly resetTimeoutMs: number;
  /** Length of the rolling window. */
  readonly rollingCountTimeoutMs: number;
}

export interface WebhookChannelConfig {
  /** https only in the catalog (DELIVERY_ENDPOINT_OVERRIDES may point a local run elsewhere). */
  readonly url: string;
  /** The key id the partner knows our signature by (X-Key-Id). */
  readonly signingKeyId: string;
  /** Our signing secret for this partner: `env:NAME` or `file:/path`. */
  readonly signingSecretRef: string;
  /** Extra header the partner wants (its own token), by reference: `{ name, valueRef }`. */
  readonly authHeader?: { readonly name: string; readonly valueRef: string };
  /** Largest response body read (the rest is discarded). */
  readonly maxResponseBytes?: number;
}

export interface SftpChannelConfig {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  /** An OpenSSH private key by reference; or `passwordRef`. */
  readonly privateKeyRef?: string;
  readonly passwordRef?: string;
  /**
   * The server's host key fingerprint (`SHA256:<base64>`, as `ssh-keygen -lf` prints it), or a reference to
   * it; a server presenting another key is refused.
   */
  readonly hostKey: string;
  /** Directory the files go to (relative to the login directory, or absolute). */
  readonly remoteDir: string;
  /** File name template: {partnerId} {documentType} {outboundId} {ext} {date} (UTC yyyyMMdd). */
  readonly fileName: string;
}

export interface DeliveryEndpointConfig {
  /** Unique within the partner; the endpoint's full id is `<partnerId>/<id>`. */
  readonly id: string;
  /** Outbound document types it receives: exact (`order-ack`), a prefix (`x12-*`) or `*`. */
  readonly documentTypes: readonly string[];
  readonly webhook?: WebhookChannelConfig;
  readonly sftp?: SftpChannelConfig;
  /** Deliveries in flight at once to this endpoint. */
  readonly concurrency?: number;
  /** One attempt's deadline (connect, send, answer). */
  readonly timeoutMs?: number;
  readonly retry?: Partial<DeliveryRetryPolicy>;
  readonly breaker?: Partial<DeliveryBreakerPolicy>;
}

export interface DeliveryDefaults {
  readonly concurrency: number;
  readonly timeoutMs: number;
  readonly retry: DeliveryRetryPolicy;
  readonly breaker: DeliveryBreakerPolicy;
}

export interface DeliveryChannelsFile {
  readonly version: 1;
  readonly defaults?: Partial<Omit<DeliveryDefaults, 'retry' | 'breaker'>> & {
    readonly retry?: Partial<DeliveryRetryPolicy>;
    readonly breaker?: Partial<DeliveryBreakerPolicy>;
  };
  /** Partner id → its endpoints; the first endpoint whose documentTypes match a document takes it. */
  readonly partners: Readonly<Record<string, { readonly endpoints: readonly DeliveryEndpointConfig[] }>>;
}

/** An endpoint with every default applied. */
export interface DeliveryEndpoint {
  /** `<partnerId>/<id>`. */
  readonly key: string;
  readonly partnerId: string;
  readonly id: string;
  readonly documentTypes: readonly string[];
  readonly channel:
    | { readonly kind: 'webhook'; readonly webhook: WebhookChannelConfig }
    | { readonly kind: 'sftp'; readonly sftp: SftpChannelConfig };
  readonly concurrency: number;
  readonly timeoutMs: number;
  readonly retry: DeliveryRetryPolicy;
  readonly breaker: DeliveryBreakerPolicy;
}

export const DELIVERY_FILE = 'delivery.yaml';

export const DELIVERY_DEFAULTS: DeliveryDefaults = Object.freeze({
  concurrency: 4,
  timeoutMs: 10_000,
  retry: Object.freeze({ maxAttempts: 12, initialDelayMs: 1_000, maxDelayMs: 600_000 }),
  breaker: Object.freeze({
    errorThresholdPercentage: 50,
    volumeThreshold: 5,
    resetTimeoutMs: 30_000,
    rollingCountTimeoutMs: 10_000,
  }),
});
