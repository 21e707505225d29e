// Issue 19: Sui's official TypeScript SDK (`SuiGrpcClient` of @mysten/sui, gRPC-web over
// fetch, HTTP/1.1) reads the local ledger as it reads a Sui full node. Run by run.sh against a
// real `floe ledger serve` process with the devnet scenario; fails on the first mismatch.
import assert from 'node:assert/strict';
import { SuiGrpcClient } from '@mysten/sui/grpc';

const url = process.argv[2];
assert.ok(url, 'usage: node sui-sdk.mjs http://127.0.0.1:PORT');
const client = new SuiGrpcClient({ network: 'localnet', baseUrl: url });
const ledger = client.ledgerService;

// Service info: the ledger's chain, its tip and epoch.
const { response: info } = await ledger.getServiceInfo({});
assert.equal(info.chain, 'floe-localnet');
assert.ok(info.checkpointHeight >= 10n, `checkpoint height ${info.checkpointHeight}`);
assert.ok(info.epoch >= 1n, `epoch ${info.epoch}`);

// The latest checkpoint is the tip.
const { response: latest } = await ledger.getCheckpoint({
  checkpointId: { oneofKind: undefined },
  readMask: { paths: ['sequence_number', 'digest'] },
});
assert.equal(latest.checkpoint.sequenceNumber, info.checkpointHeight);
assert.match(latest.checkpoint.digest, /^[1-9A-HJ-NP-Za-km-z]{32,44}$/);

// A checkpoint by sequence number, with its transactions and their events.
const { response: byNumber } = await ledger.getCheckpoint({
  checkpointId: { oneofKind: 'sequenceNumber', sequenceNumber: 3n },
  readMask: { paths: ['sequence_number', 'digest', 'transactions'] },
});
const cp = byNumber.checkpoint;
assert.equal(cp.sequenceNumber, 3n);
assert.ok(cp.transactions.length > 0, 'checkpoint 3 holds transactions');
const events = cp.transactions.flatMap((t) => t.events?.events ?? []);
assert.ok(events.length > 0, 'checkpoint 3 holds events');
for (const e of events) {
  assert.match(e.eventType, /^0x[0-9a-f]{64}::events::[A-Za-z]+$/);
  assert.ok(e.contents.value.length > 0, 'events carry their BCS contents');
}

// Each transaction by digest: the same digest, checkpoint and events.
for (const tx of cp.transactions) {
  const { response } = await ledger.getTransaction({
    digest: tx.digest,
    readMask: { paths: ['digest', 'checkpoint', 'events', 'effects.status'] },
  });
  const got = response.transaction;
  assert.equal(got.digest, tx.digest);
  assert.equal(got.checkpoint, 3n);
  assert.deepEqual(got.events, tx.events);
  assert.equal(got.effects.status.success, true);
}

// An unknown digest is NOT_FOUND, not a wrong answer.
await assert.rejects(
  ledger.getTransaction({ digest: '11111111111111111111111111111111' }).response,
  (e) => String(e.code) === 'NOT_FOUND' || /not found/i.test(e.message),
);

// The epoch, and UNIMPLEMENTED for what the ledger cannot know.
const { response: epoch } = await ledger.getEpoch({});
assert.equal(epoch.epoch.epoch, info.epoch);
await assert.rejects(
  ledger.getEpoch({ readMask: { paths: ['reference_gas_price'] } }).response,
  (e) => String(e.code) === 'UNIMPLEMENTED',
);

console.log(
  `sui-sdk: ${url}: service info, latest checkpoint ${latest.checkpoint.sequenceNumber}, ` +
    `checkpoint 3 with ${cp.transactions.length} transactions and ${events.length} events, ` +
    `each transaction by digest, epoch ${epoch.epoch.epoch}: ok`,
);
