/** Nest injection tokens of the writer's plain objects. */
export const ODOO_WRITER_CONFIG = Symbol('odoo-writer:config');
export const ODOO_WRITER_CORE = Symbol('odoo-writer:core');
