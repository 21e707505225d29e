#[test_only]
module wal::wal_tests;

use sui::{coin::{Coin, CoinMetadata}, test_scenario as ts};
use wal::wal::{Self, WAL, ProtectedTreasury};

const PUBLISHER: address = @0xA;
const HOLDER: address = @0xB;

#[test]
/// Publication mints the whole supply once to the publisher, freezes the metadata (9 decimals)
/// and shares the treasury; burning lowers the supply and nothing can raise it again.
fun publish_then_burn() {
    let mut s = ts::begin(PUBLISHER);
    wal::init_for_testing(s.ctx());
    s.next_tx(PUBLISHER);
    let mut supply = s.take_from_sender<Coin<WAL>>();
    assert!(supply.value() == wal::initial_supply());
    let metadata = s.take_immutable<CoinMetadata<WAL>>();
    assert!(metadata.get_decimals() == 9);
    ts::return_immutable(metadata);

    let mut treasury = s.take_shared<ProtectedTreasury>();
    assert!(treasury.total_supply() == wal::initial_supply());
    let gift = supply.split(7 * wal::frost_per_wal(), s.ctx());
    transfer::public_transfer(gift, HOLDER);
    s.next_tx(HOLDER);
    let gift = s.take_from_sender<Coin<WAL>>();
    treasury.burn(gift);
    assert!(treasury.total_supply() == wal::initial_supply() - 7 * wal::frost_per_wal());
    assert!(treasury.burned() == 7 * wal::frost_per_wal());
    assert!(supply.value() + treasury.burned() == wal::initial_supply());
    ts::return_shared(treasury);
    transfer::public_transfer(supply, PUBLISHER);
    s.end();
}
