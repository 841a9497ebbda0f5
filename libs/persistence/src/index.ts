// typeorm data sources, migrations, transactional outbox and inbox.
export {};
