//! Mapping a slice on every core, results in input order. Loading and compiling a large inventory
//! is one independent piece of work per file or principal, so the items are split into
//! contiguous runs, one per thread.

/// Fewer small items (files, principals) than this per thread are not worth a thread.
pub(crate) const SMALL_ITEMS: usize = 8;

/// The threads to split `len` items over: one per core, each with at least `min_per_thread`.
fn threads_for(len: usize, min_per_thread: usize) -> usize {
    cores().min(len / min_per_thread.max(1)).max(1)
}

/// The cores this process may use (`available_parallelism`, 1 when unknown), found once: each
/// asking reads the cgroup's quota from three files.
pub(crate) fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// `items.iter().map(f)`, split across up to `available_parallelism` threads, each given at
/// least `min_per_thread` items (1 for items as large as a scenario file, [`SMALL_ITEMS`] for a
/// policy file); results come back in input order, so a caller that reports the first error in
/// order stays deterministic. A thread that panics yields `failed` for each of its items
/// instead of a result.
pub(crate) fn par_map<T, R, F>(
    items: &[T],
    min_per_thread: usize,
    f: F,
    failed: impl Fn() -> R,
) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
{
    let threads = threads_for(items.len(), min_per_thread);
    if threads == 1 {
        return items.iter().map(f).collect();
    }
    let per_thread = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(per_thread)
            .map(|chunk| {
                (
                    chunk.len(),
                    scope.spawn(move || chunk.iter().map(f).collect()),
                )
            })
            .collect();
        let mut out = Vec::with_capacity(items.len());
        for (len, h) in handles {
            match h.join() {
                Ok(results) => out.extend::<Vec<R>>(results),
                Err(_) => out.extend((0..len).map(|_| failed())),
            }
        }
        out
    })
}

/// [`par_map`] over owned items: each item is moved into its thread and dropped there once
/// `f` is done with it, so a large input (parsed scenario files) need not outlive its results.
/// Items are handed out one at a time as threads come free, not in fixed runs: owned items are
/// few and unequal (one scenario file can hold most of a suite's cases), and a fixed split left
/// one core idle while the other worked through the large file and its neighbours. An item whose
/// `f` panics yields `failed`; its thread stops, and the others take the remaining items.
pub(crate) fn par_map_owned<T, R, F>(
    items: Vec<T>,
    min_per_thread: usize,
    f: F,
    failed: impl Fn() -> R,
) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    let threads = threads_for(items.len(), min_per_thread);
    if threads == 1 {
        return items.into_iter().map(f).collect();
    }
    // Each result is stored as soon as it is ready, so a panic loses only the item it hit.
    let slots: Vec<Option<R>> = std::iter::repeat_with(|| None).take(items.len()).collect();
    let slots = std::sync::Mutex::new(slots);
    let queue = std::sync::Mutex::new(items.into_iter().enumerate());
    let (f, queue, store) = (&f, &queue, &slots);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                // Both locks are held only to take an item or store a result, never while `f` runs,
                // so a panic in `f` poisons neither.
                scope.spawn(move || loop {
                    let next = lock(queue).next();
                    let Some((i, item)) = next else { break };
                    let r = f(item);
                    if let Some(slot) = lock(store).get_mut(i) {
                        *slot = Some(r);
                    }
                })
            })
            .collect();
        // Joined here, a panicked thread is only an empty slot (`scope` would panic in turn).
        for h in handles {
            let _ = h.join();
        }
    });
    slots
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .into_iter()
        .map(|r| r.unwrap_or_else(&failed))
        .collect()
}

/// `m`'s guard, poisoned or not: [`par_map_owned`] never panics while holding one.
fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_input_order() {
        let items: Vec<u32> = (0..1000).collect();
        let out = par_map(&items, SMALL_ITEMS, |x| x * 2, || u32::MAX);
        assert_eq!(out.len(), 1000);
        assert_eq!(out.first(), Some(&0));
        assert_eq!(out.get(999), Some(&1998));
        assert!(out.iter().enumerate().all(|(i, x)| *x as usize == i * 2));
    }

    #[test]
    fn owned_results_come_back_in_input_order() {
        let items: Vec<String> = (0..1000).map(|i| i.to_string()).collect();
        let out = par_map_owned(items, SMALL_ITEMS, |s| s.len(), || usize::MAX);
        assert_eq!(out.len(), 1000);
        assert_eq!(out.first(), Some(&1));
        assert_eq!(out.get(999), Some(&3));
    }

    #[test]
    fn owned_items_go_to_whichever_thread_is_free() {
        // One slow item among quick ones: a fixed split would give the slow item's thread half
        // the quick ones too; handed out one at a time, the other thread takes them all.
        if threads_for(2, 1) < 2 {
            return;
        }
        let mut items = vec![true];
        items.extend(std::iter::repeat_n(false, 9));
        let out = par_map_owned(
            items,
            1,
            |slow| {
                if slow {
                    std::thread::sleep(std::time::Duration::from_millis(300));
                }
                std::thread::current().id()
            },
            || std::thread::current().id(),
        );
        let slow_thread = out.first().copied();
        assert!(
            out.iter().skip(1).all(|t| Some(*t) != slow_thread),
            "{out:?}"
        );
    }

    #[test]
    fn a_panicking_owned_item_fails_and_the_rest_still_come_back() {
        let items: Vec<u32> = (0..50).collect();
        let out = par_map_owned(
            items,
            1,
            |x| {
                assert!(x != 7, "item 7 fails");
                Some(x)
            },
            || None,
        );
        assert_eq!(out.len(), 50);
        assert_eq!(out.get(7), Some(&None));
        assert_eq!(out.first(), Some(&Some(0)));
        assert_eq!(out.get(49), Some(&Some(49)));
    }

    #[test]
    fn few_items_run_on_the_calling_thread() {
        let me = std::thread::current().id();
        let out = par_map(
            &[1, 2, 3],
            SMALL_ITEMS,
            |_| std::thread::current().id() == me,
            || false,
        );
        assert_eq!(out, vec![true, true, true]);
    }

    #[test]
    fn empty_input_gives_empty_output() {
        let out = par_map(&[] as &[u8], SMALL_ITEMS, |x| *x, || 0);
        assert!(out.is_empty());
    }
}
