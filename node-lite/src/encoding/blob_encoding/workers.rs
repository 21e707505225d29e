//! Sharing the encoder's work between threads: units handed out at run time to whichever worker
//! is free (so a worker slowed down by other processes simply takes fewer), and output buffers
//! that the workers write in the disjoint parts they claimed.

use std::{
    marker::PhantomData,
    ops::Range,
    sync::atomic::{AtomicUsize, Ordering},
    thread,
};

/// Runs `work` on `threads` threads (the calling one included) and returns when all are done.
/// A panic in any of them is propagated.
pub(crate) fn run_workers(threads: usize, work: impl Fn() + Sync) {
    if threads <= 1 {
        return work();
    }
    thread::scope(|scope| {
        for _ in 1..threads {
            scope.spawn(&work);
        }
        work();
    });
}

/// Runs `work` like [`run_workers`] and returns the first error any worker returned; a failing
/// worker stops `claims`, so the others finish the unit they hold and stop too.
pub(crate) fn try_run_workers<E: Send>(
    threads: usize,
    claims: &Claims,
    work: impl Fn() -> Result<(), E> + Sync,
) -> Result<(), E> {
    let first = std::sync::Mutex::new(None);
    run_workers(threads, || {
        if let Err(e) = work() {
            claims.stop();
            first
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .get_or_insert(e);
        }
    });
    match first
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
    {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// Hands out `0..len` in consecutive units of `unit` items, each to exactly one caller of
/// [`next`](Self::next). Every unit but the last starts and ends at a multiple of `unit`.
pub(crate) struct Claims {
    next: AtomicUsize,
    len: usize,
    unit: usize,
}

impl Claims {
    pub(crate) fn new(len: usize, unit: usize) -> Self {
        assert!(unit > 0, "units are not empty");
        Self {
            next: AtomicUsize::new(0),
            len,
            unit,
        }
    }

    /// Hands out nothing more: every later [`next`](Self::next) returns `None` (a worker that
    /// failed stops the others at their next claim).
    pub(crate) fn stop(&self) {
        self.next.fetch_max(self.len, Ordering::Relaxed);
    }

    /// The next unclaimed unit, if any is left.
    pub(crate) fn next(&self) -> Option<Range<usize>> {
        let start = self.next.fetch_add(self.unit, Ordering::Relaxed);
        (start < self.len).then(|| start..(start + self.unit).min(self.len))
    }
}

/// A buffer written by several workers in disjoint parts that are only known at run time (the
/// rows or columns each one claimed), which the borrow checker cannot see.
pub(crate) struct Disjoint<'a, T> {
    ptr: *mut T,
    len: usize,
    _buffer: PhantomData<&'a mut [T]>,
}

// SAFETY: the buffer is only reached through `part`, whose callers guarantee that no two threads
// hold overlapping parts; `T: Send` lets the parts be written from any thread.
unsafe impl<T: Send> Sync for Disjoint<'_, T> {}
// SAFETY: as above; `Disjoint` owns no data, it borrows the buffer mutably for `'a`.
unsafe impl<T: Send> Send for Disjoint<'_, T> {}

impl<'a, T> Disjoint<'a, T> {
    pub(crate) fn new(buffer: &'a mut [T]) -> Self {
        Self {
            ptr: buffer.as_mut_ptr(),
            len: buffer.len(),
            _buffer: PhantomData,
        }
    }

    /// The elements `range` of the buffer.
    ///
    /// # Panics
    ///
    /// If `range` is not within the buffer.
    ///
    /// # Safety
    ///
    /// While the returned slice lives, no other reference to any element of `range` may exist:
    /// in practice, `range` lies in a row or column that the calling worker alone claimed.
    #[allow(clippy::mut_from_ref)]
    pub(crate) unsafe fn part(&self, range: Range<usize>) -> &mut [T] {
        assert!(
            range.start <= range.end && range.end <= self.len,
            "part {range:?} outside a buffer of {}",
            self.len
        );
        // SAFETY: the range is within the buffer, which is borrowed mutably for `'a`, and the
        // caller guarantees that nothing else refers to these elements meanwhile.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.add(range.start), range.len()) }
    }
}

impl<T> Disjoint<'_, T> {
    /// Sets element `index` to `value`.
    ///
    /// # Safety
    ///
    /// As for [`part`](Self::part): no other reference to that element may exist meanwhile.
    pub(crate) unsafe fn set(&self, index: usize, value: T) {
        // SAFETY: the caller's guarantee, passed on.
        let slot = unsafe { self.part(index..index + 1) };
        slot[0] = value;
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    #[test]
    fn claims_cover_the_range_once_in_aligned_units() {
        for (len, unit, threads) in [
            (0usize, 4usize, 2usize),
            (1, 4, 2),
            (10, 3, 3),
            (1000, 32, 2),
        ] {
            let claims = Claims::new(len, unit);
            let seen = Mutex::new(Vec::new());
            run_workers(threads, || {
                while let Some(range) = claims.next() {
                    assert_eq!(range.start % unit, 0);
                    assert!(range.len() == unit || range.end == len);
                    seen.lock().expect("not poisoned").extend(range);
                }
            });
            let mut seen = seen.into_inner().expect("not poisoned");
            seen.sort_unstable();
            assert_eq!(seen, (0..len).collect::<Vec<_>>());
        }
    }

    #[test]
    fn disjoint_parts_are_written_by_their_claimants() {
        let mut buffer = vec![0usize; 100];
        let shared = Disjoint::new(&mut buffer);
        let claims = Claims::new(100, 7);
        run_workers(2, || {
            while let Some(range) = claims.next() {
                // SAFETY: each range is claimed by one worker only.
                for (i, x) in unsafe { shared.part(range.clone()) }.iter_mut().enumerate() {
                    *x = range.start + i;
                }
            }
        });
        assert_eq!(buffer, (0..100).collect::<Vec<_>>());
    }
}
