// Partner request signing and verification (HMAC-SHA256 over method, path, timestamp, nonce, body hash).
export * from './request-signature';
