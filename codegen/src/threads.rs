//! Work shared out over threads: the crate's files are independent of each other,
//! so each is emitted and formatted (and later written) on whichever thread takes
//! it; so are the schemas the loader checks. Token streams cannot leave the thread
//! that made them, so a file is emitted and formatted on the same thread, and only
//! its text comes back.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// The stack of each helper thread: what a main thread usually has, so that
/// emitting and formatting deeply nested types (which lowering allows up to
/// [`crate::lower::MAX_SCHEMA_DEPTH`] levels) needs no more than it did on one thread.
const STACK_SIZE: usize = 8 << 20;

/// Runs `work` on each of `jobs`, on this thread and up to `threads - 1` helper
/// threads, each taking the next job not yet taken until none is left (fewer
/// helpers if they cannot be started). Returns each job's outcome, in the order of
/// `jobs`, and the sums of the two durations `work` returned.
pub fn run<J, T, W>(jobs: &[J], threads: usize, work: W) -> (Vec<T>, Duration, Duration)
where
    J: Sync,
    T: Send,
    W: Fn(&J) -> (T, Duration, Duration) + Sync,
{
    let next = AtomicUsize::new(0);
    let worker = || {
        let mut done = Vec::new();
        let (mut first, mut second) = (Duration::ZERO, Duration::ZERO);
        loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some(job) = jobs.get(index) else { break };
            let (outcome, a, b) = work(job);
            first += a;
            second += b;
            done.push((index, outcome));
        }
        (done, first, second)
    };
    let helpers = threads.min(jobs.len()).saturating_sub(1);
    let mut slots: Vec<Option<T>> = std::iter::repeat_with(|| None).take(jobs.len()).collect();
    let (mut first, mut second) = (Duration::ZERO, Duration::ZERO);
    std::thread::scope(|scope| {
        let spawned: Vec<_> = (0..helpers)
            .map_while(|_| std::thread::Builder::new().stack_size(STACK_SIZE).spawn_scoped(scope, worker).ok())
            .collect();
        let own = worker();
        let others = spawned.into_iter().map(|handle| handle.join().unwrap_or_else(|p| std::panic::resume_unwind(p)));
        for (done, a, b) in std::iter::once(own).chain(others) {
            first += a;
            second += b;
            for (index, outcome) in done {
                slots[index] = Some(outcome);
            }
        }
    });
    (slots.into_iter().flatten().collect(), first, second)
}

/// [`run`] for work that is not timed: each job's outcome, in the order of `jobs`,
/// on as many threads as the machine runs.
pub fn map<J, T, W>(jobs: &[J], work: W) -> Vec<T>
where
    J: Sync,
    T: Send,
    W: Fn(&J) -> T + Sync,
{
    run(jobs, available(), |job| (work(job), Duration::ZERO, Duration::ZERO)).0
}

/// `helper()` on a second thread while this one runs `here()`; both outcomes.
/// Both run here, `helper` first, if no thread can be started. A panic in `helper`
/// is resumed here.
pub fn beside<A: Send, B>(helper: impl Fn() -> A + Sync, here: impl FnOnce() -> B) -> (A, B) {
    std::thread::scope(|scope| match std::thread::Builder::new().stack_size(STACK_SIZE).spawn_scoped(scope, &helper) {
        Ok(handle) => {
            let here = here();
            (handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)), here)
        }
        Err(_) => (helper(), here()),
    })
}

/// How many threads the machine runs at once.
pub fn available() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::run;

    #[test]
    fn every_job_is_done_once_and_in_order() {
        let jobs: Vec<usize> = (0..100).collect();
        for threads in [1, 2, 3, 200] {
            let (out, a, b) = run(&jobs, threads, |j| (j * 2, Duration::from_nanos(1), Duration::from_nanos(2)));
            assert_eq!(out, jobs.iter().map(|j| j * 2).collect::<Vec<_>>());
            assert_eq!((a, b), (Duration::from_nanos(100), Duration::from_nanos(200)));
        }
        assert!(run(&[] as &[usize], 2, |j| (*j, Duration::ZERO, Duration::ZERO)).0.is_empty());
    }

    #[test]
    fn beside_returns_both_outcomes_and_runs_the_helper_elsewhere() {
        let here = std::thread::current().id();
        let (helper, mine) =
            super::beside(|| (std::thread::current().id(), 6 * 7), || (std::thread::current().id(), 2));
        assert_eq!((helper.1, mine.1), (42, 2));
        assert_eq!(mine.0, here);
        assert_ne!(helper.0, here);
    }
}
