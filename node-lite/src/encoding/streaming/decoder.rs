//! The streaming decoder: verifies the slivers it uses one by one, then decodes stripe by stripe
//! straight into the output file.

use std::{collections::BTreeSet, fs::File, os::unix::fs::FileExt};

use super::{
    plan::DecodePlan, sink::BlobShape, sliver_dir::SliverFile, RejectedFile, StreamingError,
    StreamingOptions,
};
use crate::encoding::{
    axis::EncodingAxis,
    blob_encoding::workers::{try_run_workers, Claims, Disjoint},
    config::EncodingConfig,
    errors::{DecodeError, SliverVerificationError},
    metadata::BlobMetadataWithId,
    rs::RsDecoder,
    worker_count,
};

/// What a streaming decode did besides writing the blob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamDecodeReport {
    /// The blob's length (the output file's length).
    pub blob_len: u64,
    /// Slivers offered but not used because they do not match the metadata (or could not be
    /// read).
    pub rejected: Vec<RejectedFile>,
}

/// Decodes the blob from sliver files of axis `A` (any `k_p` primary or `k_s` secondary slivers)
/// into `out`, which ends up holding exactly the blob.
///
/// The slivers are taken in the order given (duplicates ignored) and each is verified against
/// the metadata (read whole, expanded, its Merkle root rebuilt) before it is used; one that does
/// not match is rejected, named in the report, and the next is tried. Then the chosen slivers
/// are decoded in stripes of symbol positions, each stripe read from every chosen file and
/// written to `out` at once: primary slivers give the blob's columns, secondary slivers its rows
/// (so with secondary slivers the file is written front to back). Memory stays within
/// `options.memory_budget`. The files are read twice (verified, then decoded); they must not
/// change in between.
pub fn decode_to_file<A: EncodingAxis>(
    config: &EncodingConfig,
    metadata: &BlobMetadataWithId,
    slivers: Vec<SliverFile<A>>,
    out: &File,
    options: &StreamingOptions,
) -> Result<StreamDecodeReport, StreamingError> {
    metadata.verify(config).map_err(DecodeError::from)?;
    let shape = BlobShape::new(config, metadata.metadata.unencoded_length())?;
    let needed = usize::from(config.source_symbols::<A>());
    let sliver_len = shape.sliver_len(A::AXIS);
    let plan = DecodePlan::new(
        &shape,
        needed,
        sliver_len,
        options.memory_budget,
        options
            .threads
            .unwrap_or_else(|| worker_count(needed.saturating_mul(sliver_len))),
    )?;
    let span = tracing::debug_span!(
        "decode_to_file",
        blob_len = shape.blob_len(),
        axis = A::NAME,
        threads = plan.threads,
        line_unit = plan.line_unit
    );
    let _guard = span.enter();

    let (chosen, rejected, first_failure) =
        choose_valid(config, metadata, slivers, needed, plan.threads);
    if chosen.len() < needed {
        return Err(match first_failure {
            Some((index, reason)) => DecodeError::InvalidSliver {
                index,
                source: reason,
            },
            None => DecodeError::NotEnoughSlivers {
                needed,
                got: chosen.len(),
            },
        }
        .into());
    }

    out.set_len(shape.blob_len())
        .map_err(|e| StreamingError::io("cannot size the output file", e))?;
    decode_stripes(&shape, &chosen, out, &plan)?;
    out.sync_all()
        .map_err(|e| StreamingError::io("cannot flush the output file", e))?;
    Ok(StreamDecodeReport {
        blob_len: shape.blob_len(),
        rejected,
    })
}

/// The first `needed` slivers (in the order given, distinct indices) that verify against the
/// metadata, the rejected ones, and the first verification failure.
#[allow(clippy::type_complexity)]
fn choose_valid<A: EncodingAxis>(
    config: &EncodingConfig,
    metadata: &BlobMetadataWithId,
    slivers: Vec<SliverFile<A>>,
    needed: usize,
    threads: usize,
) -> (
    Vec<SliverFile<A>>,
    Vec<RejectedFile>,
    Option<(crate::encoding::SliverIndex, SliverVerificationError)>,
) {
    let mut offered = slivers.into_iter();
    let mut claimed = BTreeSet::new();
    let mut valid = Vec::with_capacity(needed);
    let mut rejected = Vec::new();
    let mut first_failure = None;
    while valid.len() < needed {
        let batch: Vec<SliverFile<A>> = offered
            .by_ref()
            .filter(|f| !claimed.contains(&f.index()))
            .take(needed - valid.len())
            .collect();
        if batch.is_empty() {
            break;
        }
        let mut outcomes: Vec<Option<Result<(), SliverVerificationError>>> =
            vec![None; batch.len()];
        let claims = Claims::new(batch.len(), 1);
        let outcomes_out = Disjoint::new(&mut outcomes);
        let _ = try_run_workers::<()>(threads.min(batch.len()), &claims, || {
            while let Some(range) = claims.next() {
                let i = range.start;
                let outcome = batch[i]
                    .read()
                    .map_err(|e| SliverVerificationError::InvalidEncoding(e.to_string()))
                    .and_then(|sliver| sliver.verify(config, &metadata.metadata));
                // SAFETY: entry i was claimed by this worker alone.
                unsafe { outcomes_out.set(i, Some(outcome)) };
            }
            Ok(())
        });
        for (file, outcome) in batch.into_iter().zip(outcomes) {
            match outcome.unwrap_or_else(|| {
                Err(SliverVerificationError::InvalidEncoding(
                    "not verified".into(),
                ))
            }) {
                Ok(()) => {
                    if claimed.insert(file.index()) {
                        valid.push(file);
                    }
                }
                Err(reason) => {
                    tracing::warn!(path = %file.path().display(), %reason, "rejected sliver");
                    rejected.push(RejectedFile {
                        path: file.path().to_owned(),
                        index: Some(file.index()),
                        reason: reason.to_string(),
                    });
                    first_failure.get_or_insert((file.index(), reason));
                }
            }
        }
    }
    (valid, rejected, first_failure)
}

/// Decodes every symbol position of the chosen slivers, a stripe of positions per claim, and
/// writes the blob's bytes they give to `out`.
fn decode_stripes<A: EncodingAxis>(
    shape: &BlobShape,
    chosen: &[SliverFile<A>],
    out: &File,
    plan: &DecodePlan,
) -> Result<(), StreamingError> {
    let config = shape.config();
    let (k_s, s) = (shape.k_s(), shape.s());
    let k = usize::from(config.source_symbols::<A>());
    let lines = usize::from(config.source_symbols::<A::Orthogonal>());
    let unit = plan.line_unit;
    let len = shape.blob_len();
    let claims = Claims::new(lines, unit);
    let write = |offset: usize, data: &[u8]| -> Result<(), StreamingError> {
        let offset = offset as u64;
        if offset >= len {
            return Ok(());
        }
        let keep = usize::try_from(len - offset)
            .unwrap_or(usize::MAX)
            .min(data.len());
        out.write_all_at(&data[..keep], offset)
            .map_err(|e| StreamingError::io("cannot write the output file", e))
    };
    try_run_workers(plan.threads, &claims, || {
        let mut decoder = RsDecoder::new(k as u16, config.n_shards(), shape.symbol_size())?;
        let mut input = vec![0u8; chosen.len() * unit * s];
        let mut output = vec![0u8; k * unit * s];
        while let Some(stripe) = claims.next() {
            let width = stripe.len();
            for (f, file) in chosen.iter().enumerate() {
                let piece = &mut input[f * unit * s..][..width * s];
                file.read_at(stripe.start * s, piece).map_err(|e| {
                    StreamingError::io(format!("cannot read {}", file.path().display()), e)
                })?;
            }
            for p in stripe.clone() {
                let symbols: Vec<(u16, &[u8])> = chosen
                    .iter()
                    .enumerate()
                    .map(|(f, file)| {
                        (
                            file.index().get(),
                            &input[f * unit * s + (p - stripe.start) * s..][..s],
                        )
                    })
                    .collect();
                if A::IS_PRIMARY {
                    // Line p is column p: its symbol i is row i's, every `unit · s` bytes.
                    decoder.decode_into(
                        &symbols,
                        &mut output[(p - stripe.start) * s..],
                        unit * s,
                    )?;
                } else {
                    // Line p is row p: its k symbols are consecutive.
                    decoder.decode_into(&symbols, &mut output[(p - stripe.start) * k * s..], s)?;
                }
            }
            if A::IS_PRIMARY {
                for i in 0..k {
                    write(
                        (i * k_s + stripe.start) * s,
                        &output[i * unit * s..][..width * s],
                    )?;
                }
            } else {
                write(stripe.start * k * s, &output[..width * k * s])?;
            }
        }
        Ok(())
    })
}
