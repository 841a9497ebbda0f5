// Typed Odoo client over JSON-2 and legacy JSON-RPC with classified errors.
export {};
