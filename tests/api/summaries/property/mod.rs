//! The property: whatever reporters, moderators and rights holders do, in whatever order, the
//! summaries equal their recomputation from the base tables after every single request.
//!
//! Each case is a fresh application and database, driven over HTTP by a random sequence of
//! [`ops::Op`]s. proptest draws and shrinks the sequences; the async steps run on a runtime
//! of the test's own (`block_on` inside proptest's synchronous closure), which is why this is
//! a plain `#[test]`. The seed is printed, and `FAKEWATCH_SUMMARIES_SEED` replays it.

mod ops;
mod world;

use std::sync::Mutex;

use proptest::collection::vec;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};

use self::ops::{Op, op};
use self::world::{Tally, World};
use super::differences;

/// About 30 s here in a debug build (most of it the requests, not the checks).
const CASES: u32 = 10;
const STEPS: usize = 40;

#[test]
fn summaries_equal_their_recomputation_after_every_step_of_random_writes() {
    let seed = std::env::var("FAKEWATCH_SUMMARIES_SEED")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or_else(fresh_seed);
    println!("summaries property: seed {seed} (FAKEWATCH_SUMMARIES_SEED={seed} replays it)");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut seed_bytes = [0u8; 32];
    seed_bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let config = Config {
        cases: CASES,
        // Each shrinking step replays a sequence against a fresh application.
        max_shrink_iters: 100,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes));
    let tally = Mutex::new(Tally::default());
    let result = runner.run(&vec(op(), 1..=STEPS), |ops| {
        runtime.block_on(run_case(&ops, &tally))
    });
    if let Err(failure) = result {
        panic!("seed {seed}: {failure}");
    }

    // A run that only ever had requests refused would prove nothing.
    let tally = tally.into_inner().expect("tally");
    println!("steps that changed something: {:?}", tally.0);
    for kind in Op::KINDS {
        assert!(
            tally.0.get(kind).copied().unwrap_or(0) > 0,
            "seed {seed}: no step of kind {kind:?} changed anything: {:?}",
            tally.0
        );
    }
}

/// Runs one sequence against a fresh application, checking the summaries after each step.
async fn run_case(ops: &[Op], tally: &Mutex<Tally>) -> Result<(), TestCaseError> {
    let mut world = World::start().await;
    for (step, op) in ops.iter().enumerate() {
        let done = world
            .apply(op)
            .await
            .map_err(|e| TestCaseError::fail(format!("step {step}, {op:?}: {e}")))?;
        tally.lock().expect("tally").count(op, done);
        let found = differences(&world.app).await;
        if !found.is_empty() {
            return Err(TestCaseError::fail(format!(
                "after step {step}, {op:?}, the summaries differ from their recomputation:\n{}",
                found.join("\n")
            )));
        }
    }
    Ok(())
}

/// A seed that differs from run to run.
fn fresh_seed() -> u64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    now.as_nanos() as u64 ^ u64::from(std::process::id()).rotate_left(32)
}
