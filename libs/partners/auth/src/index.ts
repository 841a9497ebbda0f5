// Partner request signing and verification (TW1-HMAC-SHA256: a key id and an API key travel, the signing
// secret does not; HMAC over key id, method, path, timestamp, nonce and body hash).
export * from './request-signature';
