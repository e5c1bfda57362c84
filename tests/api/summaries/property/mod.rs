//! The property: whatever reporters, moderators and rights holders do, in whatever order, the
//! summaries equal their recomputation from the base tables after every single request.
//!
//! Each case is a fresh application and database, driven over HTTP by a random sequence of
//! [`ops::Op`]s. proptest draws and shrinks the sequences; the async steps run on a runtime
//! of the test's own (`block_on` inside proptest's synchronous closure), which is why this is
//! a plain `#[test]`. The seed is printed, and `FAKEWATCH_SUMMARIES_SEED` replays it;
//! `FAKEWATCH_SUMMARIES_CASES` runs more cases than the default, for a longer search.

mod answers;
mod ops;
mod world;

use std::sync::Mutex;

use proptest::collection::vec;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};

use self::answers::Tally;
use self::ops::{Op, op};
use self::world::World;
use super::differences;

/// Random cases and their lengths (from 1, so that shrinking can drop every step but the
/// ones a failure needs): about 30 s here in a debug build, of which starting each case's
/// application (a moderator's password hash, mostly) takes 1.5–2.5 s, a step 20–80 ms and
/// the check after it about 9 ms.
const CASES: u32 = 6;
const STEPS: std::ops::RangeInclusive<usize> = 1..=60;

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
    let cases = std::env::var("FAKEWATCH_SUMMARIES_CASES")
        .ok()
        .and_then(|s| s.parse::<u32>().ok())
        .unwrap_or(CASES);
    let config = Config {
        cases,
        // Each shrinking step replays a sequence against a fresh application: a few seconds.
        max_shrink_iters: 200,
        max_shrink_time: 120_000,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner = TestRunner::new_with_rng(
        config,
        TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes),
    );
    let tally = Mutex::new(Tally::default());
    // Every kind of step once, in an order where each changes something, so that the check
    // below holds whatever the seed draws; then the random sequences.
    if let Err(failure) = runtime.block_on(run_case(&scripted(), &tally)) {
        panic!("the scripted sequence {:#?}: {failure}", scripted());
    }
    let result = runner.run(&vec(op(), STEPS), |ops| {
        runtime.block_on(run_case(&ops, &tally))
    });
    if let Err(failure) = result {
        panic!("seed {seed}: {failure}");
    }

    // A run whose requests were all refused would prove nothing.
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

/// Files on two stores and three brands, then confirms, records an outcome, hides evidence,
/// verifies, rejects, disowns, withdraws, erases, merges two sellers and two brands, and files
/// and confirms again on the merged ones.
fn scripted() -> Vec<Op> {
    let file = |listing, brand, reporter, evidence| Op::File {
        listing,
        brand,
        reporter,
        evidence,
    };
    vec![
        file(0, 0, Some(0), true),
        file(1, 1, Some(1), false),
        file(2, 2, None, false),
        file(5, 0, Some(2), false),
        file(0, 1, Some(3), false),
        Op::Confirm { reporter: 0 },
        Op::Outcome {
            report: 0,
            outcome: 0,
        },
        Op::ToggleEvidence { report: 0 },
        Op::Verify { report: 2 },
        Op::Reject {
            report: 3,
            reason: 0,
        },
        Op::Disown { reporter: 1 },
        // Reports not erased: 0, 2, 3 and 4; the fourth is report 4.
        Op::Withdraw {
            report: 3,
            by_form: true,
        },
        Op::Erase { report: 0 },
        Op::MergeSellers { from: 0, into: 1 },
        Op::MergeBrands { from: 0, into: 1 },
        file(0, 0, Some(0), false),
        Op::Confirm { reporter: 0 },
    ]
}

/// A seed that differs from run to run.
fn fresh_seed() -> u64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    now.as_nanos() as u64 ^ u64::from(std::process::id()).rotate_left(32)
}
