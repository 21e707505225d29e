//! Decoding a blob from any sufficient set of slivers of one axis, each verified first.

use std::{collections::BTreeMap, thread};

use super::{
    axis::EncodingAxis, config::EncodingConfig, errors::DecodeError, metadata::BlobMetadataWithId,
    rs::RsDecoder, slivers::SliverData,
};

/// Decodes the blob from slivers of axis `A`: `k_p` primary slivers (rows) or `k_s` secondary
/// slivers (columns), any of them. The metadata is verified, then every sliver used is verified
/// against it; a sliver that does not match is named in the error. Duplicate indices are ignored.
pub fn decode<A: EncodingAxis>(
    config: &EncodingConfig,
    metadata: &BlobMetadataWithId,
    slivers: impl IntoIterator<Item = SliverData<A>>,
) -> Result<Vec<u8>, DecodeError> {
    metadata.verify(config)?;
    let needed = usize::from(config.source_symbols::<A>());
    let mut chosen: BTreeMap<u16, SliverData<A>> = BTreeMap::new();
    for sliver in slivers {
        chosen.entry(sliver.index().get()).or_insert(sliver);
        if chosen.len() == needed {
            break;
        }
    }
    if chosen.len() < needed {
        return Err(DecodeError::NotEnoughSlivers {
            needed,
            got: chosen.len(),
        });
    }
    let slivers: Vec<SliverData<A>> = chosen.into_values().collect();
    verify_all(config, metadata, &slivers)?;

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
    Ok(blob)
}

fn worker_count(work_bytes: usize) -> usize {
    if work_bytes < (1 << 20) {
        1
    } else {
        thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    }
}

/// Verifies every sliver against the metadata, in parallel; the first failure is returned.
fn verify_all<A: EncodingAxis>(
    config: &EncodingConfig,
    metadata: &BlobMetadataWithId,
    slivers: &[SliverData<A>],
) -> Result<(), DecodeError> {
    let work = slivers.iter().map(|s| s.len()).sum::<usize>() * 2;
    let threads = worker_count(work).min(slivers.len().max(1));
    let chunk = slivers.len().div_ceil(threads).max(1);
    thread::scope(|scope| {
        let handles: Vec<_> = slivers
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter().try_for_each(|sliver| {
                        sliver.verify(config, &metadata.metadata).map_err(|source| {
                            DecodeError::InvalidSliver {
                                index: sliver.index(),
                                pair: sliver.pair_index(config.n_shards()),
                                source,
                            }
                        })
                    })
                })
            })
            .collect();
        handles.into_iter().try_for_each(|h| {
            h.join()
                .unwrap_or_else(|_| Err(DecodeError::ReedSolomon("worker panicked".into())))
        })
    })
}
