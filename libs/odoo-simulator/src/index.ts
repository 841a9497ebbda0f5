// Faithful Odoo simulator (JSON-2 and JSON-RPC) for tests and the demo.
export {};
