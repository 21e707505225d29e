//! Decoding a blob from any sufficient set of slivers of one axis, each verified first.

use std::{collections::BTreeSet, thread};

use super::{
    axis::EncodingAxis,
    config::EncodingConfig,
    errors::{DecodeError, SliverVerificationError},
    index::SliverIndex,
    metadata::BlobMetadataWithId,
    rs::RsDecoder,
    slivers::SliverData,
    worker_count,
};

/// A sliver the decoder refused, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedSliver {
    /// The sliver's index on its axis.
    pub index: SliverIndex,
    /// Why it does not match the metadata.
    pub reason: SliverVerificationError,
}

/// A decoded blob, with the slivers that were offered but rejected on the way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeReport {
    /// The blob.
    pub blob: Vec<u8>,
    /// Slivers that failed verification and were not used.
    pub rejected: Vec<RejectedSliver>,
}

/// Decodes the blob from slivers of axis `A`: any `k_p` primary slivers (rows) or any `k_s`
/// secondary slivers (columns). See [`decode_with_report`]; this drops the report.
pub fn decode<A: EncodingAxis>(
    config: &EncodingConfig,
    metadata: &BlobMetadataWithId,
    slivers: impl IntoIterator<Item = SliverData<A>>,
) -> Result<Vec<u8>, DecodeError> {
    decode_with_report(config, metadata, slivers).map(|report| report.blob)
}

/// Decodes the blob from slivers of axis `A`. The metadata is verified, then slivers are taken in
/// the order given and verified against it; a sliver that does not match is rejected (and named
/// in the report, or in the error if too few valid slivers remain) and the next one is tried.
/// Duplicate indices are ignored.
pub fn decode_with_report<A: EncodingAxis>(
    config: &EncodingConfig,
    metadata: &BlobMetadataWithId,
    slivers: impl IntoIterator<Item = SliverData<A>>,
) -> Result<DecodeReport, DecodeError> {
    metadata.verify(config)?;
    let needed = usize::from(config.source_symbols::<A>());
    let mut offered = slivers.into_iter();
    // Only verified slivers claim their index: a corrupt copy offered first must not shadow a
    // genuine one offered later.
    let mut claimed = BTreeSet::new();
    let mut valid: Vec<SliverData<A>> = Vec::with_capacity(needed);
    let mut rejected = Vec::new();
    loop {
        let batch: Vec<SliverData<A>> = offered
            .by_ref()
            .filter(|sliver| !claimed.contains(&sliver.index()))
            .take(needed - valid.len())
            .collect();
        if batch.is_empty() {
            break;
        }
        let outcomes = verify_each(config, metadata, &batch);
        for (sliver, outcome) in batch.into_iter().zip(outcomes) {
            match outcome {
                Ok(()) => {
                    // A duplicate of an index verified in the same batch adds nothing.
                    if claimed.insert(sliver.index()) {
                        valid.push(sliver)
                    }
                }
                Err(reason) => {
                    tracing::warn!(index = %sliver.index(), axis = A::NAME, %reason, "rejected sliver");
                    rejected.push(RejectedSliver {
                        index: sliver.index(),
                        reason,
                    });
                }
            }
        }
        if valid.len() == needed {
            break;
        }
    }
    if valid.len() < needed {
        if let Some(first) = rejected.first() {
            let RejectedSliver { index, reason } = first.clone();
            return Err(DecodeError::InvalidSliver {
                index,
                source: reason,
            });
        }
        return Err(DecodeError::NotEnoughSlivers {
            needed,
            got: valid.len(),
        });
    }
    let slivers = valid;
    let symbol_size = metadata.metadata.symbol_size(config)?;
    let s = symbol_size.as_usize();
    // Each symbol position `p` of the slivers is one codeword of axis `A`'s code, with the
    // sliver indices as codeword positions; decoding it yields line `p` of the orthogonal axis.
    let lines = usize::from(config.source_symbols::<A::Orthogonal>());
    let k = config.source_symbols::<A>();
    let threads = worker_count(lines * needed * s);
    let ranges: Vec<_> = (0..threads)
        .map(|t| lines * t / threads..lines * (t + 1) / threads)
        .collect();
    let decoded: Vec<Result<Vec<Vec<u8>>, DecodeError>> = thread::scope(|scope| {
        let handles: Vec<_> = ranges
            .into_iter()
            .map(|range| {
                let slivers = &slivers;
                scope.spawn(move || {
                    let mut decoder = RsDecoder::new(k, config.n_shards(), symbol_size)
                        .map_err(|e| DecodeError::ReedSolomon(e.0))?;
                    range
                        .map(|p| {
                            decoder
                                .decode(slivers.iter().map(|sliver| {
                                    (sliver.index().get(), &sliver.data()[p * s..(p + 1) * s])
                                }))
                                .map_err(|e| DecodeError::ReedSolomon(e.0))
                        })
                        .collect()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(DecodeError::ReedSolomon("worker panicked".into())))
            })
            .collect()
    });

    // `line[p]` holds the `k` source symbols of orthogonal line `p`.
    let k = usize::from(k);
    let mut blob = vec![0u8; lines * k * s];
    let mut p = 0;
    for chunk in decoded {
        for line in chunk? {
            for (i, symbol) in line.chunks_exact(s).enumerate() {
                // Primary: line p is column p, symbol i is row i. Secondary: line p is row p.
                let (row, column) = if A::IS_PRIMARY { (i, p) } else { (p, i) };
                let columns = if A::IS_PRIMARY { lines } else { k };
                let at = (row * columns + column) * s;
                blob[at..at + s].copy_from_slice(symbol);
            }
            p += 1;
        }
    }
    let len = usize::try_from(metadata.metadata.unencoded_length())
        .map_err(|_| DecodeError::ReedSolomon("blob length does not fit in memory".to_owned()))?;
    blob.truncate(len);
    Ok(DecodeReport { blob, rejected })
}

/// Verifies every sliver against the metadata, in parallel; one outcome per sliver, in order.
fn verify_each<A: EncodingAxis>(
    config: &EncodingConfig,
    metadata: &BlobMetadataWithId,
    slivers: &[SliverData<A>],
) -> Vec<Result<(), SliverVerificationError>> {
    let work = slivers.iter().map(|s| s.len()).sum::<usize>() * 2;
    let threads = worker_count(work).min(slivers.len().max(1));
    let chunk = slivers.len().div_ceil(threads).max(1);
    thread::scope(|scope| {
        let handles: Vec<_> = slivers
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|sliver| sliver.verify(config, &metadata.metadata))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .zip(slivers.chunks(chunk))
            .flat_map(|(handle, part)| {
                handle.join().unwrap_or_else(|_| {
                    vec![
                        Err(SliverVerificationError::InvalidEncoding(
                            "verification worker panicked".into()
                        ));
                        part.len()
                    ]
                })
            })
            .collect()
    })
}
